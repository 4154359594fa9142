import type { KeyspaceId } from "../key/index.js";
import { invalidArgument } from "../vterrors/index.js";
import {
  DESTINATION_NONE,
  type Destination,
  destinationAllShards,
  destinationKeyspaceId,
  destinationKeyspaceIds,
} from "./destination.js";
import { ksidHex } from "./functional.js";
import { HashVindex } from "./hash.js";
import type { LookupExecutor } from "./lookup-executor.js";
import { ksidValue, LookupInternal, readLookupTableParams } from "./lookup-internal.js";
import { ParamReader, type VindexParams } from "./params.js";
import { describeValue, type SqlValue, toUint64, uint64Value, valueBytes } from "./values.js";
import type { CursorSingleColumn, Lookup } from "./vindex.js";

/** How the `to` column stores the keyspace id: as is, or as the number `hash` reverses it to. */
interface KeyspaceIdCodec {
  toStored(ksid: KeyspaceId): SqlValue;
  fromStored(value: SqlValue): KeyspaceId | undefined;
}

const RAW_CODEC: KeyspaceIdCodec = {
  toStored: ksidValue,
  fromStored: (value) => valueBytes(value),
};

const HASH = new HashVindex("lookup_hash", new ParamReader("lookup_hash", {}));

/** lookup_hash stores the number whose `hash` is the keyspace id (the table's `to` column is a BIGINT). */
const HASH_CODEC: KeyspaceIdCodec = {
  toStored: (ksid) => {
    if (ksid.length !== 8) throw invalidArgument(`lookup.vunhash: invalid keyspace id: ${ksidHex(ksid)}`);
    return HASH.reverseMap([ksid])[0]!;
  },
  fromStored: (value) => {
    const num = toUint64(value);
    return num === undefined ? undefined : HASH.hash(uint64Value(num));
  },
};

/**
 * The lookup vindexes backed by a table `from... → to` (Vitess's lookup, lookup_unique, lookup_hash,
 * lookup_hash_unique). Params: `table`, `from`, `to` (required); `autocommit`, `multi_shard_autocommit`,
 * `write_only`, `no_verify`, `ignore_nulls`, `batch_lookup`, `read_lock` (optional).
 *
 * - unique: a value maps to none or one keyspace id; two rows for one value is an error naming the table.
 * - write_only: map answers every shard (the table is being backfilled), verify answers true.
 * - no_verify: verify answers true without querying.
 */
export class LookupVindex implements CursorSingleColumn, Lookup {
  readonly needsVCursor = true as const;
  readonly cost: number;
  readonly unknownParams: readonly string[];
  readonly writeOnly: boolean;
  readonly noVerify: boolean;
  readonly lookup: LookupInternal;

  constructor(
    readonly name: string,
    readonly type: string,
    readonly isUnique: boolean,
    private readonly codec: KeyspaceIdCodec,
    params: ParamReader,
  ) {
    this.cost = isUnique ? 10 : 20;
    const autocommit = params.bool("autocommit");
    const multiShardAutocommit = params.bool("multi_shard_autocommit");
    this.writeOnly = params.bool("write_only");
    this.noVerify = params.bool("no_verify");
    const tableParams = readLookupTableParams(params);
    // Upserts keep autocommitted non-unique lookups idempotent; unique ones must not overwrite.
    const upsert = !isUnique && (autocommit || multiShardAutocommit);
    this.lookup = new LookupInternal(tableParams, autocommit, upsert, multiShardAutocommit);
    this.unknownParams = params.unknown();
  }

  async map(executor: LookupExecutor, values: readonly SqlValue[]): Promise<Destination[]> {
    if (this.writeOnly) return values.map(() => destinationAllShards());
    const results = await this.lookup.lookup(executor, values);
    return results.map((stored, i) => {
      const ksids: KeyspaceId[] = [];
      for (const value of stored) {
        const ksid = this.codec.fromStored(value);
        if (ksid !== undefined) ksids.push(ksid);
      }
      if (ksids.length === 0) return DESTINATION_NONE;
      if (!this.isUnique) return destinationKeyspaceIds(ksids);
      if (ksids.length > 1) {
        throw invalidArgument(
          `Lookup.Map: unexpected multiple results from vindex ${this.lookup.table}: ${describeValue(values[i]!)}`,
        );
      }
      return destinationKeyspaceId(ksids[0]!);
    });
  }

  async verify(
    executor: LookupExecutor,
    values: readonly SqlValue[],
    ksids: readonly KeyspaceId[],
  ): Promise<boolean[]> {
    if (this.writeOnly || this.noVerify) return values.map(() => true);
    return this.lookup.verify(
      executor,
      values,
      ksids.map((ksid) => this.codec.toStored(ksid)),
    );
  }

  async create(
    executor: LookupExecutor,
    rowsColValues: readonly (readonly SqlValue[])[],
    ksids: readonly KeyspaceId[],
    ignoreMode: boolean,
  ): Promise<void> {
    await this.lookup.create(
      executor,
      rowsColValues,
      ksids.map((ksid) => this.codec.toStored(ksid)),
      ignoreMode,
    );
  }

  async delete(
    executor: LookupExecutor,
    rowsColValues: readonly (readonly SqlValue[])[],
    ksid: KeyspaceId,
  ): Promise<void> {
    await this.lookup.delete(executor, rowsColValues, this.codec.toStored(ksid));
  }

  async update(
    executor: LookupExecutor,
    oldValues: readonly SqlValue[],
    ksid: KeyspaceId,
    newValues: readonly SqlValue[],
  ): Promise<void> {
    await this.lookup.update(executor, oldValues, this.codec.toStored(ksid), newValues);
  }
}

export function newLookupVindex(name: string, params: VindexParams): LookupVindex {
  return new LookupVindex(name, "lookup", false, RAW_CODEC, new ParamReader(name, params));
}

export function newLookupUniqueVindex(name: string, params: VindexParams): LookupVindex {
  return new LookupVindex(name, "lookup_unique", true, RAW_CODEC, new ParamReader(name, params));
}

export function newLookupHashVindex(name: string, params: VindexParams): LookupVindex {
  return new LookupVindex(name, "lookup_hash", false, HASH_CODEC, new ParamReader(name, params));
}

export function newLookupHashUniqueVindex(name: string, params: VindexParams): LookupVindex {
  return new LookupVindex(name, "lookup_hash_unique", true, HASH_CODEC, new ParamReader(name, params));
}
