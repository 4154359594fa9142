import type { KeyspaceId } from "../../../libs/key/index.js";
import { type BindVariable, type QueryResult, Type } from "../../../libs/proto/query.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import {
  type AnySingleColumn,
  describeValue,
  isNull,
  type LookupExecutor,
  type SqlValue,
} from "../../../libs/vindexes/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type {
  InsertIdWriter,
  ResolvedShard,
  SessionReader,
  ShardExecutor,
  ShardResolver,
  TransactionController,
} from "./cursor.js";
import { ALL_SHARDS, compareShardNames } from "./destination.js";
import { type InsertLookup, writeInsertLookups } from "./insert-lookups.js";
import { insideTransaction } from "./inside-transaction.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import type { SessionBindVars } from "./route.js";
import { concatResults, withSessionBindVars } from "./route.js";
import { evalRouteValue, mapRouteValues, type RouteValue } from "./route-values.js";

/** The bind variable row `i`'s sequence-filled (or given) id is sent in. */
export function seqVar(i: number): string {
  return `__seq${i}`;
}

export interface InsertShardedParams {
  readonly keyspace: string;
  readonly table: string;
  /** `insert into t(a, b) values ` as sent. */
  readonly prefix: string;
  /** Each row as sent: `(:vtg1, :__seq0)`. */
  readonly rows: readonly string[];
  /** ` on duplicate key update ...` or "". */
  readonly suffix: string;
  readonly vindex: AnySingleColumn;
  readonly vindexColumn: string;
  /** Per row: the primary vindex column's value (undefined: the sequence's). */
  readonly vindexValues: readonly (RouteValue | undefined)[];
  /** The auto_increment column: its values per row (undefined: not given) and the sequence. */
  readonly autoIncrement?: {
    readonly column: string;
    readonly values: readonly (RouteValue | undefined)[];
    readonly sequenceKeyspace: string;
    readonly sequenceTable: string;
  };
  readonly sessionBindVars?: SessionBindVars;
  /** The table's lookup vindexes: owned ones get their rows written first, unowned ones are verified. */
  readonly lookups?: readonly InsertLookup[];
  /** `insert ignore` or `on duplicate key update`: lookup rows are created with `insert ignore`. */
  readonly ignoreMode?: boolean;
}

/** The auto_increment value of each row, and the first one the sequence handed out. */
interface FilledIds {
  readonly values: readonly (SqlValue | undefined)[];
  readonly first: bigint | undefined;
}

type InsertCursor = ShardResolver &
  ShardExecutor &
  SessionReader &
  InsertIdWriter &
  LookupExecutor &
  TransactionController;

function int64(value: bigint): BindVariable {
  return { type: Type.INT64, value: Buffer.from(value.toString()), values: [] };
}

/**
 * INSERT into a sharded table (Vitess's engine.Insert, sharded): ids the rows do not give come from the
 * table's sequence (one `select next N values` for the statement); each row's primary vindex value is
 * mapped to its keyspace id and shard before anything is written, so a NULL or unmappable value fails
 * the whole statement; the rows are then sent as one INSERT per shard.
 */
export class InsertSharded implements Primitive<InsertCursor> {
  readonly kind = "InsertSharded";

  constructor(readonly params: InsertShardedParams) {}

  async execute(cursor: InsertCursor, bindVars: BindVars): Promise<QueryResult> {
    // Sequence values are reserved outside the statement's transaction, as Vitess does.
    const ids = await this.fillIds(cursor, bindVars);
    if (!this.params.lookups?.length) return this.insert(cursor, bindVars, ids);
    return insideTransaction(cursor, () => this.insert(cursor, bindVars, ids));
  }

