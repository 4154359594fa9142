import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { RawRow } from "../../../libs/mysql/query-result.js";
import { parsePosition, positionAtLeast } from "../../../libs/mysql/replication/index.js";
import { quoteIdentifier, quoteString } from "../../../libs/mysql/sql-literal.js";
import {
  type VStreamRowsRequest,
  VStreamRowsRequest as VStreamRowsRequestCodec,
  type VStreamRowsResponse,
} from "../../../libs/proto/binlogdata.js";
import type { VDiffOptions } from "../../../libs/proto/tabletmanagerdata.js";
import { type DiffReport, hasMismatch, VDiffState } from "../../../libs/vdiff/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import { encodeLastPk, type LastPk, lastPkQueryResult } from "../vreplication/copy-state.js";
import type { VReplicationEngine } from "../vreplication/engine.js";
import { parseTabletTypes, type SourcePicker } from "../vreplication/source.js";
import type { StreamRecord, TargetDb } from "../vreplication/stream-record.js";
import { tableRoutes } from "../vreplication/table-plan.js";
import { keyComparator } from "./key-order.js";
import type { VDiffRecord, VDiffTableRecord } from "./record.js";
import { batchCursor, mergedCursor } from "./row-cursor.js";
import { diffRows } from "./row-differ.js";
import { openRowStream, type RowStream } from "./row-stream.js";
import { pauseStreams, restartStreams, syncStreams } from "./stream-sync.js";

/** What a table diff works with on the target tablet. */
export interface DifferDeps {
  readonly vreplication: VReplicationEngine;
  readonly picker: SourcePicker;
  /** VStreamRows on this tablet (the target), in-process. */
  readonly targetRows: (
    request: VStreamRowsRequest,
    signal: AbortSignal,
  ) => AsyncIterable<VStreamRowsResponse>;
  readonly logger: Logger;
}

/** Vitess's defaults: sources read from rdonly, then replica, then primary tablets; 30 s to synchronise. */
const DEFAULT_TABLET_TYPES = "rdonly,replica,primary";
const DEFAULT_SYNC_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_SAMPLE_ROWS = 10;
/** Progress is saved after this many rows, or this long, whichever comes first. */
const SAVE_EVERY_ROWS = 10_000;
const SAVE_EVERY_MS = 1_000;

function syncTimeoutMs(options: VDiffOptions): number {
  const seconds = options.coreOptions?.timeoutSeconds ?? 0;
  return seconds > 0 ? seconds * 1000 : DEFAULT_SYNC_TIMEOUT_MS;
}

function maxRows(options: VDiffOptions): number {
  const text = options.coreOptions?.maxRows ?? "";
  const n = Number(text);
  return text === "" || !Number.isFinite(n) || n <= 0 ? Number.POSITIVE_INFINITY : n;
}

/**
 * The source snapshot of one stream's shard: VStreamRows on a source tablet (from the last key compared), at a
 * position at least where the stream stopped. A lagging replica's snapshot would be older than what the target
 * already holds, so such a snapshot is dropped and taken again until the deadline.
 */
async function openSourceSnapshot(
  deps: DifferDeps,
  stream: StreamRecord,
  request: VStreamRowsRequest,
  options: VDiffOptions,
  deadline: AbortSignal,
): Promise<RowStream> {
  const source = stream.source;
  const cells = (options.pickerOptions?.sourceCell ?? "")
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "");
  const tabletTypes = parseTabletTypes(options.pickerOptions?.tabletTypes || DEFAULT_TABLET_TYPES);
  for (;;) {
    const streamer = await deps.picker.pick({
      keyspace: source.keyspace,
      shard: source.shard,
      cells,
      tabletTypes,
      avoid: new Set(),
    });
    const abort = new AbortController();
    const what = `source ${source.keyspace}/${source.shard} (tablet ${streamer.alias})`;
    const rows = await openRowStream(streamer.vstreamRows(request, abort.signal), abort, what, () =>
      streamer.close(),
    );
    if (stream.pos === "" || positionAtLeast(parsePosition(rows.gtid), parsePosition(stream.pos)))
      return rows;
    rows.close();
    if (deadline.aborted) {
      throw new VtError(
        Code.DEADLINE_EXCEEDED,
        `${what} is at ${rows.gtid}, behind the stream's position ${stream.pos}`,
      );
    }
    await sleep(200);
  }
}

function keyOf(row: RawRow, positions: readonly number[]): RawRow {
  return positions.map((i) => row[i] ?? null);
}

/**
 * Diffs one table of a VDiff on this target shard (Vitess's tableDiffer): stops the workflow's streams, opens
 * a snapshot on a source tablet of every source shard, lets each stream run exactly to its snapshot's position,
 * opens the target's snapshot, restarts the streams, then merges the rows of both sides in key order. Progress
 * (rows, last key, report) is saved as it goes, so a resumed diff continues after the last key compared.
 * Returns the table's report.
 */
