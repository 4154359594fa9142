import { rowsAsStrings } from "../../../libs/mysql/query-result.js";
import { quoteString } from "../../../libs/mysql/sql-literal.js";
import {
  VDiffOptions,
  type VDiffRequest,
  type VDiffResponse,
} from "../../../libs/proto/tabletmanagerdata.js";
import { ALL_ARG, isUuid, LAST_ARG, VDiffAction, VDiffState } from "../../../libs/vdiff/index.js";
import { alreadyExists, invalidArgument, notFound } from "../../../libs/vterrors/index.js";
import type { StreamDb } from "../vreplication/controller.js";
import { STREAM_COLUMNS, streamRecords } from "../vreplication/stream-record.js";
import { tableRoutes } from "../vreplication/table-plan.js";
import type { VDiffEngine } from "./engine.js";
import {
  insertVDiffLog,
  optionsJson,
  readVDiffs,
  reschedule,
  type VDiffRecord,
  workflowWhere,
} from "./record.js";
import { checkStreamsRunning } from "./stream-sync.js";

/** The report of one VDiff as the show action returns it: one row per table (Vitess's summary columns). */
function summarySql(id: number): string {
  return (
    "select vd.state as vdiff_state, vd.last_error as last_error, vdt.table_name as table_name, " +
    "vd.vdiff_uuid as vdiff_uuid, vdt.state as table_state, vdt.table_rows as table_rows, " +
    "vd.started_at as started_at, vdt.rows_compared as rows_compared, vd.completed_at as completed_at, " +
    "if(vdt.mismatch = 1, 1, 0) as has_mismatch, vdt.report as report " +
    "from _vt.vdiff as vd join _vt.vdiff_table as vdt on vd.id = vdt.vdiff_id " +
    `where vd.id = ${id} order by vdt.table_name`
  );
}

function response(id: number, uuid: string, output?: VDiffResponse["output"]): VDiffResponse {
  return { id, vdiffUuid: uuid, output };
}

/**
 * The VDiff tablet manager RPC on a target primary (Vitess's vdiff action.go): create, show (last, all or a
 * UUID), stop, resume, delete. Every refusal names the workflow, the shard and what was wrong.
 */
export class VDiffActions {
  constructor(private readonly engine: VDiffEngine) {}

  private get where(): string {
    return `${this.engine.keyspace}/${this.engine.shard}`;
  }

  async perform(request: VDiffRequest): Promise<VDiffResponse> {
    if (request.workflow === "") throw invalidArgument("VDiff needs a workflow");
    const action = request.action.toLowerCase();
    return this.engine.withDb(async (db) => {
      switch (action) {
        case VDiffAction.Create:
          return this.create(db, request);
        case VDiffAction.Show:
          return this.show(db, request);
        case VDiffAction.Stop:
          return this.stop(db, request);
        case VDiffAction.Resume:
          return this.resume(db, request);
        case VDiffAction.Delete:
          return this.delete(db, request);
        default:
          throw invalidArgument(
            `unknown VDiff action "${request.action}": want create, show, stop, resume or delete`,
          );
      }
    });
  }

  private workflowWhere(request: VDiffRequest): string {
    return workflowWhere(this.engine.dbName, request.keyspace, request.workflow);
  }

  private async byUuid(db: StreamDb, request: VDiffRequest, uuid: string): Promise<VDiffRecord> {
    if (!isUuid(uuid)) throw invalidArgument(`invalid VDiff UUID "${uuid}"`);
    const [record] = await readVDiffs(
      db,
      `${this.workflowWhere(request)} and vdiff_uuid = ${quoteString(uuid)}`,
    );
    if (record === undefined) {
      throw notFound(
        `vdiff ${uuid} not found for workflow ${request.keyspace}.${request.workflow} on shard ${this.where}`,
      );
    }
    return record;
  }

  private async create(db: StreamDb, request: VDiffRequest): Promise<VDiffResponse> {
    const uuid = request.vdiffUuid || request.actionArg;
    if (!isUuid(uuid)) throw invalidArgument(`invalid VDiff UUID "${uuid}"`);
    const streams = streamRecords(
      await db.execute(
        `select ${STREAM_COLUMNS} from _vt.vreplication where db_name = ${quoteString(this.engine.dbName)} and workflow = ${quoteString(request.workflow)}`,
      ),
    );
    if (streams.length === 0) throw notFound(`workflow ${request.workflow} not found on shard ${this.where}`);
    checkStreamsRunning(request.workflow, streams);
    const existing = await readVDiffs(db, `vdiff_uuid = ${quoteString(uuid)}`);
    if (existing.length > 0) throw alreadyExists(`vdiff ${uuid} already exists on shard ${this.where}`);
    // The target's tables with their estimated row counts (the progress report's denominator).
    const estimates = new Map(
      rowsAsStrings(
        await db.execute(
          `select table_name, table_rows from information_schema.tables where table_schema = ${quoteString(this.engine.dbName)}`,
        ),
      ).map((row) => [row[0] ?? "", Number(row[1] ?? 0)]),
    );
    const targetTables = [...estimates.keys()];
    const workflowTables = [
      ...new Set(streams.flatMap((stream) => tableRoutes(stream.source, targetTables).map((r) => r.target))),
    ].sort();
    const options = request.options ?? VDiffOptions.fromPartial({});
    const wanted = (options.coreOptions?.tables ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t !== "");
    const unknown = wanted.filter((table) => !workflowTables.includes(table));
    if (unknown.length > 0) {
      throw invalidArgument(
        `table(s) not found in workflow ${request.keyspace}.${request.workflow}: ${unknown.join(", ")}`,
      );
    }
    const tables = wanted.length > 0 ? [...new Set(wanted)].sort() : workflowTables;
    await db.execute("begin");
    let id: number;
    try {
      const inserted = await db.execute(
        "insert into _vt.vdiff (keyspace, workflow, state, options, shard, db_name, vdiff_uuid) values (" +
          `${quoteString(request.keyspace)}, ${quoteString(request.workflow)}, ${quoteString(VDiffState.Pending)}, ` +
          `${quoteString(optionsJson(options))}, ${quoteString(this.engine.shard)}, ${quoteString(this.engine.dbName)}, ${quoteString(uuid)})`,
      );
      id = Number(inserted.insertId);
      for (const table of tables) {
        await db.execute(
          `insert into _vt.vdiff_table (vdiff_id, table_name, state, table_rows) values (${id}, ${quoteString(table)}, ` +
            `${quoteString(VDiffState.Pending)}, ${estimates.get(table) ?? 0})`,
        );
      }
      await db.execute("commit");
    } catch (err) {
      await db.execute("rollback").catch(() => undefined);
      throw err;
    }
    await insertVDiffLog(db, id, `VDiff created for tables ${tables.join(", ")}`);
    this.engine.wake();
    return response(id, uuid);
  }

