/** The command phase: one function per COM_* command, run one at a time per connection. */
import { type Field, Type } from "../../proto/query.js";
import { Collation } from "../column-type.js";
import type { ServerConnection } from "./connection.js";
import { Command, PacketHeader, ProtocolError, SetOption } from "./constants.js";
import { type ClientError, clientErrorFor, isExpectedError } from "./errors.js";
import { hasFieldList, hasResetConnection, hasStatementClose } from "./handler.js";
import { PayloadReader } from "./packet-reader.js";
import { addLongData, parseExecute, UnknownStatementError } from "./prepared-statements.js";
import { writeColumnDefinition, writeEndOfResult, writeErr, writeOk } from "./protocol-packets.js";
import { CommandResultWriter } from "./result-writer.js";
import { countPlaceholders, splitStatements } from "./statements.js";

/** Runs one command packet; writes its response (not flushed). Errors become ERR packets. */
export async function runCommand(conn: ServerConnection, payload: Buffer): Promise<void> {
  const command = payload[0];
  try {
    switch (command) {
      case Command.QUERY:
        return await comQuery(conn, payload.toString("utf8", 1));
      case Command.STMT_EXECUTE:
        return await comStmtExecute(conn, payload);
      case Command.PING:
        return ok(conn);
      case Command.QUIT:
        return conn.close();
      case Command.INIT_DB:
        return await comInitDb(conn, payload.toString("utf8", 1));
      case Command.STMT_PREPARE:
        return await comStmtPrepare(conn, payload.toString("utf8", 1));
      case Command.STMT_SEND_LONG_DATA:
        return addLongData(payload, conn.statements);
      case Command.STMT_CLOSE:
        return comStmtClose(conn, payload);
      case Command.STMT_RESET:
        return comStmtReset(conn, payload);
      case Command.SET_OPTION:
        return comSetOption(conn, payload);
      case Command.FIELD_LIST:
        return await comFieldList(conn, payload);
      case Command.RESET_CONNECTION:
        return await comResetConnection(conn);
      case Command.STATISTICS:
        return conn.writer.packet(Buffer.from(conn.settings.statistics(), "utf8"));
      default:
        return err(conn, { ...ProtocolError.UNKNOWN_COM, message: "Unknown command" });
    }
  } catch (e) {
    logUnexpected(conn, e, command);
    err(conn, clientErrorFor(e));
  }
}

function ok(conn: ServerConnection): void {
  writeOk(conn.writer, { affectedRows: 0, lastInsertId: "0", status: conn.statusFlags(), warnings: 0 });
}

function err(conn: ServerConnection, e: ClientError): void {
  writeErr(conn.writer, e.errno, e.sqlstate, e.message);
}

function logUnexpected(conn: ServerConnection, e: unknown, command: number): void {
  if (!isExpectedError(e)) {
    conn.settings.log.warn({ err: e, connection: conn.id, command }, "handler threw a non-MySQL error");
  }
}

/** Runs each statement (split when the client enabled multi-statements) until the first error. */
async function comQuery(conn: ServerConnection, sql: string): Promise<void> {
  const statements = conn.multiStatements ? splitStatements(sql) : sql.trim() === "" ? [] : [sql];
  if (statements.length === 0) {
    err(conn, { ...ProtocolError.EMPTY_QUERY, message: "Query was empty" });
    return;
  }
  conn.warnings = 0;
  const out = new CommandResultWriter(conn, false);
  for (const statement of statements) {
    out.startStatement();
    try {
      await conn.handler.comQuery(conn, statement, out);
      out.finishStatement();
    } catch (e) {
      logUnexpected(conn, e, Command.QUERY);
      const { errno, sqlstate, message } = clientErrorFor(e);
      out.fail(errno, sqlstate, message);
      return;
    }
  }
  out.finish();
}

async function comInitDb(conn: ServerConnection, schema: string): Promise<void> {
  await conn.handler.comInitDb(conn, schema);
  conn.schema = schema;
  ok(conn);
}

/** Parameter definitions say nothing about types (as in Vitess): VARBINARY named "?". */
const PARAM_FIELD: Field = {
  name: "?",
  type: Type.VARBINARY,
  table: "",
  orgTable: "",
  database: "",
  orgName: "",
  columnLength: 0,
  charset: Collation.BINARY,
  decimals: 0,
  flags: 0,
  columnType: "",
};

