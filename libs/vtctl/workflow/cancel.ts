import type { WorkflowDeleteRequest, WorkflowDeleteResponse } from "../../proto/vtctldata.js";
import { getRoutingRules, lockKeyspace } from "../../topo/index.js";
import { failedPrecondition, notFound } from "../../vterrors/index.js";
import { requireName } from "../common.js";
import type { VtctlEnv } from "../env.js";
import { deleteArtifacts, readArtifacts } from "./artifacts.js";
import { undoArtifacts } from "./cleanup.js";
import { readWorkflowStreams } from "./load.js";
import { ruleMap } from "./routing-rules.js";
import { TabletOps } from "./tablet-ops.js";

/**
 * WorkflowDelete (MoveTables cancel, Workflow delete): refused once writes are switched (complete or
 * ReverseTraffic instead). Removes the workflow's recorded artifacts — streams, the tables it created on the
 * target (unless keep_data), its VSchema additions and routing rules (unless keep_routing_rules) — and nothing
 * else; a workflow without a record (a reverse workflow) only loses its streams.
 */
export async function workflowDelete(
  env: VtctlEnv,
  request: WorkflowDeleteRequest,
): Promise<WorkflowDeleteResponse> {
  const keyspace = requireName("keyspace", request.keyspace);
  const name = requireName("workflow", request.workflow);
  const targets = await readWorkflowStreams(env, keyspace, name);
  if (targets.length === 0) throw notFound(`workflow ${name} not found in keyspace ${keyspace}`);
  const artifacts = await readArtifacts(env.ts, keyspace, name);
  if (artifacts) {
    const rules = ruleMap(await getRoutingRules(env.ts));
    const table = artifacts.tables[0] ?? "";
    if (rules.get(table)?.[0]?.startsWith(`${keyspace}.`)) {
      throw failedPrecondition(
        `cannot cancel workflow ${keyspace}.${name}: writes have been switched; run ReverseTraffic first, or complete it`,
      );
    }
  }
  await lockKeyspace(env.ts, keyspace, "WorkflowDelete", async () => {
    if (artifacts) {
      await undoArtifacts(env, artifacts, {
        keepData: request.keepData,
        keepRoutingRules: request.keepRoutingRules,
      });
      await deleteArtifacts(env.ts, keyspace, name);
    } else {
      const ops = new TabletOps(env);
      for (const { primary } of targets) await ops.deleteWorkflow(primary, name);
    }
  });
  return {
    summary: `Successfully cancelled the ${name} workflow in the ${keyspace} keyspace`,
    details: targets.map(({ primary }) => ({ tablet: primary.alias, deleted: true })),
  };
}
