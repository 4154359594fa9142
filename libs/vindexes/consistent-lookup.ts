import type { KeyspaceId } from "../key/index.js";
import {
  alreadyExists,
  Code,
  failedPrecondition,
  internal,
  invalidArgument,
  isVtError,
  MysqlErrno,
} from "../vterrors/index.js";
import {
  DESTINATION_NONE,
  type Destination,
  destinationAllShards,
  destinationKeyspaceId,
  destinationKeyspaceIds,
} from "./destination.js";
import type { LookupExecutor } from "./lookup-executor.js";
import { ksidValue, LookupInternal, readLookupTableParams } from "./lookup-internal.js";
import { ParamReader, type VindexParams } from "./params.js";
import {
  type BindVariables,
  bytesBindVariable,
  describeValue,
  type SqlValue,
  valueBindVariable,
  valueBytes,
  valuesEqual,
} from "./values.js";
import type { CursorSingleColumn, Lookup, WantsOwnerInfo } from "./vindex.js";

function isDuplicateKey(err: unknown): boolean {
  if (!isVtError(err)) return false;
  return err.mysql?.errno === MysqlErrno.ER_DUP_ENTRY || err.code === Code.ALREADY_EXISTS;
}

/**
 * `consistent_lookup` and `consistent_lookup_unique` (Vitess's clCommon): lookup rows are inserted in a
 * separate "pre" transaction committed before the user's, deleted in a "post" one committed after, and a
 * duplicate lookup row is only an error when the owner row it points to still exists: otherwise it is a
 * leftover and is taken over. The owner table comes from the VSchema (`owner`), see setOwnerInfo.
 * Params: `table`, `from`, `to` (required); `ignore_nulls`, `write_only`, `batch_lookup`, `read_lock`.
 */
export class ConsistentLookupVindex implements CursorSingleColumn, Lookup, WantsOwnerInfo {
  readonly needsVCursor = true as const;
  readonly cost: number;
  readonly unknownParams: readonly string[];
  readonly writeOnly: boolean;
  readonly lookup: LookupInternal;
  private owner: { keyspace: string; table: string; columns: readonly string[] } | undefined;
  private statements:
    | { lockLookup: string; lockOwner: string; insertLookup: string; updateLookup: string }
    | undefined;

  constructor(
    readonly name: string,
    readonly type: "consistent_lookup" | "consistent_lookup_unique",
    params: ParamReader,
  ) {
    this.cost = type === "consistent_lookup_unique" ? 10 : 20;
    this.writeOnly = params.bool("write_only");
    this.lookup = new LookupInternal(readLookupTableParams(params), false, false);
    this.unknownParams = params.unknown();
  }

  get isUnique(): boolean {
    return this.type === "consistent_lookup_unique";
  }

  setOwnerInfo(keyspace: string, table: string, columns: readonly string[]): void {
    const { fromColumns, to } = this.lookup.params;
    const lookupTable = this.lookup.table;
    if (columns.length !== fromColumns.length) {
      throw invalidArgument(`owner table column count does not match vindex ${this.name}`);
    }
    this.owner = { keyspace, table, columns: [...columns] };
    const where = (cols: readonly string[]) =>
      ` where ${cols.map((col, i) => `${col} = :${fromColumns[i]}`).join(" and ")}`;
    this.statements = {
      lockLookup: `select ${to} from ${lookupTable}${where(fromColumns)} for update`,
      lockOwner: `select ${columns[0]} from ${table}${where(columns)} lock in share mode`,
      insertLookup: `insert into ${lookupTable}(${[...fromColumns, to].join(", ")}) values(${[...fromColumns, to].map((c) => `:${c}`).join(", ")})`,
      updateLookup: `update ${lookupTable} set ${to}=:${to}${where(fromColumns)}`,
    };
  }

  /** The owner table's keyspace, name and columns, once the VSchema set them. */
  get ownerInfo(): { keyspace: string; table: string; columns: readonly string[] } | undefined {
    return this.owner;
  }

