import { LegacyErrorCode, type RPCError } from "../proto/vtrpc.js";
import { Code, errorMessage, VtError } from "./vt-error.js";

const LEGACY_OF: ReadonlyMap<Code, LegacyErrorCode> = new Map([
  [Code.OK, LegacyErrorCode.SUCCESS_LEGACY],
  [Code.CANCELED, LegacyErrorCode.CANCELLED_LEGACY],
  [Code.UNKNOWN, LegacyErrorCode.UNKNOWN_ERROR_LEGACY],
  [Code.INVALID_ARGUMENT, LegacyErrorCode.BAD_INPUT_LEGACY],
  [Code.DEADLINE_EXCEEDED, LegacyErrorCode.DEADLINE_EXCEEDED_LEGACY],
  [Code.ALREADY_EXISTS, LegacyErrorCode.INTEGRITY_ERROR_LEGACY],
  [Code.PERMISSION_DENIED, LegacyErrorCode.PERMISSION_DENIED_LEGACY],
  [Code.RESOURCE_EXHAUSTED, LegacyErrorCode.RESOURCE_EXHAUSTED_LEGACY],
  [Code.FAILED_PRECONDITION, LegacyErrorCode.QUERY_NOT_SERVED_LEGACY],
  [Code.ABORTED, LegacyErrorCode.NOT_IN_TX_LEGACY],
  [Code.INTERNAL, LegacyErrorCode.INTERNAL_ERROR_LEGACY],
  [Code.UNAVAILABLE, LegacyErrorCode.TRANSIENT_ERROR_LEGACY],
  [Code.UNAUTHENTICATED, LegacyErrorCode.UNAUTHENTICATED_LEGACY],
]);

const MYSQL_SUFFIX = / \(errno (\d+)\) \(sqlstate ([0-9A-Za-z]{5})\)$/;

/**
 * The `vtrpc.RPCError` carried inside a response (BeginExecute's statement error). A message field has
 * no room for errno and SQLSTATE, so they are appended as Vitess does: `... (errno 1064) (sqlstate 42000)`;
 * `fromRpcError` takes them back out.
 */
export function toRpcError(err: unknown): RPCError {
  const code = err instanceof VtError ? err.code : Code.UNKNOWN;
  let message = errorMessage(err);
  if (err instanceof VtError && err.mysql)
    message += ` (errno ${err.mysql.errno}) (sqlstate ${err.mysql.sqlstate})`;
  return { code, legacyCode: LEGACY_OF.get(code) ?? LegacyErrorCode.UNKNOWN_ERROR_LEGACY, message };
}

/** The VtError an RPCError stands for (undefined for none), errno and SQLSTATE restored. */
export function fromRpcError(rpcError: RPCError | undefined): VtError | undefined {
  if (!rpcError || (rpcError.code === Code.OK && rpcError.message === "")) return undefined;
  const match = MYSQL_SUFFIX.exec(rpcError.message);
  if (!match) return new VtError(rpcError.code, rpcError.message);
  return new VtError(rpcError.code, rpcError.message.slice(0, match.index), {
    mysql: { errno: Number(match[1]), sqlstate: match[2] as string },
  });
}
