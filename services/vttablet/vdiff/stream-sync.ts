import { setTimeout as sleep } from "node:timers/promises";
import { quoteString } from "../../../libs/mysql/sql-literal.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { VReplicationEngine } from "../vreplication/engine.js";
import {
  readStream,
  STREAM_COLUMNS,
  type StreamRecord,
  StreamState,
  streamRecords,
  type TargetDb,
} from "../vreplication/stream-record.js";

/** Why a stream is stopped while a table is diffed, and while it runs to the source's snapshot position. */
export const PAUSED_MESSAGE = "for vdiff";
export const SYNC_MESSAGE = "synchronizing for vdiff";

/**
 * Whether a stopped stream was stopped by a VDiff that did not get to restart it (the tablet went down in
 * between): stopped for the diff, or stopped at the stop position the diff gave it.
 */
function pausedByVDiff(record: StreamRecord): boolean {
  if (record.state !== StreamState.Stopped) return false;
  if (record.message === PAUSED_MESSAGE || record.message === SYNC_MESSAGE) return true;
  return record.stopPos !== "" && /stop(ping)? position/i.test(record.message);
}

/**
 * Only streams that replicate can be synchronised with their sources: a workflow still copying, stopped or in
 * error is refused with the stream named.
 */
export function checkStreamsRunning(workflow: string, streams: readonly StreamRecord[]): void {
  for (const stream of streams) {
    if (stream.state !== StreamState.Running && !pausedByVDiff(stream)) {
      throw new VtError(
        Code.FAILED_PRECONDITION,
        `workflow ${workflow}: stream ${stream.id} (source ${stream.source.keyspace}/${stream.source.shard}) is ${stream.state}${stream.message ? ` (${stream.message})` : ""}; VDiff needs running streams`,
      );
    }
  }
}

function idList(streams: readonly Pick<StreamRecord, "id">[]): string {
  return streams.map((s) => s.id).join(", ");
}

/** Stops the workflow's running streams for a table diff and returns them with the positions they stopped at. */
export async function pauseStreams(
  vreplication: VReplicationEngine,
  db: TargetDb,
  dbName: string,
  workflow: string,
): Promise<StreamRecord[]> {
  const streams = streamRecords(
    await db.execute(
      `select ${STREAM_COLUMNS} from _vt.vreplication where db_name = ${quoteString(dbName)} and workflow = ${quoteString(workflow)} order by id`,
    ),
  );
  if (streams.length === 0) {
    throw new VtError(Code.NOT_FOUND, `workflow ${workflow} has no streams in ${dbName}`);
  }
  checkStreamsRunning(workflow, streams);
  await vreplication.exec(
    `update _vt.vreplication set state = 'Stopped', message = ${quoteString(PAUSED_MESSAGE)} where id in (${idList(streams)})`,
  );
  return streamRecords(
    await db.execute(
      `select ${STREAM_COLUMNS} from _vt.vreplication where id in (${idList(streams)}) order by id`,
    ),
  );
}

/**
 * Lets each stream run to its source snapshot's position and stop there (stop_pos), so the target holds exactly
 * what the source snapshot holds. Fails when a stream does not get there within `timeoutMs`.
 */
export async function syncStreams(
  vreplication: VReplicationEngine,
  db: TargetDb,
  targets: readonly { id: number; position: string }[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  for (const { id, position } of targets) {
    await vreplication.exec(
      `update _vt.vreplication set state = 'Running', stop_pos = ${quoteString(position)}, message = ${quoteString(SYNC_MESSAGE)} where id = ${id}`,
    );
  }
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  for (const { id, position } of targets) {
    await vreplication.waitForPos(id, position, deadline);
    for (;;) {
      const record = await readStream(db, id);
      if (record === undefined) throw new VtError(Code.NOT_FOUND, `vreplication stream ${id} is gone`);
      if (record.state !== StreamState.Running) break;
      if (deadline.aborted) {
        throw new VtError(
          Code.DEADLINE_EXCEEDED,
          `stream ${id} did not stop at ${position} within ${timeoutMs} ms`,
        );
      }
      await sleep(50);
    }
  }
}

/** Lets the streams replicate again (no stop position). */
export async function restartStreams(
  vreplication: VReplicationEngine,
  streams: readonly StreamRecord[],
): Promise<void> {
  if (streams.length === 0) return;
  await vreplication.exec(
    `update _vt.vreplication set state = 'Running', stop_pos = NULL, message = '' where id in (${idList(streams)})`,
  );
}
