import type { MoveTablesCompleteRequest, MoveTablesCompleteResponse } from "../../proto/vtctldata.js";
import {
  getRoutingRules,
  getVSchema,
  isTopoError,
  lockKeyspace,
  saveRoutingRules,
  saveVSchema,
  TopoErrorCode,
} from "../../topo/index.js";
import { failedPrecondition } from "../../vterrors/index.js";
import { requireName } from "../common.js";
import type { VtctlEnv } from "../env.js";
import { rebuildSrvVSchema } from "../srv-vschema.js";
import { deleteArtifacts } from "./artifacts.js";
import { setDeniedTables } from "./denied-tables.js";
import { loadWorkflow, reverseWorkflowName, shardPrimaries, type WorkflowInfo } from "./load.js";
import { MIRROR_TYPES, setWorkflowMirrorRules } from "./mirror-rules.js";
import { removeTableRules, ruleList, ruleMap } from "./routing-rules.js";
import { type TrafficState, trafficState } from "./state.js";
import { TabletOps } from "./tablet-ops.js";

/** The step still missing before `complete` may run, or undefined when all traffic is switched. */
export function missingSwitch(state: TrafficState): string | undefined {
  const reads = [...(state.rdonlySwitched ? [] : ["rdonly"]), ...(state.replicaSwitched ? [] : ["replica"])];
  if (reads.length > 0) {
    return `reads have not been switched for tablet types ${reads.join(",")}: run SwitchTraffic --tablet-types ${reads.join(",")} first`;
  }
  if (!state.writesSwitched)
    return "writes have not been switched: run SwitchTraffic --tablet-types primary first";
  return undefined;
}

function describe(info: WorkflowInfo, request: MoveTablesCompleteRequest): string[] {
  const tables = info.tables.join(",");
  return [
    `Lock keyspace ${info.sourceKeyspace}`,
    `Lock keyspace ${info.targetKeyspace}`,
    request.keepData
      ? `Keep tables [${tables}] in keyspace ${info.sourceKeyspace}`
      : request.renameTables
        ? `Rename tables [${tables}] in keyspace ${info.sourceKeyspace} to _<table>_old`
        : `Drop tables [${tables}] in keyspace ${info.sourceKeyspace}`,
    `Denied tables [${tables}] will be removed from keyspace ${info.sourceKeyspace}`,
    `Delete reverse vreplication workflow ${reverseWorkflowName(info.name)} in keyspace ${info.sourceKeyspace}`,
    `Delete vreplication workflow ${info.name} in keyspace ${info.targetKeyspace}`,
    ...(request.keepRoutingRules ? [] : [`Routing rules for tables [${tables}] will be deleted`]),
    `Unlock keyspace ${info.targetKeyspace}`,
    `Unlock keyspace ${info.sourceKeyspace}`,
  ];
}

/**
 * MoveTables complete (Vitess's dropSources): refused until every read type and writes are switched, naming
 * the missing step. Then drops (or renames, or keeps) the source tables and takes them out of the source
 * VSchema, removes the denied tables and the routing rules, and deletes both workflows.
 */
export async function moveTablesComplete(
  env: VtctlEnv,
  request: MoveTablesCompleteRequest,
): Promise<MoveTablesCompleteResponse> {
  const keyspace = requireName("keyspace", request.targetKeyspace);
  const info = await loadWorkflow(env, keyspace, request.workflow);
  const state = trafficState(ruleMap(await getRoutingRules(env.ts)), info.tables, keyspace);
  const missing = missingSwitch(state);
  if (missing) throw failedPrecondition(`cannot complete workflow ${keyspace}.${info.name}: ${missing}`);
  if (request.dryRun) {
    return {
      summary: `Complete dry run results for workflow ${keyspace}.${info.name}`,
      dryRunResults: describe(info, request),
    };
  }
  const ops = new TabletOps(env);
  await lockKeyspace(env.ts, info.sourceKeyspace, "MoveTablesComplete", () =>
    lockKeyspace(env.ts, keyspace, "MoveTablesComplete", async () => {
      const sources = await shardPrimaries(env, info.sourceKeyspace);
      const targets = await shardPrimaries(env, keyspace);
      if (!request.keepData) {
        for (const { primary } of sources) {
          if (request.renameTables) await ops.renameTables(primary, info.tables);
          else await ops.dropTables(primary, info.tables);
        }
        await removeFromVSchema(env, info.sourceKeyspace, info.tables);
      }
      for (const { shard } of sources)
        await setDeniedTables(env, info.sourceKeyspace, shard, info.tables, false);
      for (const { shard } of targets) await setDeniedTables(env, keyspace, shard, info.tables, false);
      await Promise.all([...sources, ...targets].map(({ primary }) => ops.refreshState(primary)));
      const reverse = reverseWorkflowName(info.name);
      for (const { primary } of sources) await ops.deleteWorkflow(primary, reverse);
      for (const { primary } of targets) await ops.deleteWorkflow(primary, info.name);
      if (!request.keepRoutingRules) {
        const rules = ruleMap(await getRoutingRules(env.ts));
        removeTableRules(rules, info.tables, [info.sourceKeyspace, keyspace]);
        await saveRoutingRules(env.ts, ruleList(rules));
      }
      await setWorkflowMirrorRules(env, info, MIRROR_TYPES, 0);
      await rebuildSrvVSchema(env.ts, []);
      await deleteArtifacts(env.ts, keyspace, info.name);
    }),
  );
  return {
    summary: `Successfully completed the ${info.name} workflow in the ${keyspace} keyspace`,
    dryRunResults: [],
  };
}

async function removeFromVSchema(env: VtctlEnv, keyspace: string, tables: readonly string[]): Promise<void> {
  try {
    const vschema = await getVSchema(env.ts, keyspace);
    if (!tables.some((t) => vschema.tables[t])) return;
    for (const table of tables) delete vschema.tables[table];
    await saveVSchema(env.ts, keyspace, vschema);
  } catch (err) {
    if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
  }
}
