import type { RawRow } from "../../../libs/mysql/query-result.js";
import type { DiffReport, RowDiff } from "../../../libs/vdiff/index.js";
import { type KeyComparator, rowsEqual } from "./key-order.js";
import type { RowCursor } from "./row-cursor.js";

export interface RowDiffOptions {
  /** The column names, in the rows' order (the source's and the target's rows have the same columns). */
  readonly columns: readonly string[];
  /** Positions of the primary key columns in the rows. */
  readonly pkPositions: readonly number[];
  readonly compareKeys: KeyComparator;
  /** Stop once the report has processed this many rows (`--limit`). */
  readonly maxRows: number;
  /** Sample rows kept per kind (extra source, extra target, mismatched). */
  readonly maxSampleRows: number;
  /** Samples hold the key columns only (`--only-pks`). */
  readonly onlyPks: boolean;
  /** Longer values are cut in samples (not key columns); 0: never. */
  readonly truncateAt: number;
  /** Called after each row with the row just processed; the caller saves progress from time to time. */
  readonly onRow?: (key: RawRow) => Promise<void> | void;
  readonly signal?: AbortSignal;
}

const TRUNCATED = "...[TRUNCATED]";

/** A sample row: key columns first and whole, the others (unless only keys are wanted) cut when very long. */
export function sampleRow(
  row: RawRow,
  options: Pick<RowDiffOptions, "columns" | "pkPositions" | "onlyPks" | "truncateAt">,
): RowDiff {
  const out: Record<string, string> = {};
  const text = (i: number) => {
    const value = row[i] ?? null;
    return value === null ? "NULL" : value.toString("utf8");
  };
  for (const i of options.pkPositions) out[options.columns[i] ?? String(i)] = text(i);
  if (!options.onlyPks) {
    options.columns.forEach((name, i) => {
      if (options.pkPositions.includes(i)) return;
      const value = text(i);
      const cut = options.truncateAt > 0 && value.length >= options.truncateAt + TRUNCATED.length + 20;
      out[name] = cut ? value.slice(0, options.truncateAt) + TRUNCATED : value;
    });
  }
  return { Row: out };
}

/**
 * Vitess's table differ merge: walks the source and target rows, both in key order, adding to `report` (which
 * may hold the counts of an earlier run that is being resumed). Equal keys: matching when every column has the
 * same bytes, else mismatched; a key only on one side: an extra row of that side. Every step counts as one
 * processed row. Returns whether both sides were read to their end (false when the limit or the signal stopped
 * it).
 */
export async function diffRows(
  source: RowCursor,
  target: RowCursor,
  report: DiffReport,
  options: RowDiffOptions,
): Promise<boolean> {
  const sample = (row: RawRow) => sampleRow(row, options);
  const keep = <T>(list: T[] | undefined, item: () => T): T[] => {
    const out = list ?? [];
    if (out.length < options.maxSampleRows) out.push(item());
    return out;
  };
  for (;;) {
    if (options.signal?.aborted) return false;
    if (report.ProcessedRows >= options.maxRows) return false;
    const s = await source.current();
    const t = await target.current();
    if (s === undefined && t === undefined) return true;
    const order = s === undefined ? 1 : t === undefined ? -1 : options.compareKeys(s, t);
    let key: RawRow;
    if (order < 0 && s !== undefined) {
      report.ExtraRowsSource++;
      report.ExtraRowsSourceSample = keep(report.ExtraRowsSourceSample, () => sample(s));
      source.advance();
      key = s;
    } else if (order > 0 && t !== undefined) {
      report.ExtraRowsTarget++;
      report.ExtraRowsTargetSample = keep(report.ExtraRowsTargetSample, () => sample(t));
      target.advance();
      key = t;
    } else {
      const a = s as RawRow;
      const b = t as RawRow;
      if (rowsEqual(a, b)) {
        report.MatchingRows++;
      } else {
        report.MismatchedRows++;
        report.MismatchedRowsSample = keep(report.MismatchedRowsSample, () => ({
          Source: sample(a),
          Target: sample(b),
        }));
      }
      source.advance();
      target.advance();
      key = a;
    }
    report.ProcessedRows++;
    await options.onRow?.(key);
  }
}
