import { quoteString } from "../../../libs/mysql/sql-literal.js";
import {
  BinlogSource,
  VReplicationWorkflowState,
  vReplicationWorkflowStateFromJSON,
  vReplicationWorkflowStateToJSON,
} from "../../../libs/proto/binlogdata.js";
import { QueryResult } from "../../../libs/proto/query.js";
import {
  type ReadVReplicationWorkflowResponse,
  type ReadVReplicationWorkflowResponse_Stream,
  type ReadVReplicationWorkflowsRequest,
  TabletSelectionPreference,
} from "../../../libs/proto/tabletmanagerdata.js";
import { type TabletType, tabletTypeToJSON } from "../../../libs/proto/topodata.js";
import { alreadyExists, Code, invalidArgument, VtError } from "../../../libs/vterrors/index.js";
import { binlogSourceToText } from "../vreplication/binlog-source-text.js";
import type { VReplicationEngine } from "../vreplication/engine.js";
import { parseTabletTypes } from "../vreplication/source.js";
import { STREAM_COLUMNS, type StreamRecord, streamRecords } from "../vreplication/stream-record.js";
import type { TabletManagerContext, TabletManagerHandlers } from "./context.js";

/** Vitess's "no limit" for max_tps and max_replication_lag. */
const NO_LIMIT = "9223372036854775807";

function engineOf(tm: TabletManagerContext): VReplicationEngine {
  if (tm.vreplication === undefined)
    throw new VtError(Code.UNIMPLEMENTED, "this tablet runs no vreplication engine");
  return tm.vreplication;
}

function tabletTypesText(types: readonly TabletType[], preference: TabletSelectionPreference): string {
  const list = types.map((type) => tabletTypeToJSON(type).toLowerCase()).join(",");
  return preference === TabletSelectionPreference.INORDER && list !== "" ? `in_order:${list}` : list;
}

function timeOf(seconds: number) {
  return { seconds, nanoseconds: 0 };
}

function streamOf(record: StreamRecord): ReadVReplicationWorkflowResponse_Stream {
  return {
    id: record.id,
    bls: record.source,
    pos: record.pos,
    stopPos: record.stopPos,
    maxTps: record.maxTps,
    maxReplicationLag: record.maxReplicationLag,
    timeUpdated: timeOf(record.timeUpdated),
    transactionTimestamp: timeOf(record.transactionTimestamp),
    state: vReplicationWorkflowStateFromJSON(record.state),
    message: record.message,
    rowsCopied: record.rowsCopied,
    timeHeartbeat: timeOf(record.timeHeartbeat),
    timeThrottled: timeOf(record.timeThrottled),
    componentThrottled: record.componentThrottled,
  };
}

/** The streams of one workflow as ReadVReplicationWorkflow answers (empty workflow when there are none). */
function workflowOf(workflow: string, records: readonly StreamRecord[]): ReadVReplicationWorkflowResponse {
  const first = records[0];
  const typesText = first?.tabletTypes ?? "";
  return {
    workflow: first === undefined ? "" : workflow,
    cells: first?.cell ?? "",
    tabletTypes: typesText === "" ? [] : parseTabletTypes(typesText),
    tabletSelectionPreference: /^in_order:/i.test(typesText)
      ? TabletSelectionPreference.INORDER
      : TabletSelectionPreference.ANY,
    dbName: first?.dbName ?? "",
    tags: first?.tags ?? "",
    workflowType: first?.workflowType ?? 0,
    workflowSubType: first?.workflowSubType ?? 0,
    deferSecondaryKeys: first?.deferSecondaryKeys ?? false,
    streams: records.map(streamOf),
    options: "",
    configOverrides: {},
  };
}

async function readRecords(tm: TabletManagerContext, where: string): Promise<StreamRecord[]> {
  const result = await engineOf(tm).exec(
    `select ${STREAM_COLUMNS} from _vt.vreplication where db_name = ${quoteString(tm.state.dbName)}${where} order by id`,
  );
  return streamRecords(result);
}

function inList(values: readonly (string | number)[]): string {
  return `(${values.map((v) => (typeof v === "number" ? String(v) : quoteString(v))).join(", ")})`;
}

function workflowsFilter(request: ReadVReplicationWorkflowsRequest): string {
  const parts: string[] = [];
  if (request.includeIds.length > 0) parts.push(`id in ${inList(request.includeIds)}`);
  if (request.includeWorkflows.length > 0) parts.push(`workflow in ${inList(request.includeWorkflows)}`);
  const stateNames = (states: VReplicationWorkflowState[]) => states.map(vReplicationWorkflowStateToJSON);
  if (request.includeStates.length > 0) parts.push(`state in ${inList(stateNames(request.includeStates))}`);
  if (request.excludeWorkflows.length > 0) parts.push(`workflow not in ${inList(request.excludeWorkflows)}`);
  if (request.excludeStates.length > 0)
    parts.push(`state not in ${inList(stateNames(request.excludeStates))}`);
  if (request.excludeFrozen) parts.push("message != 'FROZEN'");
  return parts.map((part) => ` and ${part}`).join("");
}

