import type { KeyspaceId } from "../../../libs/key/index.js";
import {
  type CursorSingleColumn,
  describeValue,
  isNull,
  type Lookup,
  type LookupExecutor,
  NULL_VALUE,
  type SqlValue,
} from "../../../libs/vindexes/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { BindVars } from "./primitive.js";
import { evalRouteValue, type RouteValue } from "./route-values.js";

/** A lookup vindex of the table an INSERT writes to, with its columns' values per row. */
export interface InsertLookup {
  readonly vindex: CursorSingleColumn & Lookup;
  readonly columns: readonly string[];
  /** The table owns the vindex: its lookup rows are created; otherwise the values are only verified. */
  readonly owned: boolean;
  /** Per row, per column: the value (undefined: not given, NULL). */
  readonly values: readonly (readonly (RouteValue | undefined)[])[];
}

type Row = readonly SqlValue[];

function rowValues(lookup: InsertLookup, bindVars: BindVars): Row[] {
  return lookup.values.map((row) =>
    row.map((v) => (v === undefined ? NULL_VALUE : evalRouteValue(v, bindVars))),
  );
}

/**
 * What an INSERT does to the lookup vindexes of its table before any of its rows is written (Vitess's
 * processOwned and processUnowned): owned vindexes get one lookup row per row (keyspace id from the
 * primary vindex), unowned ones must already map each non-NULL value to the row's keyspace id. In ignore
 * mode (`insert ignore`, `on duplicate key update`) lookup rows are created with `insert ignore` and a row
 * whose lookup row then points elsewhere is dropped: it is a duplicate the owner table would ignore too.
 *
 * Returns whether each row is still to be written.
 */
export async function writeInsertLookups(
  executor: LookupExecutor,
  table: string,
  lookups: readonly InsertLookup[],
  ksids: readonly KeyspaceId[],
  ignoreMode: boolean,
  bindVars: BindVars,
): Promise<boolean[]> {
  const keep = ksids.map(() => true);
  for (const lookup of lookups) {
    const rows = rowValues(lookup, bindVars);
    if (lookup.owned) {
      await lookup.vindex.create(executor, rows, ksids, ignoreMode);
      if (ignoreMode) await dropUnverified(executor, lookup, rows, ksids, keep);
      continue;
    }
    const checked = rows.map((row, i) => ({ row, i })).filter(({ row }) => !row.some(isNull));
    const ok = await lookup.vindex.verify(
      executor,
      checked.map(({ row }) => row[0] as SqlValue),
      checked.map(({ i }) => ksids[i] as KeyspaceId),
    );
    ok.forEach((verified, k) => {
      if (verified) return;
      const { row } = checked[k]!;
      throw new VtError(
        Code.INVALID_ARGUMENT,
        `cannot insert into ${table}: value ${describeValue(row[0] as SqlValue)} of column ${lookup.columns.join(", ")} does not map to the row's keyspace id in vindex ${lookup.vindex.name}`,
      );
    });
  }
  return keep;
}

async function dropUnverified(
  executor: LookupExecutor,
  lookup: InsertLookup,
  rows: readonly Row[],
  ksids: readonly KeyspaceId[],
  keep: boolean[],
): Promise<void> {
  const present = rows.map((row, i) => ({ row, i })).filter(({ row, i }) => keep[i] && !row.some(isNull));
  const ok = await lookup.vindex.verify(
    executor,
    present.map(({ row }) => row[0] as SqlValue),
    present.map(({ i }) => ksids[i] as KeyspaceId),
  );
  ok.forEach((verified, k) => {
    if (!verified) keep[present[k]!.i] = false;
  });
}
