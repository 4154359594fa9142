import type { KeyspaceId } from "../key/index.js";
import { Type } from "../proto/query.js";
import { invalidArgument, withContext } from "../vterrors/index.js";
import type { CommitOrder, LookupExecutor, LookupRows } from "./lookup-executor.js";
import type { ParamReader } from "./params.js";
import {
  type BindVariables,
  isIntegral,
  isNull,
  type SqlValue,
  tupleBindVariable,
  valueBindVariable,
  valueBytes,
  valueToString,
} from "./values.js";

export type ReadLock = "exclusive" | "shared" | "none";

const READ_LOCK_SUFFIX: Record<ReadLock, string> = {
  exclusive: " for update",
  shared: " lock in share mode",
  none: "",
};

/** The params every lookup vindex reads (Vitess's lookupInternal). */
export interface LookupTableParams {
  /** The backing table as written in the VSchema, possibly `keyspace.table`. */
  readonly table: string;
  readonly keyspace: string | undefined;
  readonly fromColumns: readonly string[];
  readonly to: string;
  readonly ignoreNulls: boolean;
  readonly batchLookup: boolean;
  readonly readLock: ReadLock;
}

/** Reads `table`, `from`, `to` (required) and `ignore_nulls`, `batch_lookup`, `read_lock`. */
export function readLookupTableParams(params: ParamReader): LookupTableParams {
  const table = params.required("table");
  const parts = table.split(".");
  if (parts.length > 2 || parts.some((part) => part === "")) {
    throw invalidArgument(`invalid table param '${table}': expected <table> or <keyspace>.<table>`);
  }
  const fromColumns = params
    .required("from")
    .split(",")
    .map((column) => column.trim());
  if (fromColumns.some((column) => column === "")) {
    throw invalidArgument(`invalid from param '${params.optional("from")}': empty column name`);
  }
  const to = params.required("to").trim();
  const ignoreNulls = params.bool("ignore_nulls");
  const batchLookup = params.bool("batch_lookup");
  const readLockParam = params.optional("read_lock") ?? "exclusive";
  if (readLockParam !== "exclusive" && readLockParam !== "shared" && readLockParam !== "none") {
    throw invalidArgument(`invalid read_lock value: ${readLockParam}`);
  }
  return {
    table,
    keyspace: parts.length === 2 ? parts[0] : undefined,
    fromColumns,
    to,
    ignoreNulls,
    batchLookup,
    readLock: readLockParam,
  };
}

/**
 * The statements of a lookup vindex and how they run, as Vitess's lookupInternal:
 * - lookup: `select from, to from t where from in ::from` (one batched query for integer values or with
 *   batch_lookup, one query per value otherwise), `for update` inside a DML transaction;
 * - verify: `select from from t where from = :from and to = :to` per value;
 * - create: `insert [ignore] into t(from..., to) values(:from_0, :to_0), ...` rows sorted, with
 *   `on duplicate key update` when upserting;
 * - delete: `delete from t where from = :from and to = :to` per row.
 */
export class LookupInternal {
  private readonly sel: string;
  private readonly ver: string;
  private readonly del: string;

  constructor(
    readonly params: LookupTableParams,
    /** Statements commit on their own (Vitess's autocommit param); deletes are then skipped. */
    readonly autocommit: boolean,
    /** Inserts upsert (non-unique autocommit lookups). */
    readonly upsert: boolean,
    /** Inserts carry the MULTI_SHARD_AUTOCOMMIT directive. */
    readonly multiShardAutocommit = false,
  ) {
    const { table, fromColumns, to } = params;
    const from = fromColumns[0]!;
    this.sel = `select ${from}, ${to} from ${table} where ${from} in ::${from}`;
    this.ver = `select ${from} from ${table} where ${from} = :${from} and ${to} = :${to}`;
    this.del = `delete from ${table} where ${fromColumns.map((c) => `${c} = :${c}`).join(" and ")} and ${to} = :${to}`;
  }

  get table(): string {
    return this.params.table;
  }

  private order(requested: CommitOrder): CommitOrder {
    return this.autocommit || this.multiShardAutocommit ? "autocommit" : requested;
  }

  /** The rows' `to` values for each id, in input order. */
  async lookup(
    executor: LookupExecutor,
    ids: readonly SqlValue[],
    order: CommitOrder = "normal",
  ): Promise<SqlValue[][]> {
    if (ids.length === 0) return [];
    const commitOrder = this.order(order);
    const sel = executor.inTransactionAndIsDml ? this.sel + READ_LOCK_SUFFIX[this.params.readLock] : this.sel;
    const from = this.params.fromColumns[0]!;
    const options = { method: "VindexLookup", commitOrder, isDml: false, rollbackOnError: false } as const;
    try {
      if (isIntegral(ids[0]!) || this.params.batchLookup) {
        const result = await executor.execute(
          this.params.keyspace,
          sel,
          { [from]: tupleBindVariable(ids) },
          options,
        );
        const byId = new Map<string, SqlValue[]>();
        for (const row of result.rows) {
          const key = valueToString(row[0]!);
          let list = byId.get(key);
          if (list === undefined) {
            list = [];
            byId.set(key, list);
          }
          list.push(row[1]!);
        }
        return ids.map((id) => byId.get(valueToString(id)) ?? []);
      }
      const out: SqlValue[][] = [];
      for (const id of ids) {
        const result = await executor.execute(
          this.params.keyspace,
          sel,
          { [from]: tupleBindVariable([id]) },
          options,
        );
        out.push(result.rows.map((row) => row[1]!));
      }
      return out;
    } catch (err) {
      throw withContext(err, "lookup.Map");
    }
  }

