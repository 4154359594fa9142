import { VReplicationWorkflowState } from "../../proto/binlogdata.js";
import { TabletType } from "../../proto/topodata.js";
import type { WorkflowSwitchTrafficRequest, WorkflowSwitchTrafficResponse } from "../../proto/vtctldata.js";
import { getRoutingRules, lockKeyspace } from "../../topo/index.js";
import { failedPrecondition, invalidArgument } from "../../vterrors/index.js";
import { durationMs, requireName } from "../common.js";
import type { VtctlEnv } from "../env.js";
import { rebuildSrvVSchema } from "../srv-vschema.js";
import {
  loadWorkflow,
  readWorkflowStreams,
  reverseWorkflowName,
  shardPrimaries,
  type TargetStreams,
  type WorkflowInfo,
} from "./load.js";
import { setWorkflowMirrorRules } from "./mirror-rules.js";
import { type ReadType, ruleMap } from "./routing-rules.js";
import { type TrafficState, trafficState, trafficStateString } from "./state.js";
import { transactionLagSeconds } from "./status.js";
import { describeSwitchReads, switchReads } from "./switch-reads.js";
import { describeSwitchWrites, switchWrites, type WritesPlan } from "./switch-writes.js";

export const DIRECTION_FORWARD = 0;
export const DIRECTION_BACKWARD = 1;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_LAG_MS = 30_000;

async function currentState(env: VtctlEnv, info: WorkflowInfo): Promise<TrafficState> {
  return trafficState(ruleMap(await getRoutingRules(env.ts)), info.tables, info.targetKeyspace);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Go's time.RFC822 in UTC, as Vitess stamps its dry-run results: "17 Oct 23 17:42 UTC". */
export function rfc822(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCFullYear() % 100)} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

/** Refuses when a stream is not replicating (still copying, stopped, in error) or lags beyond the allowed lag. */
function checkStreams(name: string, streams: readonly TargetStreams[], maxLagMs: number): void {
  const nowS = Math.floor(Date.now() / 1000);
  let maxLagS = 0;
  for (const target of streams) {
    for (const stream of target.workflow.streams) {
      if (stream.state !== VReplicationWorkflowState.Running) {
        const state = VReplicationWorkflowState[stream.state] ?? String(stream.state);
        const why =
          stream.state === VReplicationWorkflowState.Copying ||
          stream.state === VReplicationWorkflowState.Init
            ? "the copy phase has not finished"
            : `it is ${state}${stream.message ? ` (${stream.message})` : ""}`;
        throw failedPrecondition(
          `cannot switch traffic for workflow ${name} at this time: stream ${stream.id} on shard ${target.shard} is ${state}: ${why}`,
        );
      }
      maxLagS = Math.max(maxLagS, transactionLagSeconds(stream, nowS));
    }
  }
  if (maxLagS * 1000 > maxLagMs) {
    throw failedPrecondition(
      `cannot switch traffic for workflow ${name} at this time: replication lag ${maxLagS}s is higher than allowed lag ${formatSeconds(maxLagMs)}`,
    );
  }
}

function requestedTypes(types: readonly TabletType[]): { reads: ReadType[]; writes: boolean } {
  const all = types.length === 0 ? [TabletType.RDONLY, TabletType.REPLICA, TabletType.PRIMARY] : types;
  const reads: ReadType[] = [];
  let writes = false;
  for (const type of all) {
    if (type === TabletType.RDONLY) reads.push("rdonly");
    else if (type === TabletType.REPLICA) reads.push("replica");
    else if (type === TabletType.PRIMARY) writes = true;
    else
      throw invalidArgument(
        `tablet type ${TabletType[type] ?? type} cannot be switched: use rdonly, replica or primary`,
      );
  }
  return { reads: [...new Set(reads)], writes };
}

/**
 * WorkflowSwitchTraffic (MoveTables SwitchTraffic / ReverseTraffic): reads by routing rules per tablet type,
 * writes under both keyspace locks (see switchWrites). Forward, reads switch before writes and writes are
 * refused while any read type is still at the source; backward, writes go back first.
 */