/** VReplicationExec, VReplicationWaitForPos and the workflow RPCs over `_vt.vreplication`. */
export function vreplicationHandlers(tm: TabletManagerContext): TabletManagerHandlers {
  return {
    vReplicationExec: async (request) => ({ result: await engineOf(tm).exec(request.query) }),

    vReplicationWaitForPos: async (request, context) => {
      if (request.position === "") throw invalidArgument("VReplicationWaitForPos needs a position");
      await engineOf(tm).waitForPos(request.id, request.position, context.signal);
      return {};
    },

    createVReplicationWorkflow: async (request) => {
      if (request.workflow === "") throw invalidArgument("CreateVReplicationWorkflow needs a workflow name");
      if (request.binlogSource.length === 0)
        throw invalidArgument("CreateVReplicationWorkflow needs a binlog source");
      const existing = await readRecords(tm, ` and workflow = ${quoteString(request.workflow)}`);
      if (existing.length > 0) {
        throw alreadyExists(`workflow ${request.workflow} already exists in ${tm.state.dbName}`);
      }
      const state = request.autoStart ? "Init" : "Stopped";
      const now = Math.floor(Date.now() / 1000);
      const rows = request.binlogSource.map((source) => {
        const bls = BinlogSource.fromPartial({
          ...source,
          stopAfterCopy: source.stopAfterCopy || request.stopAfterCopy,
        });
        return (
          `(${quoteString(request.workflow)}, ${quoteString(binlogSourceToText(bls))}, '', ${NO_LIMIT}, ${NO_LIMIT}, ` +
          `${quoteString(request.cells.join(","))}, ` +
          `${quoteString(tabletTypesText(request.tabletTypes, request.tabletSelectionPreference))}, ${now}, 0, ` +
          `${quoteString(state)}, ${quoteString(tm.state.dbName)}, ${request.workflowType}, ${request.workflowSubType}, ` +
          `${request.deferSecondaryKeys ? 1 : 0})`
        );
      });
      const result = await engineOf(tm).exec(
        "insert into _vt.vreplication (workflow, source, pos, max_tps, max_replication_lag, cell, tablet_types, " +
          "time_updated, transaction_timestamp, state, db_name, workflow_type, workflow_sub_type, " +
          `defer_secondary_keys) values ${rows.join(", ")}`,
      );
      return { result };
    },

    readVReplicationWorkflow: async (request) => {
      const records = await readRecords(tm, ` and workflow = ${quoteString(request.workflow)}`);
      return workflowOf(request.workflow, records);
    },

    readVReplicationWorkflows: async (request) => {
      const records = await readRecords(tm, workflowsFilter(request));
      const byWorkflow = new Map<string, StreamRecord[]>();
      for (const record of records) {
        const list = byWorkflow.get(record.workflow) ?? [];
        list.push(record);
        byWorkflow.set(record.workflow, list);
      }
      return { workflows: [...byWorkflow].map(([workflow, list]) => workflowOf(workflow, list)) };
    },

    hasVReplicationWorkflows: async () => ({ has: (await readRecords(tm, "")).length > 0 }),

    updateVReplicationWorkflow: async (request) => {
      const records = await readRecords(tm, ` and workflow = ${quoteString(request.workflow)}`);
      if (records.length === 0) {
        throw new VtError(Code.NOT_FOUND, `workflow ${request.workflow} not found in ${tm.state.dbName}`);
      }
      const engine = engineOf(tm);
      let rowsAffected = 0;
      for (const record of records) {
        if (request.shards.length > 0 && !request.shards.includes(record.source.shard)) continue;
        const sets: string[] = [];
        if (request.state !== undefined) {
          if (request.state === VReplicationWorkflowState.UNRECOGNIZED)
            throw invalidArgument("unknown workflow state");
          sets.push(`state = ${quoteString(vReplicationWorkflowStateToJSON(request.state))}`);
          sets.push(`message = ${quoteString(request.message ?? "")}`);
        } else if (request.message !== undefined) {
          sets.push(`message = ${quoteString(request.message)}`);
        }
        if (request.cells.length > 0) sets.push(`cell = ${quoteString(request.cells.join(","))}`);
        if (request.tabletTypes.length > 0) {
          const preference = request.tabletSelectionPreference ?? TabletSelectionPreference.ANY;
          sets.push(`tablet_types = ${quoteString(tabletTypesText(request.tabletTypes, preference))}`);
        }
        if (request.onDdl !== undefined) {
          const source = BinlogSource.fromPartial({ ...record.source, onDdl: request.onDdl });
          sets.push(`source = ${quoteString(binlogSourceToText(source))}`);
        }
        if (sets.length === 0) continue;
        const result = await engine.exec(
          `update _vt.vreplication set ${sets.join(", ")}, time_updated = unix_timestamp() where id = ${record.id}`,
        );
        rowsAffected += Number(result.rowsAffected);
      }
      return { result: { ...emptyResult(), rowsAffected } };
    },

    deleteVReplicationWorkflow: async (request) => {
      const records = await readRecords(tm, ` and workflow = ${quoteString(request.workflow)}`);
      const engine = engineOf(tm);
      if (records.length === 0) return { result: emptyResult() };
      const ids = records.map((record) => record.id);
      await tm.vdiff?.deleteWorkflow(request.workflow);
      const result = await engine.exec(`delete from _vt.vreplication where id in ${inList(ids)}`);
      await tm.mysqld.withDba(async (conn) => {
        await conn.query(`delete from _vt.vreplication_log where vrepl_id in ${inList(ids)}`);
      });
      return { result };
    },
  };
}

function emptyResult(): QueryResult {
  return QueryResult.fromPartial({});
}