  private async insert(cursor: InsertCursor, bindVars: BindVars, ids: FilledIds): Promise<QueryResult> {
    const p = this.params;
    const vindexValues = p.vindexValues.map((v, i) => {
      if (v === undefined) {
        const id = ids.values[i];
        if (id === undefined)
          throw new VtError(Code.INVALID_ARGUMENT, `value must be supplied for column ${p.vindexColumn}`);
        return id;
      }
      return evalRouteValue(v, bindVars);
    });
    for (const v of vindexValues) {
      if (isNull(v)) {
        throw new VtError(
          Code.INVALID_ARGUMENT,
          `cannot insert into ${p.table}: value of vindex column ${p.vindexColumn} (vindex ${p.vindex.name}) is NULL`,
        );
      }
    }
    const dests = await mapRouteValues(p.vindex, undefined, vindexValues);
    const ksids = dests.map((dest, i): KeyspaceId => {
      if (dest.kind !== "keyspaceId") {
        throw new VtError(
          Code.INVALID_ARGUMENT,
          `cannot insert into ${p.table}: could not map ${describeValue(vindexValues[i] as SqlValue)} of column ${p.vindexColumn} to a keyspace id with vindex ${p.vindex.name}`,
        );
      }
      return dest.id;
    });
    const shards = ksids.map((id) => {
      const [shard] = cursor.resolveShards(p.keyspace, { kind: "keyspaceId", id });
      if (!shard) throw new VtError(Code.UNAVAILABLE, `no shard of ${p.keyspace} for a row of ${p.table}`);
      return shard;
    });
    const keep = p.lookups?.length
      ? await writeInsertLookups(cursor, p.table, p.lookups, ksids, p.ignoreMode ?? false, bindVars)
      : undefined;
    const perShard = new Map<string, { shard: ResolvedShard; rows: number[] }>();
    shards.forEach((shard, i) => {
      if (keep && !keep[i]) return;
      const entry = perShard.get(shard.target.shard) ?? { shard, rows: [] };
      entry.rows.push(i);
      perShard.set(shard.target.shard, entry);
    });
    const base = withSessionBindVars(cursor, bindVars, p.sessionBindVars);
    for (const [i, id] of ids.values.entries()) {
      if (id !== undefined) base[seqVar(i)] = { type: id.type, value: Buffer.from(id.value), values: [] };
    }
    const results: QueryResult[] = [];
    for (const entry of [...perShard.values()].sort((a, b) =>
      compareShardNames(a.shard.target.shard, b.shard.target.shard),
    )) {
      const sql = p.prefix + entry.rows.map((i) => p.rows[i]).join(", ") + p.suffix;
      results.push(await cursor.executeShard(entry.shard, { sql, bindVariables: base }, { isDML: true }));
    }
    const out = concatResults(results);
    const first = ids.first;
    if (first !== undefined) {
      cursor.setLastInsertId(first.toString());
      return { ...out, insertId: first.toString(), insertIdChanged: true };
    }
    return { ...out, insertId: "0" };
  }

  async streamExecute(cursor: InsertCursor, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  /** The auto_increment value of each row: given, or the next from the sequence. */
  private async fillIds(cursor: InsertCursor, bindVars: BindVars): Promise<FilledIds> {
    const auto = this.params.autoIncrement;
    if (!auto) return { values: [], first: undefined };
    const given = auto.values.map((v) => {
      if (v === undefined) return undefined;
      const value = evalRouteValue(v, bindVars);
      return isNull(value) ? undefined : value;
    });
    const missing = given.filter((v) => v === undefined).length;
    let next: bigint | undefined;
    if (missing > 0) {
      const [shard] = cursor.resolveShards(auto.sequenceKeyspace, ALL_SHARDS, TabletType.PRIMARY);
      if (!shard) throw new VtError(Code.UNAVAILABLE, `no shard for sequence ${auto.sequenceTable}`);
      const r = await cursor.executeShard(
        shard,
        {
          sql: `select next :n values from ${auto.sequenceTable}`,
          bindVariables: { n: int64(BigInt(missing)) },
        },
        { isDML: false },
      );
      const row = r.rows[0];
      const len = row?.lengths[0] ?? -1;
      if (!row || len < 0)
        throw new VtError(Code.INTERNAL, `sequence ${auto.sequenceTable} returned no value`);
      next = BigInt(row.values.subarray(0, len).toString());
    }
    const first = next;
    const values = given.map((v): SqlValue => {
      if (v !== undefined) return v;
      const id = next as bigint;
      next = id + 1n;
      return { type: Type.INT64, value: Buffer.from(id.toString()) };
    });
    return { values, first };
  }

  describe(): PlanDescription {
    const p = this.params;
    return {
      operator: "Insert",
      variant: "Sharded",
      keyspace: p.keyspace,
      table: p.table,
      vindex: p.vindex.name,
      ...(p.lookups?.length
        ? { lookups: p.lookups.map((l) => `${l.vindex.name} (${l.owned ? "owned" : "verified"})`) }
        : {}),
      ...(p.autoIncrement
        ? {
            autoIncrement: `${p.autoIncrement.column} from ${p.autoIncrement.sequenceKeyspace}.${p.autoIncrement.sequenceTable}`,
          }
        : {}),
      query: p.prefix + p.rows.join(", ") + p.suffix,
    };
  }
}
