import type { KeyspaceId } from "../../../libs/key/index.js";
import { rowsOf } from "../../../libs/mysql/query-result.js";
import type { QueryResult } from "../../../libs/proto/query.js";
import {
  type AnySingleColumn,
  describeValue,
  type Lookup,
  type LookupExecutor,
  NULL_VALUE,
  type SqlValue,
  type Vindex,
} from "../../../libs/vindexes/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { SessionReader, ShardExecutor, ShardResolver, TransactionController } from "./cursor.js";
import { insideTransaction } from "./inside-transaction.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import type { Route } from "./route.js";
import { evalRouteValue, mapRouteValues, type RouteValue } from "./route-values.js";

/** An owned lookup vindex of the table, and for an UPDATE that sets its column, the new value. */
export interface OwnedVindex {
  readonly vindex: Vindex & Lookup;
  readonly column: string;
  /**
   * UPDATE only: the value the statement sets, and the offset of the owned vindex query's column that is
   * 1 when the row already has it (`col = value`), so its lookup row stays.
   */
  readonly change?: { readonly value: RouteValue; readonly unchangedOffset: number };
}

export interface OwnedVindexDmlParams {
  readonly statement: "delete" | "update";
  readonly table: string;
  /**
   * `select <primary vindex col>, <owned cols>[, <col> = <new value>...] from t where ... for update`,
   * sent to the shards the statement resolved (once, before any lookup write), so the rows are locked
   * in the statement's transaction.
   */
  readonly ownedVindexQuery: Route;
  /** The primary vindex: maps column 0 of the owned vindex query to each row's keyspace id. */
  readonly ksidVindex: AnySingleColumn;
  /** In the owned vindex query's order, from column 1. */
  readonly owned: readonly OwnedVindex[];
  /** The statement itself. */
  readonly dml: Route;
}

type DmlCursor = ShardResolver & ShardExecutor & SessionReader & LookupExecutor & TransactionController;

/**
 * UPDATE/DELETE of a table owning lookup vindexes (Vitess's DML with OwnedVindexQuery): the rows the
 * statement touches are read and locked first (`select ... for update`); a DELETE then deletes each
 * row's lookup rows, an UPDATE that changes an owned vindex column replaces the row's lookup row (old
 * value deleted, new one created); then the statement runs. All of it is one transaction (the session's,
 * or an implicit one), so a failing lookup write leaves nothing behind.
 */
export class OwnedVindexDml implements Primitive<DmlCursor> {
  readonly kind = "OwnedVindexDml";

  constructor(readonly params: OwnedVindexDmlParams) {}

  execute(cursor: DmlCursor, bindVars: BindVars): Promise<QueryResult> {
    return insideTransaction(cursor, async () => {
      const dml = this.params.dml;
      const calls = await dml.calls(cursor, bindVars);
      const selected = await dml.executeCalls(cursor, calls, this.params.ownedVindexQuery.params.query);
      await this.writeLookups(cursor, selected, bindVars);
      return dml.executeCalls(cursor, calls);
    });
  }

  async streamExecute(cursor: DmlCursor, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    const p = this.params;
    return {
      ...p.dml.describe(),
      operator: p.statement === "delete" ? "Delete" : "Update",
      ownedVindexQuery: p.ownedVindexQuery.params.query,
      ksidVindex: p.ksidVindex.name,
      ownedVindexes: p.owned.map((o) => o.vindex.name),
    };
  }

  private async writeLookups(cursor: DmlCursor, selected: QueryResult, bindVars: BindVars): Promise<void> {
    const p = this.params;
    const newValues = p.owned.map((o) => (o.change ? evalRouteValue(o.change.value, bindVars) : undefined));
    for (const row of rowsOf(selected)) {
      const values = row.map(
        (v, i): SqlValue =>
          v === null ? NULL_VALUE : { type: selected.fields[i]?.type ?? 0, value: Buffer.from(v) },
      );
      const ksid = await this.keyspaceId(cursor, values[0] as SqlValue);
      for (const [k, owned] of p.owned.entries()) {
        const old = values[k + 1] as SqlValue;
        if (p.statement === "delete") {
          await owned.vindex.delete(cursor, [[old]], ksid);
          continue;
        }
        const change = owned.change;
        if (!change || rowHasValue(row[change.unchangedOffset])) continue;
        await owned.vindex.update(cursor, [old], ksid, [newValues[k] as SqlValue]);
      }
    }
  }

  private async keyspaceId(cursor: DmlCursor, value: SqlValue): Promise<KeyspaceId> {
    const [dest] = await mapRouteValues(this.params.ksidVindex, cursor, [value]);
    if (dest?.kind !== "keyspaceId") {
      throw new VtError(
        Code.INTERNAL,
        `${this.params.statement} on ${this.params.table}: the row's ${describeValue(value)} maps to no keyspace id with vindex ${this.params.ksidVindex.name}`,
      );
    }
    return dest.id;
  }
}

/** The `col = value` column of the owned vindex query: 1 when the row already holds the new value. */
function rowHasValue(cell: Uint8Array | null | undefined): boolean {
  return cell !== null && cell !== undefined && Buffer.from(cell).toString() === "1";
}
