import {
  getRoutingRules,
  getVSchema,
  isTopoError,
  saveRoutingRules,
  saveVSchema,
  TopoErrorCode,
} from "../../topo/index.js";
import type { VtctlEnv } from "../env.js";
import { rebuildSrvVSchema } from "../srv-vschema.js";
import type { WorkflowArtifacts } from "./artifacts.js";
import { shardPrimaries } from "./load.js";
import { MIRROR_TYPES, setWorkflowMirrorRules } from "./mirror-rules.js";
import { ruleList, ruleMap } from "./routing-rules.js";
import { TabletOps } from "./tablet-ops.js";

export interface UndoOptions {
  /** Leave the tables the workflow created on the target (cancel --keep-data). */
  keepData: boolean;
  /** Leave the routing rules (--keep-routing-rules). */
  keepRoutingRules?: boolean;
}

/**
 * Removes what a workflow recorded as its own, and only that: its streams on the target shards, the tables it
 * created there, the tables it added to the target VSchema, and its routing rules; then rebuilds the SrvVSchema.
 */
export async function undoArtifacts(
  env: VtctlEnv,
  artifacts: WorkflowArtifacts,
  options: UndoOptions,
): Promise<void> {
  const ops = new TabletOps(env);
  const targets = await shardPrimaries(env, artifacts.targetKeyspace);
  for (const { shard, primary } of targets) {
    if (artifacts.streamShards.includes(shard)) await ops.deleteWorkflow(primary, artifacts.workflow);
  }
  if (!options.keepData) {
    for (const { shard, primary } of targets)
      await ops.dropTables(primary, artifacts.createdTables[shard] ?? []);
  }
  if (artifacts.vschemaTables.length > 0) {
    try {
      const vschema = await getVSchema(env.ts, artifacts.targetKeyspace);
      for (const table of artifacts.vschemaTables) delete vschema.tables[table];
      await saveVSchema(env.ts, artifacts.targetKeyspace, vschema);
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
    }
  }
  if (!options.keepRoutingRules && artifacts.routingRules.length > 0) {
    const rules = ruleMap(await getRoutingRules(env.ts));
    for (const from of artifacts.routingRules) rules.delete(from);
    await saveRoutingRules(env.ts, ruleList(rules));
  }
  await setWorkflowMirrorRules(env, artifacts, MIRROR_TYPES, 0);
  await rebuildSrvVSchema(env.ts, []);
}
