/**
 * A ConnectionHandler for tests and benchmarks: answers from canned QueryResults keyed by SQL, records
 * what it was asked, and can be told to fail. Unknown SQL is ER_NO_SUCH_TABLE-like NOT_FOUND.
 */
import { type BindVariable, type Field, type QueryResult, type Row, Type } from "../../../proto/query.js";
import { Code, MysqlErrno, VtError } from "../../../vterrors/index.js";
import type {
  ClientConnection,
  ConnectionHandler,
  FieldListHandler,
  PreparedStatement,
  PrepareResult,
  ResultWriter,
} from "../handler.js";

export type CellValue = string | number | bigint | Buffer | null;

export function field(name: string, type: Type, extra: Partial<Field> = {}): Field {
  return {
    name,
    type,
    table: "",
    orgTable: "",
    database: "",
    orgName: name,
    columnLength: 0,
    charset: 0,
    decimals: 0,
    flags: 0,
    columnType: "",
    ...extra,
  };
}

export function packRow(values: readonly CellValue[]): Row {
  const lengths: number[] = [];
  const parts: Buffer[] = [];
  for (const v of values) {
    if (v === null) {
      lengths.push(-1);
      continue;
    }
    const b = Buffer.isBuffer(v) ? v : Buffer.from(String(v), "utf8");
    lengths.push(b.length);
    parts.push(b);
  }
  return { lengths, values: Buffer.concat(parts) };
}

export function resultOf(fields: Field[], rows: readonly (readonly CellValue[])[]): QueryResult {
  return {
    fields,
    rowsAffected: 0,
    insertId: "0",
    rows: rows.map(packRow),
    info: "",
    sessionStateChanges: "",
    insertIdChanged: false,
  };
}

export function okResult(rowsAffected: number, insertId = "0", info = ""): QueryResult {
  return {
    fields: [],
    rowsAffected,
    insertId,
    rows: [],
    info,
    sessionStateChanges: "",
    insertIdChanged: insertId !== "0",
  };
}

/** A canned answer computed per call: it writes to `out` itself, or returns a QueryResult to send. */
export type CannedFn = (
  call: { conn: ClientConnection; sql: string; params?: readonly BindVariable[] },
  out: ResultWriter,
) => unknown;

/** What a canned entry does: a fixed result, several, or a function of the call. */
export type Canned = QueryResult | QueryResult[] | CannedFn;

function isQueryResult(v: unknown): v is QueryResult {
  return typeof v === "object" && v !== null && "fields" in v && "rows" in v;
}

export interface CannedHandlerCall {
  kind: "query" | "execute" | "prepare" | "initDb" | "fieldList";
  sql: string;
  params?: readonly BindVariable[];
}

export class CannedHandler implements ConnectionHandler, FieldListHandler {
  readonly calls: CannedHandlerCall[] = [];
  readonly opened: ClientConnection[] = [];
  readonly closed: ClientConnection[] = [];
  record = true;
  /** Field lists answered for COM_FIELD_LIST by table. */
  readonly tables = new Map<string, Field[]>();
  /** Databases COM_INIT_DB accepts; empty: all. */
  readonly databases = new Set<string>();
  private readonly canned = new Map<string, Canned>();
  private readonly prefixes: [string, Canned][] = [];

  on(sql: string, canned: Canned): this {
    this.canned.set(sql.trim().toLowerCase(), canned);
    return this;
  }

  /** Answers every statement starting with `prefix` (after exact matches). */
  onPrefix(prefix: string, canned: Canned): this {
    this.prefixes.push([prefix.toLowerCase(), canned]);
    return this;
  }

  private lookup(sql: string): Canned | undefined {
    const key = sql.trim().toLowerCase();
    return this.canned.get(key) ?? this.prefixes.find(([prefix]) => key.startsWith(prefix))?.[1];
  }

  newConnection(conn: ClientConnection): void {
    this.opened.push(conn);
  }

  connectionClosed(conn: ClientConnection): void {
    this.closed.push(conn);
  }

  async comQuery(conn: ClientConnection, sql: string, out: ResultWriter): Promise<void> {
    if (this.record) this.calls.push({ kind: "query", sql });
    await this.answer(conn, sql, undefined, out);
  }

  async comInitDb(_conn: ClientConnection, schema: string): Promise<void> {
    this.calls.push({ kind: "initDb", sql: schema });
    if (this.databases.size > 0 && !this.databases.has(schema)) {
      throw new VtError(Code.NOT_FOUND, `Unknown database '${schema}'`, {
        mysql: { errno: MysqlErrno.ER_BAD_DB, sqlstate: "42000" },
      });
    }
  }

  async comPrepare(_conn: ClientConnection, sql: string): Promise<PrepareResult> {
    if (this.record) this.calls.push({ kind: "prepare", sql });
    return {};
  }

  async comStmtExecute(
    conn: ClientConnection,
    stmt: PreparedStatement,
    params: readonly BindVariable[],
    out: ResultWriter,
  ): Promise<void> {
    if (this.record) this.calls.push({ kind: "execute", sql: stmt.sql, params });
    await this.answer(conn, stmt.sql, params, out);
  }

  async comFieldList(_conn: ClientConnection, table: string): Promise<readonly Field[]> {
    this.calls.push({ kind: "fieldList", sql: table });
    return this.tables.get(table) ?? [];
  }

  private async answer(
    conn: ClientConnection,
    sql: string,
    params: readonly BindVariable[] | undefined,
    out: ResultWriter,
  ): Promise<void> {
    const canned = this.lookup(sql);
    if (canned === undefined) {
      throw new VtError(Code.NOT_FOUND, `Table 'vt_test.${sql.split(/\s+/).pop()}' doesn't exist`, {
        mysql: { errno: MysqlErrno.ER_NO_SUCH_TABLE, sqlstate: "42S02" },
      });
    }
    if (typeof canned === "function") {
      const result = await canned({ conn, sql, params }, out);
      if (isQueryResult(result)) await out.write(result);
      return;
    }
    for (const result of Array.isArray(canned) ? canned : [canned]) await out.write(result);
  }
}

export { Type };
