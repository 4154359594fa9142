import type { WorkflowMirrorTrafficRequest, WorkflowMirrorTrafficResponse } from "../../proto/vtctldata.js";
import { getRoutingRules, lockKeyspace } from "../../topo/index.js";
import { failedPrecondition, invalidArgument } from "../../vterrors/index.js";
import { requireName } from "../common.js";
import type { VtctlEnv } from "../env.js";
import { rebuildSrvVSchema } from "../srv-vschema.js";
import { loadWorkflow } from "./load.js";
import { type MirrorType, mirrorTypes, setWorkflowMirrorRules } from "./mirror-rules.js";
import { ruleMap } from "./routing-rules.js";
import { type TrafficState, trafficState, trafficStateString } from "./state.js";

function switchedTypes(state: TrafficState, types: readonly MirrorType[]): MirrorType[] {
  return types.filter((type) =>
    type === "primary"
      ? state.writesSwitched
      : type === "replica"
        ? state.replicaSwitched
        : state.rdonlySwitched,
  );
}

/**
 * MoveTables MirrorTraffic: vtgate copies `percent` of the queries on the moved tables (for the given tablet
 * types) to the target keyspace and ignores the copies' results, so the target can be load-tested before
 * SwitchTraffic. Percent 0 stops mirroring. Refused for a reverse workflow and for tablet types whose traffic
 * is already switched; SwitchTraffic and complete remove the rules of the types they switch.
 */
export async function workflowMirrorTraffic(
  env: VtctlEnv,
  request: WorkflowMirrorTrafficRequest,
): Promise<WorkflowMirrorTrafficResponse> {
  const keyspace = requireName("keyspace", request.keyspace);
  if (request.workflow.endsWith("_reverse")) {
    throw invalidArgument(
      `invalid action for reverse workflow ${keyspace}.${request.workflow}: MirrorTraffic`,
    );
  }
  if (!(request.percent >= 0 && request.percent <= 100)) {
    throw invalidArgument(`--percent must be between 0 and 100, got ${request.percent}`);
  }
  const types = mirrorTypes(request.tabletTypes);
  const info = await loadWorkflow(env, keyspace, request.workflow);
  const state = trafficState(ruleMap(await getRoutingRules(env.ts)), info.tables, keyspace);
  const switched = switchedTypes(state, types);
  if (switched.length > 0) {
    throw failedPrecondition(
      `cannot mirror [${switched.join(",")}] traffic for workflow ${keyspace}.${info.name} at this time: traffic for those tablet types is switched`,
    );
  }
  await lockKeyspace(env.ts, info.sourceKeyspace, "MirrorTraffic", async () => {
    await setWorkflowMirrorRules(env, info, types, request.percent);
    await rebuildSrvVSchema(env.ts, []);
  });
  const stateString = trafficStateString(state);
  // Seed 004 prints SwitchTraffic's summary line for MirrorTraffic, as Vitess's vtctldclient does.
  return {
    summary: `SwitchTraffic was successful for workflow ${keyspace}.${info.name}`,
    startState: stateString,
    currentState: stateString,
  };
}
