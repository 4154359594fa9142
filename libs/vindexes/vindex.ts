import type { KeyspaceId } from "../key/index.js";
import { failedPrecondition } from "../vterrors/index.js";
import type { Destination } from "./destination.js";
import type { LookupExecutor } from "./lookup-executor.js";
import type { SqlValue } from "./values.js";

/**
 * The part every vindex has (Vitess's vindexes.Vindex). Capabilities beyond it are separate interfaces,
 * detected with the type guards below.
 *
 * - `name`: the name the VSchema gave this instance (`"hash"`, `"customer_email_lookup"`).
 * - `type`: the registered type it was created from (`"hash"`, `"consistent_lookup_unique"`).
 * - `cost`: planner priority: 0 when the value is the keyspace id, 1 when it is computed from it, 10+ when
 *   a lookup query is needed.
 * - `isUnique`: each value maps to at most one keyspace id.
 * - `needsVCursor`: mapping runs queries (lookups); such vindexes are CursorSingleColumn and asynchronous.
 * - `unknownParams`: params the type does not know, sorted; Vitess accepts them with a warning.
 */
export interface Vindex {
  readonly name: string;
  readonly type: string;
  readonly cost: number;
  readonly isUnique: boolean;
  readonly needsVCursor: boolean;
  readonly unknownParams: readonly string[];
}

/**
 * A functional single-column vindex: the keyspace id is computed from the value alone, synchronously, so
 * the hot path (hash, numeric, xxhash...) allocates no promise per value.
 *
 * - `map`: one destination per value, same order; NULL and values that do not parse for the vindex map to
 *   `none` (as Vitess: `where id = 'abc'` on a hash column selects nothing). Throws only where Vitess's Map
 *   fails: text that is not valid UTF-8 for the unicode_loose vindexes (INVALID_ARGUMENT).
 * - `verify`: whether each value maps to the keyspace id at the same index; throws INVALID_ARGUMENT naming
 *   the vindex and the value when a value does not parse.
 */
export interface SingleColumn extends Vindex {
  readonly needsVCursor: false;
  map(values: readonly SqlValue[]): Destination[];
  verify(values: readonly SqlValue[], ksids: readonly KeyspaceId[]): boolean[];
}

/**
 * A single-column vindex that needs queries to map (lookup vindexes). Same contract as SingleColumn, but
 * asynchronous and given the executor that runs the lookup queries; errors of the executor are returned
 * wrapped with the vindex's context, code kept.
 */
export interface CursorSingleColumn extends Vindex {
  readonly needsVCursor: true;
  map(executor: LookupExecutor, values: readonly SqlValue[]): Promise<Destination[]>;
  verify(
    executor: LookupExecutor,
    values: readonly SqlValue[],
    ksids: readonly KeyspaceId[],
  ): Promise<boolean[]>;
}

export type AnySingleColumn = SingleColumn | CursorSingleColumn;

/**
 * A functional vindex that computes the keyspace id of one value or throws INVALID_ARGUMENT naming the
 * vindex and the value (`hash vindex "hash": could not parse value: 'abc'`): what an INSERT uses, where a
 * value that maps nowhere is an error rather than an empty result.
 */
export interface Hashing {
  hash(value: SqlValue): KeyspaceId;
}

/** A vindex that can compute the value back from a keyspace id (hash, numeric, binary, reverse_bits). */
export interface Reversible {
  /** Throws INVALID_ARGUMENT for a keyspace id of the wrong shape (`invalid keyspace id: <hex>`). */
  reverseMap(ksids: readonly KeyspaceId[]): SqlValue[];
}

/**
 * A vindex backed by a table that must be kept in step with the owner table's rows. `rowsColValues[i]` are
 * the vindex column values of row i (one per `from` column). Errors from the executor are rethrown with the
 * vindex's context; a NULL column value fails with INVALID_ARGUMENT unless the vindex ignores nulls.
 */
export interface Lookup {
  /** Inserts one lookup row per input row; `ignoreMode` turns duplicates into no-ops (`insert ignore`). */
  create(
    executor: LookupExecutor,
    rowsColValues: readonly (readonly SqlValue[])[],
    ksids: readonly KeyspaceId[],
    ignoreMode: boolean,
  ): Promise<void>;
  /** Deletes the lookup rows of the given rows, which all live at `ksid`. */
  delete(
    executor: LookupExecutor,
    rowsColValues: readonly (readonly SqlValue[])[],
    ksid: KeyspaceId,
  ): Promise<void>;
  /** Replaces the lookup row of `oldValues` by one for `newValues`, both at `ksid`. */
  update(
    executor: LookupExecutor,
    oldValues: readonly SqlValue[],
    ksid: KeyspaceId,
    newValues: readonly SqlValue[],
  ): Promise<void>;
}

/** A vindex that needs to know its owner table (consistent lookups lock the owner row). */
export interface WantsOwnerInfo {
  /** Throws INVALID_ARGUMENT when the owner's column count does not match the vindex's `from` columns. */
  setOwnerInfo(keyspace: string, table: string, columns: readonly string[]): void;
}

export function isSingleColumn(vindex: Vindex): vindex is SingleColumn {
  return !vindex.needsVCursor && typeof (vindex as Partial<SingleColumn>).map === "function";
}

export function isCursorSingleColumn(vindex: Vindex): vindex is CursorSingleColumn {
  return vindex.needsVCursor && typeof (vindex as Partial<CursorSingleColumn>).map === "function";
}

export function isHashing(vindex: Vindex): vindex is Vindex & Hashing {
  return typeof (vindex as Partial<Hashing>).hash === "function";
}

export function isReversible(vindex: Vindex): vindex is Vindex & Reversible {
  return typeof (vindex as Partial<Reversible>).reverseMap === "function";
}

export function isLookup(vindex: Vindex): vindex is Vindex & Lookup {
  const candidate = vindex as Partial<Lookup>;
  return (
    typeof candidate.create === "function" &&
    typeof candidate.delete === "function" &&
    typeof candidate.update === "function"
  );
}

export function wantsOwnerInfo(vindex: Vindex): vindex is Vindex & WantsOwnerInfo {
  return typeof (vindex as Partial<WantsOwnerInfo>).setOwnerInfo === "function";
}

/** Maps values through either kind of single-column vindex; a promise only for cursor vindexes. */
export function mapValues(
  vindex: AnySingleColumn,
  executor: LookupExecutor | undefined,
  values: readonly SqlValue[],
): Destination[] | Promise<Destination[]> {
  if (!vindex.needsVCursor) return vindex.map(values);
  if (executor === undefined) {
    return Promise.reject(
      failedPrecondition(`vindex ${vindex.name}: cannot perform lookup: no executor provided`),
    );
  }
  return vindex.map(executor, values);
}