export async function diffTable(
  deps: DifferDeps,
  db: TargetDb,
  vdiff: VDiffRecord,
  table: VDiffTableRecord,
  signal: AbortSignal,
): Promise<DiffReport> {
  const options = vdiff.options;
  const streams = await pauseStreams(deps.vreplication, db, vdiff.dbName, vdiff.workflow);
  const sources: RowStream[] = [];
  let target: RowStream | undefined;
  const lastpk = table.lastpk === undefined ? undefined : lastPkQueryResult(table.lastpk);
  try {
    const timeoutMs = syncTimeoutMs(options);
    try {
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
      for (const stream of streams) {
        const route = tableRoutes(stream.source, [table.table]).find((r) => r.target === table.table);
        if (route === undefined) {
          throw new VtError(
            Code.INVALID_ARGUMENT,
            `table ${table.table} is not part of workflow ${vdiff.workflow}`,
          );
        }
        const request = VStreamRowsRequestCodec.fromPartial({ query: route.query, lastpk });
        sources.push(await openSourceSnapshot(deps, stream, request, options, deadline));
      }
      await syncStreams(
        deps.vreplication,
        db,
        streams.map((stream, i) => ({ id: stream.id, position: (sources[i] as RowStream).gtid })),
        timeoutMs,
        signal,
      );
      const first = sources[0] as RowStream;
      const columns = first.fields.map((field) => quoteIdentifier(field.name)).join(", ");
      const abort = new AbortController();
      const request = VStreamRowsRequestCodec.fromPartial({
        query: `select ${columns} from ${quoteIdentifier(table.table)}`,
        lastpk,
      });
      target = await openRowStream(
        deps.targetRows(request, abort.signal),
        abort,
        `target ${vdiff.keyspace}/${vdiff.shard}`,
      );
    } finally {
      await restartStreams(deps.vreplication, streams);
    }
    return await compareTable(db, vdiff, table, sources, target, signal);
  } finally {
    for (const source of sources) source.close();
    target?.close();
  }
}

async function compareTable(
  db: TargetDb,
  vdiff: VDiffRecord,
  table: VDiffTableRecord,
  sources: readonly RowStream[],
  target: RowStream,
  signal: AbortSignal,
): Promise<DiffReport> {
  const first = sources[0] as RowStream;
  const columns = first.fields.map((field) => field.name);
  const pkPositions = first.pkFields.map((pk) => {
    const i = columns.findIndex((name) => name.toLowerCase() === pk.name.toLowerCase());
    if (i < 0)
      throw new VtError(
        Code.INTERNAL,
        `key column ${pk.name} of ${table.table} is not among the streamed columns`,
      );
    return i;
  });
  if (target.fields.length !== columns.length) {
    throw new VtError(
      Code.FAILED_PRECONDITION,
      `table ${table.table}: the target has ${target.fields.length} columns, the source ${columns.length}`,
    );
  }
  const compareKeys = keyComparator(first.fields, pkPositions);
  const report = table.report;
  const where = `vdiff_id = ${vdiff.id} and table_name = ${quoteString(table.table)}`;
  let key: RawRow | undefined;
  let unsaved = 0;
  let savedAt = Date.now();
  const save = async () => {
    const pk: LastPk | undefined =
      key === undefined
        ? table.lastpk
        : {
            fields: first.pkFields.map((f) => ({ name: f.name, type: f.type })),
            values: keyOf(key, pkPositions),
          };
    await db.execute(
      `update _vt.vdiff_table set rows_compared = ${report.ProcessedRows}, mismatch = ${hasMismatch(report) ? 1 : 0}, ` +
        `lastpk = ${pk === undefined ? "NULL" : quoteString(encodeLastPk(pk))}, report = ${quoteString(JSON.stringify(report))} where ${where}`,
    );
    await db.execute(`update _vt.vdiff set liveness_timestamp = now() where id = ${vdiff.id}`);
    unsaved = 0;
    savedAt = Date.now();
  };
  const reportOptions = vdiff.options.reportOptions;
  const finished = await diffRows(
    mergedCursor(
      sources.map((s) => batchCursor(s.batches)),
      compareKeys,
    ),
    batchCursor(target.batches),
    report,
    {
      columns,
      pkPositions,
      compareKeys,
      maxRows: maxRows(vdiff.options),
      maxSampleRows: reportOptions?.maxSampleRows || DEFAULT_MAX_SAMPLE_ROWS,
      onlyPks: reportOptions?.onlyPks ?? false,
      truncateAt: reportOptions?.rowDiffColumnTruncateAt ?? 0,
      signal,
      onRow: async (row) => {
        key = row;
        unsaved++;
        if (unsaved >= SAVE_EVERY_ROWS || Date.now() - savedAt >= SAVE_EVERY_MS) await save();
      },
    },
  );
  await save();
  if (finished || !signal.aborted) {
    await db.execute(
      `update _vt.vdiff_table set state = ${quoteString(VDiffState.Completed)} where ${where}`,
    );
  }
  return report;
}