export async function workflowSwitchTraffic(
  env: VtctlEnv,
  request: WorkflowSwitchTrafficRequest,
): Promise<WorkflowSwitchTrafficResponse> {
  const keyspace = requireName("keyspace", request.keyspace);
  const info = await loadWorkflow(env, keyspace, request.workflow);
  const backward = request.direction === DIRECTION_BACKWARD;
  const command = backward ? "ReverseTraffic" : "SwitchTraffic";
  const { reads, writes } = requestedTypes(request.tabletTypes);
  const start = await currentState(env, info);
  const readsAfter = {
    replica: reads.includes("replica") ? !backward : start.replicaSwitched,
    rdonly: reads.includes("rdonly") ? !backward : start.rdonlySwitched,
  };
  const timeoutMs = durationMs(request.timeout, DEFAULT_TIMEOUT_MS);
  const maxLagMs = durationMs(request.maxReplicationLagAllowed, DEFAULT_MAX_LAG_MS);
  const reverseName = reverseWorkflowName(info.name);

  let plan: WritesPlan | undefined;
  if (writes) {
    if (!backward && start.writesSwitched) {
      throw failedPrecondition(`writes have already been switched for workflow ${keyspace}.${info.name}`);
    }
    if (backward && !start.writesSwitched) {
      throw failedPrecondition(
        `writes have not been switched for workflow ${keyspace}.${info.name}: nothing to reverse`,
      );
    }
    if (!backward && !(readsAfter.replica && readsAfter.rdonly)) {
      throw failedPrecondition(
        `cannot switch writes for workflow ${keyspace}.${info.name} before reads: switch reads first (SwitchTraffic --tablet-types rdonly,replica)`,
      );
    }
    const sourcePrimaries = await shardPrimaries(env, info.sourceKeyspace);
    const targetPrimaries = await shardPrimaries(env, info.targetKeyspace);
    plan = backward
      ? {
          tables: info.tables,
          from: info.targetKeyspace,
          to: info.sourceKeyspace,
          fromPrimaries: targetPrimaries,
          toPrimaries: sourcePrimaries,
          streamsWorkflow: reverseName,
          streams: await readWorkflowStreams(env, info.sourceKeyspace, reverseName),
          reverseWorkflow: info.name,
          enableReverseReplication: true,
          timeoutMs,
        }
      : {
          tables: info.tables,
          from: info.sourceKeyspace,
          to: info.targetKeyspace,
          fromPrimaries: sourcePrimaries,
          toPrimaries: targetPrimaries,
          streamsWorkflow: info.name,
          streams: info.targets,
          reverseWorkflow: reverseName,
          enableReverseReplication: request.enableReverseReplication,
          timeoutMs,
        };
    if (plan.streams.length === 0) {
      throw failedPrecondition(`workflow ${plan.streamsWorkflow} has no streams to switch writes with`);
    }
    checkStreams(plan.streamsWorkflow, plan.streams, maxLagMs);
  } else if (!backward) {
    checkStreams(info.name, info.targets, maxLagMs);
  }

  if (request.dryRun) {
    const lines: string[] = [];
    if (reads.length > 0 && !backward) lines.push(...describeSwitchReads(info, reads, backward));
    if (plan) lines.push(...describeSwitchWrites(plan));
    if (reads.length > 0 && backward) lines.push(...describeSwitchReads(info, reads, backward));
    return {
      summary: `${command} dry run results for workflow ${keyspace}.${info.name} at ${rfc822(new Date())}`,
      startState: trafficStateString(start),
      currentState: trafficStateString(start),
      dryRunResults: lines,
    };
  }

  await lockKeyspace(env.ts, info.sourceKeyspace, command, () =>
    lockKeyspace(env.ts, info.targetKeyspace, command, async () => {
      if (reads.length > 0 && !backward) await switchReads(env, info, reads, false);
      if (plan) await switchWrites(env, plan);
      if (reads.length > 0 && backward) await switchReads(env, info, reads, true);
      // Mirroring a switched type would copy the target's own queries back onto it.
      if (!backward && (await setWorkflowMirrorRules(env, info, writes ? [...reads, "primary"] : reads, 0))) {
        await rebuildSrvVSchema(env.ts, []);
      }
    }),
  );
  return {
    summary: `${command} was successful for workflow ${keyspace}.${info.name}`,
    startState: trafficStateString(start),
    currentState: trafficStateString(await currentState(env, info)),
    dryRunResults: [],
  };
}
