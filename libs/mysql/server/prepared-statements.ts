/**
 * Server-side state of prepared statements (one registry per connection) and the parsing of
 * COM_STMT_EXECUTE / COM_STMT_SEND_LONG_DATA payloads against it.
 */
import type { BindVariable, Field } from "../../proto/query.js";
import { MysqlColumnType } from "../column-type.js";
import { NULL_BIND_VARIABLE, readBinaryParam, stringParamType } from "./binary-protocol.js";
import type { PreparedStatement } from "./handler.js";
import { MalformedPacketError, PayloadReader } from "./packet-reader.js";

/** A statement id the connection does not know (ER_UNKNOWN_STMT_HANDLER). */
export class UnknownStatementError extends Error {
  override readonly name = "UnknownStatementError";

  constructor(
    readonly statementId: number,
    command: string,
  ) {
    super(`Unknown prepared statement handler (${statementId}) given to ${command}`);
  }
}

/** Parameters that cannot be decoded (ER_WRONG_ARGUMENTS). */
export class WrongArgumentsError extends Error {
  override readonly name = "WrongArgumentsError";
}

const UNSIGNED_PARAM = 0x8000;

export class StatementState implements PreparedStatement {
  /** Parameter types from the last execute that bound them: MySQL type | 0x8000 when unsigned. */
  paramTypes: Uint16Array | undefined;
  /** COM_STMT_SEND_LONG_DATA chunks per parameter, until the next execute or reset. */
  readonly longData = new Map<number, Buffer[]>();

  constructor(
    readonly id: number,
    readonly sql: string,
    readonly paramCount: number,
    readonly fields: readonly Field[] | undefined,
    readonly handlerData: unknown,
  ) {}
}

/** MariaDB clients may execute "the statement prepared last" with id 0xffffffff. */
const LAST_PREPARED = 0xffffffff;

export class StatementRegistry {
  private readonly statements = new Map<number, StatementState>();
  private nextId = 1;
  private lastId = 0;

  constructor(private readonly maxStatements: number) {}

  get size(): number {
    return this.statements.size;
  }

  get full(): boolean {
    return this.statements.size >= this.maxStatements;
  }

  add(sql: string, paramCount: number, fields: readonly Field[] | undefined, data: unknown): StatementState {
    const id = this.nextId;
    this.nextId = this.nextId >= 0xfffffffe ? 1 : this.nextId + 1;
    const stmt = new StatementState(id, sql, paramCount, fields, data);
    this.statements.set(id, stmt);
    this.lastId = id;
    return stmt;
  }

  get(id: number): StatementState | undefined {
    return this.statements.get(id === LAST_PREPARED ? this.lastId : id);
  }

  delete(id: number): StatementState | undefined {
    const stmt = this.statements.get(id);
    this.statements.delete(id);
    return stmt;
  }

  /** Removes every statement; returns them. */
  clear(): StatementState[] {
    const all = [...this.statements.values()];
    this.statements.clear();
    return all;
  }
}

export interface ExecuteRequest {
  stmt: StatementState;
  params: BindVariable[];
}

function longDataParam(chunks: Buffer[], mysqlType: number): BindVariable {
  let type: BindVariable["type"];
  try {
    type = stringParamType(mysqlType);
  } catch {
    type = stringParamType(MysqlColumnType.BLOB);
  }
  return { type, value: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), values: [] };
}

/**
 * Parses a COM_STMT_EXECUTE payload: statement id, flags (cursor types are ignored: results are always
 * sent in full), iteration count, NULL bitmap, new-params-bound flag with types, then values. Parameters
 * sent as long data are taken from the statement (and cleared).
 */
export function parseExecute(payload: Buffer, registry: StatementRegistry): ExecuteRequest {
  const r = new PayloadReader(payload, 1);
  const id = r.u32();
  const stmt = registry.get(id);
  if (!stmt) throw new UnknownStatementError(id, "mysqld_stmt_execute");
  r.skip(1 + 4); // flags, iteration count
  const n = stmt.paramCount;
  const params: BindVariable[] = new Array(n);
  if (n === 0) return { stmt, params };
  try {
    const bitmapStart = r.pos;
    r.skip((n + 7) >> 3);
    const bound = r.u8();
    if (bound === 1) {
      const types = new Uint16Array(n);
      for (let i = 0; i < n; i++) {
        const type = r.u8();
        const flags = r.u8();
        types[i] = type | (flags & 0x80 ? UNSIGNED_PARAM : 0);
      }
      stmt.paramTypes = types;
    } else if (!stmt.paramTypes) {
      throw new WrongArgumentsError("Incorrect arguments to mysqld_stmt_execute: no parameter types bound");
    }
    const types = stmt.paramTypes;
    for (let i = 0; i < n; i++) {
      const mysqlType = types[i] & 0xff;
      const chunks = stmt.longData.get(i);
      if (chunks) {
        params[i] = longDataParam(chunks, mysqlType);
      } else if (payload[bitmapStart + (i >> 3)] & (1 << (i & 7))) {
        params[i] = NULL_BIND_VARIABLE;
      } else {
        params[i] = readBinaryParam(r, mysqlType, (types[i] & UNSIGNED_PARAM) !== 0);
      }
    }
  } catch (err) {
    if (err instanceof MalformedPacketError) {
      throw new WrongArgumentsError(`Incorrect arguments to mysqld_stmt_execute: ${err.message}`);
    }
    throw err;
  } finally {
    stmt.longData.clear();
  }
  return { stmt, params };
}

/** Records a COM_STMT_SEND_LONG_DATA chunk; unknown statements and parameters are ignored (no reply). */
export function addLongData(payload: Buffer, registry: StatementRegistry): void {
  const r = new PayloadReader(payload, 1);
  const stmt = registry.get(r.u32());
  const param = r.u16();
  if (!stmt || param >= stmt.paramCount) return;
  const chunk = Buffer.from(r.rest());
  const chunks = stmt.longData.get(param);
  if (chunks) chunks.push(chunk);
  else stmt.longData.set(param, [chunk]);
}
