import {
  ClientClosedError,
  EtcdLeaseInvalidError,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  isRecoverableError,
} from "etcd3";
import { TopoError, TopoErrorCode } from "../errors.js";

/**
 * Casts an etcd3 client error to a TopoError about `subject` (a path or lock), the way etcd2topo's convertError
 * does, so callers never see the client library's error classes. TopoErrors pass through unchanged.
 */
export function convertError(err: unknown, subject: string): Error {
  if (err instanceof TopoError) return err;
  if (err instanceof GRPCDeadlineExceededError) {
    return new TopoError(TopoErrorCode.Timeout, subject, { cause: err });
  }
  if (err instanceof GRPCCancelledError || err instanceof ClientClosedError) {
    return new TopoError(TopoErrorCode.Interrupted, subject, { cause: err });
  }
  if (err instanceof EtcdLeaseInvalidError) {
    return new TopoError(TopoErrorCode.Interrupted, subject, { detail: "lease expired", cause: err });
  }
  if (err instanceof Error && (isRecoverableError(err) || isBrokenCircuit(err))) {
    return new TopoError(TopoErrorCode.Unavailable, subject, { detail: err.message, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`etcd error on ${subject}: ${message}`, { cause: err });
}

/** The client's circuit breaker refused the call because the server kept failing (cockatiel's error). */
function isBrokenCircuit(err: Error): boolean {
  return "isBrokenCircuitError" in err && err.isBrokenCircuitError === true;
}
