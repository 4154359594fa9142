/** What a client sees for an error thrown while answering a command: errno, SQLSTATE, message. */
import { fromMysqlError, mysqlErrorFor, VtError } from "../../vterrors/index.js";
import { ProtocolError } from "./constants.js";
import { MalformedPacketError } from "./packet-reader.js";
import { UnknownStatementError, WrongArgumentsError } from "./prepared-statements.js";

export interface ClientError {
  errno: number;
  sqlstate: string;
  message: string;
}

/**
 * A VtError keeps the errno/SQLSTATE MySQL produced (or gets one for its code via mysqlErrorFor); a
 * mysql2 driver error keeps its own; protocol errors get theirs; anything else is 1105 HY000.
 */
export function clientErrorFor(err: unknown): ClientError {
  if (err instanceof UnknownStatementError)
    return { ...ProtocolError.UNKNOWN_STMT_HANDLER, message: err.message };
  if (err instanceof WrongArgumentsError) return { ...ProtocolError.WRONG_ARGUMENTS, message: err.message };
  if (err instanceof MalformedPacketError) {
    return { ...ProtocolError.MALFORMED_PACKET, message: `Malformed communication packet: ${err.message}` };
  }
  const vt = err instanceof VtError ? err : fromMysqlError(err);
  return { ...mysqlErrorFor(vt), message: vt.message };
}

/** Whether an error is one a handler meant to send (VtError or a MySQL error), as opposed to a bug. */
export function isExpectedError(err: unknown): boolean {
  if (err instanceof VtError) return true;
  return typeof err === "object" && err !== null && "sqlState" in err && "errno" in err;
}