  async verify(
    executor: LookupExecutor,
    ids: readonly SqlValue[],
    toValues: readonly SqlValue[],
    order: CommitOrder = "normal",
  ): Promise<boolean[]> {
    const from = this.params.fromColumns[0]!;
    const out: boolean[] = [];
    try {
      for (let i = 0; i < ids.length; i++) {
        const result = await executor.execute(
          this.params.keyspace,
          this.ver,
          { [from]: valueBindVariable(ids[i]!), [this.params.to]: valueBindVariable(toValues[i]!) },
          { method: "VindexVerify", commitOrder: this.order(order), isDml: false, rollbackOnError: false },
        );
        out.push(result.rows.length !== 0);
      }
    } catch (err) {
      throw withContext(err, "lookup.Verify");
    }
    return out;
  }

  async create(
    executor: LookupExecutor,
    rowsColValues: readonly (readonly SqlValue[])[],
    toValues: readonly SqlValue[],
    ignoreMode: boolean,
    order: CommitOrder = "normal",
  ): Promise<LookupRows | undefined> {
    const rows: { cols: readonly SqlValue[]; to: SqlValue }[] = [];
    for (let i = 0; i < rowsColValues.length; i++) {
      const cols = rowsColValues[i]!;
      const nullAt = cols.findIndex(isNull);
      if (nullAt >= 0) {
        if (!this.params.ignoreNulls) {
          throw invalidArgument(`lookup.Create: input has null values: row: ${i}, col: ${nullAt}`);
        }
        continue;
      }
      rows.push({ cols, to: toValues[i]! });
    }
    if (rows.length === 0) return undefined;
    const { table, fromColumns, to } = this.params;
    if (rows[0]!.cols.length !== fromColumns.length) {
      throw invalidArgument(
        `lookup.Create: column vindex count does not match the columns in the lookup: ${rows[0]!.cols.length} vs [${fromColumns.join(" ")}]`,
      );
    }
    rows.sort((a, b) => {
      for (let c = 0; c < a.cols.length; c++) {
        const cmp = Buffer.compare(valueBytes(a.cols[c]!), valueBytes(b.cols[c]!));
        if (cmp !== 0) return cmp;
      }
      return Buffer.compare(valueBytes(a.to), valueBytes(b.to));
    });
    const bindVars: BindVariables = {};
    const tuples = rows.map((row, r) => {
      const names = row.cols.map((value, c) => {
        const name = `${fromColumns[c]}_${r}`;
        bindVars[name] = valueBindVariable(value);
        return `:${name}`;
      });
      bindVars[`${to}_${r}`] = valueBindVariable(row.to);
      return `(${names.join(", ")}, :${to}_${r})`;
    });
    const verb =
      (this.multiShardAutocommit ? "insert /*vt+ MULTI_SHARD_AUTOCOMMIT=1 */" : "insert") +
      (ignoreMode ? " ignore" : "");
    let sql = `${verb} into ${table}(${[...fromColumns, to].join(", ")}) values${tuples.join(", ")}`;
    if (this.upsert) {
      sql += ` on duplicate key update ${[...fromColumns, to].map((c) => `${c}=values(${c})`).join(", ")}`;
    }
    try {
      return await executor.execute(this.params.keyspace, sql, bindVars, {
        method: "VindexCreate",
        commitOrder: this.order(order),
        isDml: true,
        rollbackOnError: true,
      });
    } catch (err) {
      throw withContext(err, "lookup.Create");
    }
  }

  async delete(
    executor: LookupExecutor,
    rowsColValues: readonly (readonly SqlValue[])[],
    toValue: SqlValue,
    order: CommitOrder = "normal",
  ): Promise<void> {
    // In autocommit mode it is not safe to delete: another transaction may have re-created the row.
    if (this.autocommit || rowsColValues.length === 0) return;
    const { fromColumns, to } = this.params;
    if (rowsColValues[0]!.length !== fromColumns.length) {
      throw invalidArgument(
        `lookup.Delete: column vindex count does not match the columns in the lookup: ${rowsColValues[0]!.length} vs [${fromColumns.join(" ")}]`,
      );
    }
    try {
      for (const cols of rowsColValues) {
        const bindVars: BindVariables = { [to]: valueBindVariable(toValue) };
        cols.forEach((value, c) => {
          bindVars[fromColumns[c]!] = valueBindVariable(value);
        });
        await executor.execute(this.params.keyspace, this.del, bindVars, {
          method: "VindexDelete",
          commitOrder: order,
          isDml: true,
          rollbackOnError: true,
        });
      }
    } catch (err) {
      throw withContext(err, "lookup.Delete");
    }
  }

  async update(
    executor: LookupExecutor,
    oldValues: readonly SqlValue[],
    toValue: SqlValue,
    newValues: readonly SqlValue[],
  ): Promise<void> {
    await this.delete(executor, [oldValues], toValue);
    await this.create(executor, [newValues], [toValue], false);
  }
}

/** A keyspace id as the `to` value stored in a lookup table (VARBINARY). */
export function ksidValue(ksid: KeyspaceId): SqlValue {
  return { type: Type.VARBINARY, value: Buffer.from(ksid.buffer, ksid.byteOffset, ksid.byteLength) };
}
