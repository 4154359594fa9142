import { Code, type MysqlErrorInfo, VtError } from "./vt-error.js";

/** MySQL error numbers the project decides on. */
export const MysqlErrno = {
  ER_UNKNOWN_ERROR: 1105,
  ER_ACCESS_DENIED: 1045,
  ER_DB_ACCESS_DENIED: 1044,
  ER_BAD_DB: 1049,
  ER_NO_SUCH_TABLE: 1146,
  ER_BAD_FIELD: 1054,
  ER_DUP_ENTRY: 1062,
  ER_PARSE_ERROR: 1064,
  ER_SYNTAX_ERROR: 1149,
  ER_LOCK_WAIT_TIMEOUT: 1205,
  ER_LOCK_DEADLOCK: 1213,
  ER_OPTION_PREVENTS_STATEMENT: 1290,
  ER_QUERY_INTERRUPTED: 1317,
  ER_NOT_SUPPORTED_YET: 1235,
  ER_TOO_MANY_USER_CONNECTIONS: 1203,
  ER_CON_COUNT_ERROR: 1040,
  ER_NET_PACKET_TOO_LARGE: 1153,
  ER_STATEMENT_TIMEOUT: 3024,
  ER_STATEMENT_TIMEOUT_MARIADB: 1969,
  CR_SERVER_GONE_ERROR: 2006,
  CR_SERVER_LOST: 2013,
  CR_CONNECTION_ERROR: 2002,
  CR_CONN_HOST_ERROR: 2003,
} as const;

/** The vtrpc code for a MySQL error, following Vitess's tabletserver mapping. */
export function codeForMysqlErrno(errno: number): Code {
  switch (errno) {
    case MysqlErrno.ER_PARSE_ERROR:
    case MysqlErrno.ER_SYNTAX_ERROR:
    case MysqlErrno.ER_BAD_FIELD:
      return Code.INVALID_ARGUMENT;
    case MysqlErrno.ER_NO_SUCH_TABLE:
    case MysqlErrno.ER_BAD_DB:
      return Code.NOT_FOUND;
    case MysqlErrno.ER_DUP_ENTRY:
      return Code.ALREADY_EXISTS;
    case MysqlErrno.ER_LOCK_WAIT_TIMEOUT:
    case MysqlErrno.ER_STATEMENT_TIMEOUT:
    case MysqlErrno.ER_STATEMENT_TIMEOUT_MARIADB:
      return Code.DEADLINE_EXCEEDED;
    case MysqlErrno.ER_LOCK_DEADLOCK:
      return Code.ABORTED;
    case MysqlErrno.ER_OPTION_PREVENTS_STATEMENT:
      return Code.FAILED_PRECONDITION;
    case MysqlErrno.ER_QUERY_INTERRUPTED:
      return Code.CANCELED;
    case MysqlErrno.ER_ACCESS_DENIED:
    case MysqlErrno.ER_DB_ACCESS_DENIED:
      return Code.PERMISSION_DENIED;
    case MysqlErrno.ER_CON_COUNT_ERROR:
    case MysqlErrno.ER_TOO_MANY_USER_CONNECTIONS:
      return Code.RESOURCE_EXHAUSTED;
    case MysqlErrno.CR_SERVER_GONE_ERROR:
    case MysqlErrno.CR_SERVER_LOST:
    case MysqlErrno.CR_CONNECTION_ERROR:
    case MysqlErrno.CR_CONN_HOST_ERROR:
      return Code.UNAVAILABLE;
    default:
      return Code.UNKNOWN;
  }
}

interface Mysql2ErrorShape {
  errno?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  code?: unknown;
  message?: unknown;
}

/** Converts an error thrown by the mysql2 driver into a VtError that keeps errno and SQLSTATE. */
export function fromMysqlError(err: unknown): VtError {
  if (err instanceof VtError) return err;
  const shape = (typeof err === "object" && err !== null ? err : {}) as Mysql2ErrorShape;
  const message = typeof shape.sqlMessage === "string" ? shape.sqlMessage : String(shape.message ?? err);
  if (typeof shape.errno === "number" && typeof shape.sqlState === "string") {
    const mysql: MysqlErrorInfo = { errno: shape.errno, sqlstate: shape.sqlState };
    return new VtError(codeForMysqlErrno(shape.errno), message, { cause: err, mysql });
  }
  const networkCodes = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ENOENT", "PROTOCOL_CONNECTION_LOST"]);
  if (typeof shape.code === "string" && networkCodes.has(shape.code)) {
    return new VtError(Code.UNAVAILABLE, message, { cause: err });
  }
  return new VtError(Code.UNKNOWN, message, { cause: err });
}

/** The errno/SQLSTATE a MySQL client of vtgate sees for an error that MySQL itself did not produce. */
export function mysqlErrorFor(err: VtError): MysqlErrorInfo {
  if (err.mysql) return err.mysql;
  switch (err.code) {
    case Code.UNIMPLEMENTED:
      return { errno: MysqlErrno.ER_NOT_SUPPORTED_YET, sqlstate: "42000" };
    case Code.PERMISSION_DENIED:
    case Code.UNAUTHENTICATED:
      return { errno: MysqlErrno.ER_ACCESS_DENIED, sqlstate: "28000" };
    case Code.DEADLINE_EXCEEDED:
      return { errno: MysqlErrno.ER_QUERY_INTERRUPTED, sqlstate: "70100" };
    case Code.RESOURCE_EXHAUSTED:
      return { errno: MysqlErrno.ER_TOO_MANY_USER_CONNECTIONS, sqlstate: "42000" };
    default:
      return { errno: MysqlErrno.ER_UNKNOWN_ERROR, sqlstate: "HY000" };
  }
}
