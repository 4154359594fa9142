export { codeForMysqlErrno, fromMysqlError, MysqlErrno, mysqlErrorFor } from "./mysql-errors.js";
export { fromRpcError, toRpcError } from "./rpc-error.js";
export {
  alreadyExists,
  Code,
  errorCode,
  errorMessage,
  failedPrecondition,
  internal,
  invalidArgument,
  isVtError,
  type MysqlErrorInfo,
  notFound,
  unavailable,
  VtError,
  type VtErrorOptions,
  withContext,
} from "./vt-error.js";
