import { rowsAsStrings } from "../../mysql/query-result.js";
import {
  VReplicationWorkflowState,
  vReplicationWorkflowSubTypeToJSON,
  vReplicationWorkflowTypeToJSON,
} from "../../proto/binlogdata.js";
import type { ReadVReplicationWorkflowResponse } from "../../proto/tabletmanagerdata.js";
import type {
  GetWorkflowsRequest,
  GetWorkflowsResponse,
  Workflow,
  Workflow_Stream_Log,
} from "../../proto/vtctldata.js";
import { getShard, tabletAliasString } from "../../topo/index.js";
import { requireName, tabletDbName } from "../common.js";
import type { VtctlEnv } from "../env.js";
import { type ShardPrimary, shardPrimaries } from "./load.js";
import { stateName, streamLagSeconds } from "./status.js";

const time = (seconds: number) => ({ seconds, nanoseconds: 0 });

async function readLogs(
  env: VtctlEnv,
  primary: ShardPrimary["primary"],
  id: number,
): Promise<Workflow_Stream_Log[]> {
  const { result } = await env.tmc.forTablet(primary).vReplicationExec(
    {
      query:
        "select id, vrepl_id, type, state, unix_timestamp(created_at), unix_timestamp(updated_at), message, count " +
        `from _vt.vreplication_log where vrepl_id = ${id} order by id`,
    },
    { timeoutMs: env.remoteOperationTimeoutMs },
  );
  return (result ? rowsAsStrings(result) : []).map((row) => ({
    id: Number(row[0]),
    streamId: Number(row[1]),
    type: row[2] ?? "",
    state: row[3] ?? "",
    createdAt: time(Math.floor(Number(row[4] ?? 0))),
    updatedAt: time(Math.floor(Number(row[5] ?? 0))),
    message: row[6] ?? "",
    count: Number(row[7] ?? 0),
  }));
}

/**
 * GetWorkflows (Workflow show/list, MoveTables show): every workflow stored on the keyspace's primaries, as
 * Vitess shows it: source and target, streams per "<shard>/<primary alias>" with their binlog source, position,
 * state and (with include_logs) logs, the target shard's tablet controls, and the lags.
 */
export async function getWorkflows(
  env: VtctlEnv,
  request: GetWorkflowsRequest,
): Promise<GetWorkflowsResponse> {
  const keyspace = requireName("keyspace", request.keyspace);
  const primaries = await shardPrimaries(env, keyspace);
  const byName = new Map<string, { primary: ShardPrimary; workflow: ReadVReplicationWorkflowResponse }[]>();
  for (const primary of primaries) {
    if (request.shards.length > 0 && !request.shards.includes(primary.shard)) continue;
    const { workflows } = await env.tmc.forTablet(primary.primary).readVReplicationWorkflows(
      {
        includeIds: [],
        includeWorkflows: request.workflow === "" ? [] : [request.workflow],
        includeStates: [],
        excludeWorkflows: [],
        excludeStates: [],
        excludeFrozen: false,
      },
      { timeoutMs: env.remoteOperationTimeoutMs },
    );
    for (const workflow of workflows) {
      const list = byName.get(workflow.workflow) ?? [];
      list.push({ primary, workflow });
      byName.set(workflow.workflow, list);
    }
  }
  const names = [...byName.keys()].sort();
  if (request.nameOnly) return { workflows: names.map((name) => ({ name }) as Workflow) };
  const nowS = Math.floor(Date.now() / 1000);
  const workflows: Workflow[] = [];
  for (const name of names) {
    const parts = byName.get(name) ?? [];
    if (
      request.activeOnly &&
      parts.every((p) => p.workflow.streams.every((s) => s.state === VReplicationWorkflowState.Stopped))
    )
      continue;
    const sourceShards = new Set<string>();
    let sourceKeyspace = "";
    let maxLag = 0;
    const shardStreams: Workflow["shardStreams"] = {};
    for (const { primary, workflow } of parts) {
      const shardRecord = (await getShard(env.ts, keyspace, primary.shard)).shard;
      const streams = [];
      for (const stream of workflow.streams) {
        if (stream.bls) {
          sourceKeyspace = stream.bls.keyspace;
          sourceShards.add(stream.bls.shard);
        }
        maxLag = Math.max(maxLag, streamLagSeconds(stream, nowS));
        streams.push({
          id: stream.id,
          shard: primary.shard,
          tablet: primary.primary.alias,
          binlogSource: stream.bls,
          position: stream.pos,
          stopPosition: stream.stopPos,
          state: stateName(stream.state),
          dbName: workflow.dbName || tabletDbName(primary.primary),
          transactionTimestamp: stream.transactionTimestamp,
          timeUpdated: stream.timeUpdated,
          message: stream.message,
          copyStates: [],
          logs: request.includeLogs ? await readLogs(env, primary.primary, stream.id) : [],
          logFetchError: "",
          tags: workflow.tags === "" ? [] : workflow.tags.split(","),
          rowsCopied: stream.rowsCopied,
          throttlerStatus: {
            componentThrottled: stream.componentThrottled,
            timeThrottled: stream.timeThrottled,
          },
          tabletTypes: workflow.tabletTypes,
          tabletSelectionPreference: workflow.tabletSelectionPreference,
          cells: workflow.cells === "" ? [] : workflow.cells.split(","),
        });
      }
      const alias = primary.primary.alias ? tabletAliasString(primary.primary.alias) : "";
      shardStreams[`${primary.shard}/${alias}`] = {
        streams,
        tabletControls: shardRecord.tabletControls,
        isPrimaryServing: shardRecord.isPrimaryServing,
      };
    }
    const first = parts[0]?.workflow;
    workflows.push({
      name,
      source: { keyspace: sourceKeyspace, shards: [...sourceShards].sort() },
      target: { keyspace, shards: parts.map((p) => p.primary.shard).sort() },
      maxVReplicationLag: maxLag,
      shardStreams,
      workflowType: vReplicationWorkflowTypeToJSON(first?.workflowType ?? 0),
      workflowSubType: vReplicationWorkflowSubTypeToJSON(first?.workflowSubType ?? 0),
      maxVReplicationTransactionLag: maxLag,
      deferSecondaryKeys: first?.deferSecondaryKeys ?? false,
      options: undefined,
    });
  }
  return { workflows };
}
