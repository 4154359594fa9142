import type { BindVariable, QueryResult } from "../../../libs/proto/query.js";
import { Type } from "../../../libs/proto/query.js";
import type { AnySingleColumn, LookupExecutor, SqlValue } from "../../../libs/vindexes/index.js";
import { Code, internal, VtError } from "../../../libs/vterrors/index.js";
import type { ResolvedShard, SessionReader, ShardExecutor, ShardResolver } from "./cursor.js";
import {
  ALL_SHARDS,
  ANY_SHARD,
  compareShardNames,
  describeDestination,
  type RouteDestination,
} from "./destination.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import {
  describeRouteValue,
  evalRouteValue,
  evalRouteValues,
  mapRouteValues,
  type RouteValue,
  type RouteValues,
  tupleOf,
} from "./route-values.js";

/**
 * How a Route finds its shards (Vitess's engine.Opcode). Unsharded keyspaces use Unsharded; explicit shard
 * targeting uses ByDestination. The vindex-driven ones (EqualUnique, Equal, IN, Scatter, Reference, None)
 * are named here so sharded routing slots in; their shard resolution and result merging come with sharding.
 */
export type RouteOpcode =
  | "Unsharded"
  | "ByDestination"
  | "EqualUnique"
  | "Equal"
  | "IN"
  | "Scatter"
  | "Reference"
  | "None";

/**
 * Values vtgate supplies when the statement runs (Vitess's __vt* bind variables): `database()`,
 * `last_insert_id()` and `@user` variables kept in the session.
 */
export interface SessionBindVars {
  readonly dbName?: boolean;
  readonly lastInsertId?: boolean;
  readonly userVariables?: readonly string[];
}

export const DBNAME_BIND_VAR = "__vtdbname";
export const LAST_INSERT_ID_BIND_VAR = "__lastInsertId";
export const USER_VAR_BIND_PREFIX = "__vtudv";

const NULL_BIND_VAR: BindVariable = { type: Type.NULL_TYPE, value: Buffer.alloc(0), values: [] };

export interface RouteParams {
  readonly opcode: RouteOpcode;
  readonly keyspace: string;
  /** The statement as sent to the tablets (keyspace qualifiers rewritten, `?` as `:vN`). */
  readonly query: string;
  readonly tableNames: readonly string[];
  /** For ByDestination. */
  readonly destination?: RouteDestination;
  /** INSERT/UPDATE/DELETE (and SELECT ... FOR UPDATE joins the transaction the same way). */
  readonly isDML: boolean;
  readonly sessionBindVars?: SessionBindVars;
  /** EqualUnique/Equal/IN: the vindex the values go through. */
  readonly vindex?: AnySingleColumn;
  /** EqualUnique/Equal: the value. */
  readonly value?: RouteValue;
  /** IN: the values; the query reads `::__vals`. */
  readonly values?: RouteValues;
  /** The query with `where 1 != 1`, for the columns of a result no shard is asked for. */
  readonly fieldQuery?: string;
}

/** Lookup vindexes (Equal/IN on a lookup column) run their queries through the cursor. */
type RouteCursor = ShardResolver & ShardExecutor & SessionReader & LookupExecutor;

function stringBindVar(value: string): BindVariable {
  return { type: Type.VARCHAR, value: Buffer.from(value, "utf8"), values: [] };
}

/** Adds the session's values to the caller's bind variables when the statement uses them. */
export function withSessionBindVars(
  cursor: SessionReader,
  bindVars: BindVars,
  wanted: SessionBindVars | undefined,
): Record<string, BindVariable> {
  if (!wanted) return { ...bindVars };
  const out: Record<string, BindVariable> = { ...bindVars };
  if (wanted.dbName) {
    out[DBNAME_BIND_VAR] = cursor.keyspace === "" ? NULL_BIND_VAR : stringBindVar(cursor.keyspace);
  }
  for (const name of wanted.userVariables ?? []) {
    out[USER_VAR_BIND_PREFIX + name] = cursor.userVariable(name) ?? NULL_BIND_VAR;
  }
  if (wanted.lastInsertId) {
    out[LAST_INSERT_ID_BIND_VAR] = { type: Type.UINT64, value: Buffer.from(cursor.lastInsertId), values: [] };
  }
  return out;
}

/** Rows of several shards concatenated (fields of the first that has them), affected rows added up. */
export function concatResults(results: readonly QueryResult[]): QueryResult {
  const first = results[0];
  if (!first) return { ...EMPTY_RESULT };
  if (results.length === 1) return first;
  let rowsAffected = 0;
  let insertId = "0";
  const rows: QueryResult["rows"] = [];
  let fields = first.fields;
  for (const r of results) {
    rowsAffected += r.rowsAffected;
    if (r.insertId !== "0" && r.insertId !== "") insertId = r.insertId;
    if (fields.length === 0) fields = r.fields;
    for (const row of r.rows) rows.push(row);
  }
  return { ...first, fields, rows, rowsAffected, insertId };
}

const EMPTY_RESULT: QueryResult = {
  fields: [],
  rowsAffected: 0,
  insertId: "0",
  rows: [],
  info: "",
  sessionStateChanges: "",
  insertIdChanged: false,
};

/** The bind variable an IN route fills per shard with that shard's values (Vitess's `::__vals`). */
export const LIST_VAR = "__vals";

