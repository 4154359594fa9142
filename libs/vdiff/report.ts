/**
 * The per-table, per-shard VDiff report (Vitess's vdiff.DiffReport): written by the target tablet as JSON into
 * `_vt.vdiff_table.report`, read back by vtctldclient to build the summary. The JSON names are Vitess's.
 */

/** A sample row: column name -> the value as MySQL returned it (NULL as "NULL"). */
export interface RowDiff {
  Row: Record<string, string>;
  Query?: string;
}

export interface DiffMismatch {
  Source?: RowDiff;
  Target?: RowDiff;
}

export interface DiffReport {
  TableName: string;
  ProcessedRows: number;
  MatchingRows: number;
  MismatchedRows: number;
  ExtraRowsSource: number;
  ExtraRowsTarget: number;
  ExtraRowsSourceSample?: RowDiff[];
  ExtraRowsTargetSample?: RowDiff[];
  MismatchedRowsSample?: DiffMismatch[];
}

export function emptyReport(table: string): DiffReport {
  return {
    TableName: table,
    ProcessedRows: 0,
    MatchingRows: 0,
    MismatchedRows: 0,
    ExtraRowsSource: 0,
    ExtraRowsTarget: 0,
  };
}

export function hasMismatch(report: DiffReport): boolean {
  return report.MismatchedRows > 0 || report.ExtraRowsSource > 0 || report.ExtraRowsTarget > 0;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function rowDiffs(value: unknown): RowDiff[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((item) => ({ Row: { ...((item as RowDiff | null)?.Row ?? {}) } }));
}

/** A report read from `_vt.vdiff_table.report` (NULL or "" before the table started: an empty report). */
export function parseReport(table: string, json: string | null | undefined): DiffReport {
  if (json === null || json === undefined || json.trim() === "") return emptyReport(table);
  const raw = JSON.parse(json) as Record<string, unknown>;
  const report: DiffReport = {
    TableName: typeof raw.TableName === "string" && raw.TableName !== "" ? raw.TableName : table,
    ProcessedRows: count(raw.ProcessedRows),
    MatchingRows: count(raw.MatchingRows),
    MismatchedRows: count(raw.MismatchedRows),
    ExtraRowsSource: count(raw.ExtraRowsSource),
    ExtraRowsTarget: count(raw.ExtraRowsTarget),
  };
  const source = rowDiffs(raw.ExtraRowsSourceSample);
  const target = rowDiffs(raw.ExtraRowsTargetSample);
  if (source) report.ExtraRowsSourceSample = source;
  if (target) report.ExtraRowsTargetSample = target;
  if (Array.isArray(raw.MismatchedRowsSample)) {
    report.MismatchedRowsSample = (raw.MismatchedRowsSample as DiffMismatch[]).map((m) => ({
      ...(m.Source ? { Source: { Row: { ...m.Source.Row } } } : {}),
      ...(m.Target ? { Target: { Row: { ...m.Target.Row } } } : {}),
    }));
  }
  return report;
}
