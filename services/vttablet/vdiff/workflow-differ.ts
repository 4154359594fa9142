import { quoteString } from "../../../libs/mysql/sql-literal.js";
import { VDiffState } from "../../../libs/vdiff/index.js";
import { errorMessage } from "../../../libs/vterrors/index.js";
import type { TargetDb } from "../vreplication/stream-record.js";
import { insertVDiffLog, readTables, setTableState, setVDiffState, type VDiffRecord } from "./record.js";
import { type DifferDeps, diffTable } from "./table-differ.js";

/**
 * Runs one VDiff of this target shard (Vitess's workflowDiffer): started, then every table not completed yet,
 * one after the other, then completed. A failure puts the VDiff and the table in error with the reason. When
 * `signal` aborts (stop, delete, the tablet stops being primary) it returns and leaves the state to whoever
 * aborted it: a VDiff left `started` is continued when the engine opens again.
 */
export async function runVDiff(
  deps: DifferDeps,
  db: TargetDb,
  vdiff: VDiffRecord,
  signal: AbortSignal,
): Promise<void> {
  const logger = deps.logger.child({ vdiff: vdiff.uuid });
  let current: string | undefined;
  try {
    await setVDiffState(db, vdiff.id, VDiffState.Started, ", started_at = ifnull(started_at, now())");
    for (const table of await readTables(db, vdiff.id)) {
      if (table.state === VDiffState.Completed) continue;
      if (signal.aborted) return;
      current = table.table;
      await setTableState(db, vdiff.id, table.table, VDiffState.Started);
      const report = await diffTable(deps, db, vdiff, table, signal);
      if (signal.aborted) return;
      await insertVDiffLog(
        db,
        vdiff.id,
        `Table ${table.table}: ${report.ProcessedRows} rows compared, ${report.MismatchedRows} mismatched, ${report.ExtraRowsSource} extra on the source, ${report.ExtraRowsTarget} extra on the target`,
      );
      logger.info({ table: table.table, rows: report.ProcessedRows }, "vdiff table done");
    }
    current = undefined;
    await setVDiffState(db, vdiff.id, VDiffState.Completed, ", completed_at = now()");
  } catch (err) {
    if (signal.aborted) return;
    const message = errorMessage(err);
    logger.warn({ err: message, table: current }, "vdiff failed");
    if (current !== undefined)
      await setTableState(db, vdiff.id, current, VDiffState.Error).catch(() => undefined);
    await setVDiffState(
      db,
      vdiff.id,
      VDiffState.Error,
      "",
      current ? `table ${current}: ${message}` : message,
    ).catch((e: unknown) => logger.error({ err: errorMessage(e) }, "cannot record the vdiff error"));
  }
}

/** The pending or started VDiffs of `dbName` that may run, oldest first (a pending one created with auto_start=false waits for resume). */
export function runnableWhere(dbName: string): string {
  return `db_name = ${quoteString(dbName)} and state in ('pending', 'started')`;
}
