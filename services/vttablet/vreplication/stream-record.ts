import { rowsAsStrings } from "../../../libs/mysql/query-result.js";
import { quoteString } from "../../../libs/mysql/sql-literal.js";
import type { BinlogSource } from "../../../libs/proto/binlogdata.js";
import type { QueryResult } from "../../../libs/proto/query.js";
import { binlogSourceFromText } from "./binlog-source-text.js";

/** What the engine needs of a target connection: one statement at a time, MySQL errors as VtErrors. */
export interface TargetDb {
  execute(sql: string): Promise<QueryResult>;
}

/** The state names stored in `_vt.vreplication.state` (Vitess's binlogdata.VReplicationWorkflowState). */
export const StreamState = {
  Init: "Init",
  Copying: "Copying",
  Running: "Running",
  Stopped: "Stopped",
  Error: "Error",
} as const;
export type StreamStateName = (typeof StreamState)[keyof typeof StreamState];

/** One row of `_vt.vreplication`. */
export interface StreamRecord {
  id: number;
  workflow: string;
  source: BinlogSource;
  pos: string;
  stopPos: string;
  maxTps: number;
  maxReplicationLag: number;
  cell: string;
  tabletTypes: string;
  timeUpdated: number;
  transactionTimestamp: number;
  state: string;
  message: string;
  dbName: string;
  rowsCopied: number;
  tags: string;
  timeHeartbeat: number;
  timeThrottled: number;
  componentThrottled: string;
  workflowType: number;
  workflowSubType: number;
  deferSecondaryKeys: boolean;
}

export const STREAM_COLUMNS =
  "id, workflow, source, pos, stop_pos, max_tps, max_replication_lag, cell, tablet_types, time_updated, " +
  "transaction_timestamp, state, message, db_name, rows_copied, tags, time_heartbeat, time_throttled, " +
  "component_throttled, workflow_type, workflow_sub_type, defer_secondary_keys";

/** The rows of a `select ${STREAM_COLUMNS} from _vt.vreplication ...` as records. */
export function streamRecords(result: QueryResult): StreamRecord[] {
  return rowsAsStrings(result).map((row) => {
    const text = (i: number) => row[i] ?? "";
    // int64 columns hold Vitess's "no limit" 9223372036854775807: kept within what a number carries exactly.
    const num = (i: number) => Math.min(Number(row[i] ?? 0), Number.MAX_SAFE_INTEGER);
    return {
      id: num(0),
      workflow: text(1),
      source: binlogSourceFromText(text(2)),
      pos: text(3),
      stopPos: text(4),
      maxTps: num(5),
      maxReplicationLag: num(6),
      cell: text(7),
      tabletTypes: text(8),
      timeUpdated: num(9),
      transactionTimestamp: num(10),
      state: text(11),
      message: text(12),
      dbName: text(13),
      rowsCopied: num(14),
      tags: text(15),
      timeHeartbeat: num(16),
      timeThrottled: num(17),
      componentThrottled: text(18),
      workflowType: num(19),
      workflowSubType: num(20),
      deferSecondaryKeys: text(21) === "1",
    };
  });
}

export async function readStream(db: TargetDb, id: number): Promise<StreamRecord | undefined> {
  const result = await db.execute(`select ${STREAM_COLUMNS} from _vt.vreplication where id = ${id}`);
  return streamRecords(result)[0];
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Vitess keeps messages under the column's 1000 bytes. */
export function clipMessage(message: string): string {
  return message.length > 950 ? `${message.slice(0, 950)}...` : message;
}

export function updateStateSql(id: number, state: StreamStateName, message: string): string {
  return (
    `update _vt.vreplication set state = ${quoteString(state)}, message = ${quoteString(clipMessage(message))}, ` +
    `time_updated = ${nowSeconds()} where id = ${id}`
  );
}

/** A `_vt.vreplication_log` row: the same type/state/message as the last one bumps its count (Vitess). */
export async function insertLog(
  db: TargetDb,
  id: number,
  type: string,
  state: string,
  message: string,
): Promise<void> {
  const last = rowsAsStrings(
    await db.execute(
      `select id, type, state, message from _vt.vreplication_log where vrepl_id = ${id} order by id desc limit 1`,
    ),
  )[0];
  if (last !== undefined && last[1] === type && last[2] === state && last[3] === message) {
    await db.execute(`update _vt.vreplication_log set count = count + 1 where id = ${last[0]}`);
    return;
  }
  await db.execute(
    "insert into _vt.vreplication_log (vrepl_id, type, state, message) values " +
      `(${id}, ${quoteString(type)}, ${quoteString(state)}, ${quoteString(message)})`,
  );
}