/**
 * Sends a statement to the shard(s) its tables live on (Vitess's engine.Route): one shard for Unsharded
 * and EqualUnique, the shards of the values for Equal/IN (each shard gets only its own values in
 * `::__vals`), every shard for Scatter. Rows of several shards are concatenated; operators above merge.
 */
export class Route implements Primitive<RouteCursor> {
  readonly kind = "Route";

  constructor(readonly params: RouteParams) {}

  async execute(cursor: RouteCursor, bindVars: BindVars): Promise<QueryResult> {
    const calls = await this.calls(cursor, bindVars);
    if (calls.length === 0)
      return this.params.isDML ? { ...EMPTY_RESULT } : this.emptyResult(cursor, bindVars);
    return this.executeCalls(cursor, calls);
  }

  /**
   * Runs `sql` (default: the route's query) on shards resolved before: a DML keeps the shards it resolved
   * before writing its lookup rows, which may change what its vindex maps to (Vitess resolves them once).
   */
  async executeCalls(
    cursor: ShardExecutor,
    calls: readonly ShardCall[],
    sql: string = this.params.query,
  ): Promise<QueryResult> {
    const results = await Promise.all(
      calls.map((c) => cursor.executeShard(c.shard, { ...c.query, sql }, { isDML: this.params.isDML })),
    );
    return concatResults(results);
  }

  async streamExecute(cursor: RouteCursor, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    const calls = await this.calls(cursor, bindVars);
    if (calls.length === 1) {
      const c = calls[0] as ShardCall;
      await cursor.streamShard(c.shard, c.query, { isDML: this.params.isDML }, onResult);
      return;
    }
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    const p = this.params;
    return {
      operator: "Route",
      variant: p.opcode,
      keyspace: p.keyspace,
      ...(p.destination ? { target: describeDestination(p.destination) } : {}),
      ...(p.vindex ? { vindex: p.vindex.name } : {}),
      ...(p.value ? { values: [describeRouteValue(p.value)] } : {}),
      ...(p.values
        ? {
            values:
              p.values.kind === "listBind"
                ? [`::${p.values.name}`]
                : p.values.values.map((v) => describeRouteValue(v)),
          }
        : {}),
      query: p.query,
      table: p.tableNames.join(", "),
    };
  }

  /** The shards this statement goes to with their bound queries. */
  async calls(cursor: RouteCursor, bindVars: BindVars): Promise<ShardCall[]> {
    const { opcode, keyspace } = this.params;
    const base = withSessionBindVars(cursor, bindVars, this.params.sessionBindVars);
    const sql = this.params.query;
    const whole = (shards: ResolvedShard[]) =>
      shards.map((shard) => ({ shard, query: { sql, bindVariables: base } }));
    switch (opcode) {
      case "Unsharded": {
        const shards = cursor.resolveShards(keyspace, ALL_SHARDS);
        if (shards.length !== 1)
          throw internal(`unsharded keyspace ${keyspace} resolves to ${shards.length} shards`);
        return whole(shards);
      }
      case "ByDestination":
        return whole(cursor.resolveShards(keyspace, this.params.destination ?? ALL_SHARDS));
      case "Scatter":
        return whole(cursor.resolveShards(keyspace, ALL_SHARDS));
      case "None":
        return [];
      case "EqualUnique":
      case "Equal": {
        const vindex = this.requireVindex();
        const value = evalRouteValue(this.params.value as RouteValue, bindVars);
        const [dest] = await mapRouteValues(vindex, cursor, [value]);
        return whole(cursor.resolveShards(keyspace, dest ?? { kind: "none" }));
      }
      case "IN": {
        const vindex = this.requireVindex();
        const values = evalRouteValues(this.params.values as RouteValues, bindVars);
        const dests = await mapRouteValues(vindex, cursor, values);
        const perShard = new Map<string, { shard: ResolvedShard; values: SqlValue[] }>();
        dests.forEach((dest, i) => {
          for (const shard of cursor.resolveShards(keyspace, dest)) {
            const entry = perShard.get(shard.target.shard) ?? { shard, values: [] };
            entry.values.push(values[i] as SqlValue);
            perShard.set(shard.target.shard, entry);
          }
        });
        return [...perShard.values()]
          .sort((a, b) => compareShardNames(a.shard.target.shard, b.shard.target.shard))
          .map((e) => ({
            shard: e.shard,
            query: { sql, bindVariables: { ...base, [LIST_VAR]: tupleOf(e.values) } },
          }));
      }
      default:
        throw new VtError(Code.UNIMPLEMENTED, `unsupported: route opcode ${opcode}`);
    }
  }

  private requireVindex() {
    const vindex = this.params.vindex;
    if (!vindex) throw internal(`route ${this.params.opcode} without a vindex`);
    return vindex;
  }

  /** A query that reaches no shard still answers with its columns: ask any shard with a false condition. */
  private async emptyResult(cursor: RouteCursor, bindVars: BindVars): Promise<QueryResult> {
    const fieldQuery = this.params.fieldQuery;
    if (!fieldQuery) return { ...EMPTY_RESULT };
    const [shard] = cursor.resolveShards(this.params.keyspace, ANY_SHARD);
    if (!shard) return { ...EMPTY_RESULT };
    const bound = withSessionBindVars(cursor, bindVars, this.params.sessionBindVars);
    const r = await cursor.executeShard(shard, { sql: fieldQuery, bindVariables: bound }, { isDML: false });
    return { ...r, rows: [] };
  }
}

export interface ShardCall {
  readonly shard: ResolvedShard;
  readonly query: { sql: string; bindVariables: Record<string, BindVariable> };
}
