import { rowsAsStrings } from "../../../libs/mysql/query-result.js";
import { quoteString } from "../../../libs/mysql/sql-literal.js";
import { VDiffOptions } from "../../../libs/proto/tabletmanagerdata.js";
import { type DiffReport, parseReport, type VDiffStateName } from "../../../libs/vdiff/index.js";
import { decodeLastPk, type LastPk } from "../vreplication/copy-state.js";
import type { TargetDb } from "../vreplication/stream-record.js";

/** One `_vt.vdiff` row: a VDiff of one target shard. */
export interface VDiffRecord {
  readonly id: number;
  readonly uuid: string;
  readonly workflow: string;
  readonly keyspace: string;
  readonly shard: string;
  readonly dbName: string;
  readonly state: string;
  readonly options: VDiffOptions;
  readonly lastError: string;
}

/** One `_vt.vdiff_table` row: a table's progress. */
export interface VDiffTableRecord {
  readonly table: string;
  readonly state: string;
  readonly lastpk: LastPk | undefined;
  readonly report: DiffReport;
}

const VDIFF_COLUMNS = "id, vdiff_uuid, workflow, keyspace, shard, db_name, state, options, last_error";

function parseOptions(text: string | null | undefined): VDiffOptions {
  if (!text) return VDiffOptions.fromPartial({});
  return VDiffOptions.fromJSON(JSON.parse(text));
}

export function optionsJson(options: VDiffOptions): string {
  return JSON.stringify(VDiffOptions.toJSON(options));
}

/** The `_vt.vdiff` rows `where` selects (a condition on its columns), newest first. */
export async function readVDiffs(db: TargetDb, where: string): Promise<VDiffRecord[]> {
  const result = await db.execute(`select ${VDIFF_COLUMNS} from _vt.vdiff where ${where} order by id desc`);
  return rowsAsStrings(result).map((row) => ({
    id: Number(row[0]),
    uuid: row[1] ?? "",
    workflow: row[2] ?? "",
    keyspace: row[3] ?? "",
    shard: row[4] ?? "",
    dbName: row[5] ?? "",
    state: row[6] ?? "",
    options: parseOptions(row[7]),
    lastError: row[8] ?? "",
  }));
}

/** The condition selecting a workflow's VDiffs on this tablet's database. */
export function workflowWhere(dbName: string, keyspace: string, workflow: string): string {
  return `db_name = ${quoteString(dbName)} and keyspace = ${quoteString(keyspace)} and workflow = ${quoteString(workflow)}`;
}

export async function readTables(db: TargetDb, id: number): Promise<VDiffTableRecord[]> {
  const result = await db.execute(
    `select table_name, state, lastpk, report from _vt.vdiff_table where vdiff_id = ${id} order by table_name`,
  );
  return rowsAsStrings(result).map((row) => {
    const table = row[0] ?? "";
    return {
      table,
      state: row[1] ?? "",
      lastpk: row[2] ? decodeLastPk(row[2]) : undefined,
      report: parseReport(table, row[3]),
    };
  });
}

/** Vitess keeps last_error within its column's 512 bytes. */
function clip(message: string): string {
  return message.length > 500 ? `${message.slice(0, 500)}...` : message;
}

export async function setVDiffState(
  db: TargetDb,
  id: number,
  state: VDiffStateName,
  extra = "",
  lastError = "",
): Promise<void> {
  await db.execute(
    `update _vt.vdiff set state = ${quoteString(state)}, last_error = ${quoteString(clip(lastError))}${extra} where id = ${id}`,
  );
  await insertVDiffLog(db, id, `State changed to ${state}${lastError ? `: ${clip(lastError)}` : ""}`);
}

export async function setTableState(
  db: TargetDb,
  id: number,
  table: string,
  state: VDiffStateName,
): Promise<void> {
  await db.execute(
    `update _vt.vdiff_table set state = ${quoteString(state)} where vdiff_id = ${id} and table_name = ${quoteString(table)}`,
  );
}

export async function insertVDiffLog(db: TargetDb, id: number, message: string): Promise<void> {
  await db.execute(`insert into _vt.vdiff_log (vdiff_id, message) values (${id}, ${quoteString(message)})`);
}

/** Back to pending, every table continuing after its last key (resume, auto-retry); started_at starts again. */
export async function reschedule(
  db: TargetDb,
  id: number,
  options: VDiffOptions,
  why: string,
): Promise<void> {
  await db.execute(`update _vt.vdiff_table set state = 'pending' where vdiff_id = ${id}`);
  await db.execute(
    `update _vt.vdiff set state = 'pending', options = ${quoteString(optionsJson(options))}, ` +
      `started_at = NULL, completed_at = NULL, last_error = '' where id = ${id}`,
  );
  await insertVDiffLog(db, id, `State changed to pending (${why})`);
}