  async map(executor: LookupExecutor, values: readonly SqlValue[]): Promise<Destination[]> {
    if (this.writeOnly) return values.map(() => destinationAllShards());
    const results = await this.lookup.lookup(executor, values);
    return results.map((stored, i) => {
      if (stored.length === 0) return DESTINATION_NONE;
      if (!this.isUnique) return destinationKeyspaceIds(stored.map(valueBytes));
      if (stored.length > 1) {
        throw invalidArgument(
          `Lookup.Map: unexpected multiple results from vindex ${this.lookup.table}: ${describeValue(values[i]!)}`,
        );
      }
      return destinationKeyspaceId(valueBytes(stored[0]!));
    });
  }

  async verify(
    executor: LookupExecutor,
    values: readonly SqlValue[],
    ksids: readonly KeyspaceId[],
  ): Promise<boolean[]> {
    if (this.writeOnly) return values.map(() => true);
    return this.lookup.verify(executor, values, ksids.map(ksidValue), "pre");
  }

  async create(
    executor: LookupExecutor,
    rowsColValues: readonly (readonly SqlValue[])[],
    ksids: readonly KeyspaceId[],
    ignoreMode: boolean,
  ): Promise<void> {
    try {
      await this.lookup.create(executor, rowsColValues, ksids.map(ksidValue), ignoreMode, "pre");
      return;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    for (let i = 0; i < rowsColValues.length; i++) {
      await this.handleDuplicate(executor, rowsColValues[i]!, ksids[i]!);
    }
  }

  private async handleDuplicate(
    executor: LookupExecutor,
    values: readonly SqlValue[],
    ksid: KeyspaceId,
  ): Promise<void> {
    const owner = this.owner;
    const statements = this.statements;
    if (owner === undefined || statements === undefined) {
      throw failedPrecondition(`consistent lookup vindex ${this.name} has no owner table`);
    }
    const { fromColumns, to, keyspace } = this.lookup.params;
    const bindVars: BindVariables = { [to]: bytesBindVariable(ksid) };
    values.forEach((value, i) => {
      bindVars[fromColumns[i]!] = valueBindVariable(value);
    });
    const pre = { method: "VindexCreate", commitOrder: "pre", rollbackOnError: false } as const;
    const locked = await executor.execute(keyspace, statements.lockLookup, bindVars, {
      ...pre,
      isDml: false,
    });
    if (locked.rows.length === 0) {
      await executor.execute(keyspace, statements.insertLookup, bindVars, { ...pre, isDml: true });
      return;
    }
    if (locked.rows.length > 1) {
      throw internal(`unexpected rows: ${locked.rows.length} from consistent lookup vindex ${this.name}`);
    }
    const existing = valueBytes(locked.rows[0]![0]!);
    const ownerRows = await executor.executeKeyspaceId(
      owner.keyspace,
      existing,
      statements.lockOwner,
      bindVars,
    );
    if (ownerRows.rows.length >= 1) {
      throw alreadyExists(
        `Duplicate entry ${values.map(describeValue).join(", ")} for key ${this.lookup.table} (vindex ${this.name})`,
      );
    }
    if (Buffer.from(existing).equals(ksid)) return;
    await executor.execute(keyspace, statements.updateLookup, bindVars, { ...pre, isDml: true });
  }

  async delete(
    executor: LookupExecutor,
    rowsColValues: readonly (readonly SqlValue[])[],
    ksid: KeyspaceId,
  ): Promise<void> {
    await this.lookup.delete(executor, rowsColValues, ksidValue(ksid), "post");
  }

  async update(
    executor: LookupExecutor,
    oldValues: readonly SqlValue[],
    ksid: KeyspaceId,
    newValues: readonly SqlValue[],
  ): Promise<void> {
    if (oldValues.length === newValues.length && oldValues.every((v, i) => valuesEqual(v, newValues[i]!)))
      return;
    await this.delete(executor, [oldValues], ksid);
    await this.create(executor, [newValues], [ksid], false);
  }
}

export function newConsistentLookupVindex(name: string, params: VindexParams): ConsistentLookupVindex {
  return new ConsistentLookupVindex(name, "consistent_lookup", new ParamReader(name, params));
}

export function newConsistentLookupUniqueVindex(name: string, params: VindexParams): ConsistentLookupVindex {
  return new ConsistentLookupVindex(name, "consistent_lookup_unique", new ParamReader(name, params));
}
