import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { Code, errorMessage, VtError } from "../vterrors/index.js";

const VT_CODE = "vt-code";
const VT_ERRNO = "vt-errno";
const VT_SQLSTATE = "vt-sqlstate";

/** vtrpc codes are gRPC's status codes; anything else travels as UNKNOWN with the exact code in metadata. */
function grpcStatusFor(code: Code): status {
  return code >= status.OK && code <= status.UNAUTHENTICATED ? (code as number as status) : status.UNKNOWN;
}

export interface GrpcErrorStatus {
  code: status;
  details: string;
  metadata: Metadata;
}

export function toGrpcStatus(err: unknown): GrpcErrorStatus {
  const metadata = new Metadata();
  if (err instanceof VtError) {
    metadata.set(VT_CODE, String(err.code));
    if (err.mysql) {
      metadata.set(VT_ERRNO, String(err.mysql.errno));
      metadata.set(VT_SQLSTATE, err.mysql.sqlstate);
    }
    return { code: grpcStatusFor(err.code), details: err.message, metadata };
  }
  return { code: status.UNKNOWN, details: errorMessage(err), metadata };
}

function metadataValue(metadata: Metadata | undefined, key: string): string | undefined {
  const value = metadata?.get(key)[0];
  return value === undefined ? undefined : String(value);
}

/** Turns a grpc-js client error back into the VtError the server raised (code, message, errno, SQLSTATE). */
export function fromGrpcError(err: unknown, context?: string): VtError {
  if (err instanceof VtError) return context ? err.withContext(context) : err;
  const serviceError = err as Partial<ServiceError>;
  if (typeof serviceError.code !== "number") {
    const message = errorMessage(err);
    return new VtError(Code.UNKNOWN, context ? `${context}: ${message}` : message, { cause: err });
  }
  const vtCode = metadataValue(serviceError.metadata, VT_CODE);
  const errno = metadataValue(serviceError.metadata, VT_ERRNO);
  const sqlstate = metadataValue(serviceError.metadata, VT_SQLSTATE);
  const code = vtCode === undefined ? (serviceError.code as number as Code) : (Number(vtCode) as Code);
  const details = serviceError.details ?? errorMessage(err);
  const message = context ? `${context}: ${details}` : details;
  const mysql =
    errno !== undefined && sqlstate !== undefined ? { errno: Number(errno), sqlstate } : undefined;
  return new VtError(code, message, { cause: err, mysql });
}
