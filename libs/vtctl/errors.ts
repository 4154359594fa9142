import { isKeyError } from "../key/index.js";
import { isPositionError } from "../mysql/replication/index.js";
import { TabletAliasError, TopoError, TopoErrorCode } from "../topo/index.js";
import { Code, errorMessage, VtError } from "../vterrors/index.js";

const TOPO_CODES: Record<TopoErrorCode, Code> = {
  [TopoErrorCode.NodeExists]: Code.ALREADY_EXISTS,
  [TopoErrorCode.NoNode]: Code.NOT_FOUND,
  [TopoErrorCode.NodeNotEmpty]: Code.FAILED_PRECONDITION,
  [TopoErrorCode.Timeout]: Code.DEADLINE_EXCEEDED,
  [TopoErrorCode.Interrupted]: Code.ABORTED,
  [TopoErrorCode.BadVersion]: Code.ABORTED,
  [TopoErrorCode.PartialResult]: Code.UNAVAILABLE,
  [TopoErrorCode.NoUpdateNeeded]: Code.FAILED_PRECONDITION,
  [TopoErrorCode.NoImplementation]: Code.UNIMPLEMENTED,
  [TopoErrorCode.InvalidPath]: Code.INVALID_ARGUMENT,
  [TopoErrorCode.Unavailable]: Code.UNAVAILABLE,
};

/**
 * The boundary cast of vtctld: every error leaving an RPC is a VtError with a vtrpc code. Topology errors keep
 * their message (which names the path) with a matching code; malformed aliases, shard names and positions are
 * INVALID_ARGUMENT.
 */
export function toVtError(err: unknown): VtError {
  if (err instanceof VtError) return err;
  if (err instanceof TopoError) return new VtError(TOPO_CODES[err.code], err.message, { cause: err });
  if (err instanceof TabletAliasError || isKeyError(err) || isPositionError(err)) {
    return new VtError(Code.INVALID_ARGUMENT, errorMessage(err), { cause: err });
  }
  return new VtError(Code.UNKNOWN, errorMessage(err), { cause: err });
}