  private async show(db: StreamDb, request: VDiffRequest): Promise<VDiffResponse> {
    const arg = request.actionArg.toLowerCase();
    if (arg === ALL_ARG) {
      const output = await db.execute(
        `select vdiff_uuid, workflow, keyspace, shard, state from _vt.vdiff where ${this.workflowWhere(request)} order by id desc`,
      );
      return response(0, "", output);
    }
    let record: VDiffRecord | undefined;
    if (arg === LAST_ARG || arg === "") {
      [record] = await readVDiffs(db, this.workflowWhere(request));
      if (record === undefined) return response(0, "");
    } else {
      record = await this.byUuid(db, request, arg);
    }
    return response(record.id, record.uuid, await db.execute(summarySql(record.id)));
  }

  private async stop(db: StreamDb, request: VDiffRequest): Promise<VDiffResponse> {
    const record = await this.byUuid(db, request, request.vdiffUuid || request.actionArg);
    if (record.state === VDiffState.Pending || record.state === VDiffState.Started) {
      // Stopped first, so the engine does not pick it up again once its run has let go.
      await this.markStopped(db, record.id);
      await this.engine.stopRunning(record.id);
    }
    return response(record.id, record.uuid);
  }

  private async markStopped(db: StreamDb, id: number): Promise<void> {
    await db.execute(
      `update _vt.vdiff_table set state = ${quoteString(VDiffState.Stopped)} where vdiff_id = ${id} and state = ${quoteString(VDiffState.Started)}`,
    );
    await db.execute(`update _vt.vdiff set state = ${quoteString(VDiffState.Stopped)} where id = ${id}`);
    await insertVDiffLog(db, id, "State changed to stopped");
  }

  private async resume(db: StreamDb, request: VDiffRequest): Promise<VDiffResponse> {
    const record = await this.byUuid(db, request, request.vdiffUuid || request.actionArg);
    if (record.state === VDiffState.Pending || record.state === VDiffState.Started) {
      if (record.options.coreOptions?.autoStart !== false) return response(record.id, record.uuid);
    }
    const options = VDiffOptions.fromPartial({
      ...record.options,
      coreOptions: { ...record.options.coreOptions, autoStart: true },
    });
    // Completed tables too: a resumed diff compares the rows added after the last key it compared.
    await reschedule(db, record.id, options, "resumed");
    this.engine.wake();
    return response(record.id, record.uuid);
  }

  private async delete(db: StreamDb, request: VDiffRequest): Promise<VDiffResponse> {
    const arg = (request.actionArg || request.vdiffUuid).toLowerCase();
    const records =
      arg === ALL_ARG
        ? await readVDiffs(db, this.workflowWhere(request))
        : [await this.byUuid(db, request, arg)];
    await this.remove(db, records);
    return response(0, arg === ALL_ARG ? "" : (records[0]?.uuid ?? ""));
  }

  /** Deletes every VDiff of a workflow whose streams are being deleted (Vitess drops them with the workflow). */
  async deleteWorkflow(workflow: string): Promise<void> {
    await this.engine.withDb(async (db) => {
      const where = `db_name = ${quoteString(this.engine.dbName)} and workflow = ${quoteString(workflow)}`;
      await this.remove(db, await readVDiffs(db, where));
    });
  }

  private async remove(db: StreamDb, records: readonly VDiffRecord[]): Promise<void> {
    for (const record of records) {
      await this.markStopped(db, record.id);
      await this.engine.stopRunning(record.id);
    }
    if (records.length === 0) return;
    const list = records.map((record) => record.id).join(", ");
    await db.execute(`delete from _vt.vdiff_table where vdiff_id in (${list})`);
    await db.execute(`delete from _vt.vdiff_log where vdiff_id in (${list})`);
    await db.execute(`delete from _vt.vdiff where id in (${list})`);
  }
}
