import type { KeyspaceId } from "../key/index.js";
import type { BindVariables, SqlValue } from "./values.js";

/**
 * When a lookup statement commits relative to the user's transaction (Vitess's vtgate.CommitOrder):
 * `normal` inside it, `pre` in a session committed before it (consistent lookup inserts), `post` after it
 * (consistent lookup deletes), `autocommit` on its own.
 */
export type CommitOrder = "normal" | "pre" | "post" | "autocommit";

/** Why the statement runs, for logs and stats (Vitess's method names). */
export type LookupMethod = "VindexLookup" | "VindexVerify" | "VindexCreate" | "VindexDelete" | "VindexUpdate";

export interface LookupStatementOptions {
  readonly method: LookupMethod;
  readonly commitOrder: CommitOrder;
  readonly isDml: boolean;
  /** Roll the user's transaction back when this statement fails (writes to the lookup table). */
  readonly rollbackOnError: boolean;
}

/** The rows a lookup statement returned, values in select-list order. */
export interface LookupRows {
  readonly rows: readonly (readonly SqlValue[])[];
}

/**
 * What lookup vindexes need from vtgate: run a statement on their backing table. Statements are built as
 * Vitess builds them; the table may be keyspace-qualified in the `table` param, and `keyspace` is that
 * qualifier (undefined when the table is unqualified and vtgate must resolve it).
 *
 * Errors: whatever the statement failed with, as a VtError (a duplicate key carries MySQL errno 1062 or the
 * ALREADY_EXISTS code, which consistent lookups rely on).
 */
export interface LookupExecutor {
  execute(
    keyspace: string | undefined,
    sql: string,
    bindVars: BindVariables,
    options: LookupStatementOptions,
  ): Promise<LookupRows>;
  /** Runs a statement on the shard owning `ksid` in `keyspace` (consistent lookups lock the owner row). */
  executeKeyspaceId(
    keyspace: string,
    ksid: KeyspaceId,
    sql: string,
    bindVars: BindVariables,
  ): Promise<LookupRows>;
  /** True inside a transaction running DML: lookup selects then lock their rows (`for update`). */
  readonly inTransactionAndIsDml?: boolean;
}