async function comStmtPrepare(conn: ServerConnection, sql: string): Promise<void> {
  if (conn.statements.full) {
    err(conn, {
      ...ProtocolError.MAX_PREPARED_STMT_COUNT,
      message: `Can't create more than max_prepared_stmt_count statements (current value: ${conn.settings.maxPreparedStatements})`,
    });
    return;
  }
  const prepared = await conn.handler.comPrepare(conn, sql);
  const paramCount = prepared.paramCount ?? countPlaceholders(sql);
  const fields = prepared.fields ?? [];
  const stmt = conn.statements.add(sql, paramCount, prepared.fields, prepared.handlerData);
  const w = conn.writer;
  w.begin(12);
  w.u8(PacketHeader.OK);
  w.u32(stmt.id);
  w.u16(fields.length);
  w.u16(paramCount);
  w.u8(0);
  w.u16(0);
  w.end();
  if (paramCount > 0) {
    for (let i = 0; i < paramCount; i++) writeColumnDefinition(w, PARAM_FIELD);
    if (!conn.deprecateEof) writeEndOfResult(w, false, 0, conn.statusFlags());
  }
  if (fields.length > 0) {
    for (const field of fields) writeColumnDefinition(w, field);
    if (!conn.deprecateEof) writeEndOfResult(w, false, 0, conn.statusFlags());
  }
}

async function comStmtExecute(conn: ServerConnection, payload: Buffer): Promise<void> {
  const { stmt, params } = parseExecute(payload, conn.statements);
  conn.warnings = 0;
  const out = new CommandResultWriter(conn, true);
  out.startStatement();
  try {
    await conn.handler.comStmtExecute(conn, stmt, params, out);
    out.finishStatement();
  } catch (e) {
    logUnexpected(conn, e, Command.STMT_EXECUTE);
    const { errno, sqlstate, message } = clientErrorFor(e);
    out.fail(errno, sqlstate, message);
    return;
  }
  out.finish();
}

/** No response, even for an unknown statement. */
function comStmtClose(conn: ServerConnection, payload: Buffer): void {
  const stmt = conn.statements.delete(new PayloadReader(payload, 1).u32());
  if (stmt && hasStatementClose(conn.handler)) conn.handler.comStmtClose(conn, stmt);
}

function comStmtReset(conn: ServerConnection, payload: Buffer): void {
  const id = new PayloadReader(payload, 1).u32();
  const stmt = conn.statements.get(id);
  if (!stmt) throw new UnknownStatementError(id, "mysqld_stmt_reset");
  stmt.longData.clear();
  ok(conn);
}

function comSetOption(conn: ServerConnection, payload: Buffer): void {
  const option = new PayloadReader(payload, 1).u16();
  if (option === SetOption.MULTI_STATEMENTS_ON) conn.multiStatements = true;
  else if (option === SetOption.MULTI_STATEMENTS_OFF) conn.multiStatements = false;
  else {
    err(conn, { ...ProtocolError.UNKNOWN_COM, message: `Unknown option ${option} for COM_SET_OPTION` });
    return;
  }
  writeEndOfResult(conn.writer, conn.deprecateEof, 0, conn.statusFlags());
}

/** Column definitions (with a NULL default) from the handler, or none; then EOF. */
async function comFieldList(conn: ServerConnection, payload: Buffer): Promise<void> {
  const r = new PayloadReader(payload, 1);
  const table = r.nullString();
  const wildcard = r.rest().toString("utf8");
  const fields = hasFieldList(conn.handler) ? await conn.handler.comFieldList(conn, table, wildcard) : [];
  for (const field of fields) writeColumnDefinition(conn.writer, field, true);
  writeEndOfResult(conn.writer, conn.deprecateEof, 0, conn.statusFlags());
}

async function comResetConnection(conn: ServerConnection): Promise<void> {
  const closed = conn.statements.clear();
  if (hasStatementClose(conn.handler)) for (const stmt of closed) conn.handler.comStmtClose(conn, stmt);
  conn.warnings = 0;
  if (hasResetConnection(conn.handler)) await conn.handler.comResetConnection(conn);
  ok(conn);
}
