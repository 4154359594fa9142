import type { WorkflowUpdateRequest, WorkflowUpdateResponse } from "../../proto/vtctldata.js";
import { invalidArgument, notFound } from "../../vterrors/index.js";
import { requireName } from "../common.js";
import type { VtctlEnv } from "../env.js";
import { readWorkflowStreams } from "./load.js";

/** WorkflowUpdate (Workflow start/stop/update, MoveTables start/stop): the request sent to every primary with the workflow. */
export async function workflowUpdate(
  env: VtctlEnv,
  request: WorkflowUpdateRequest,
): Promise<WorkflowUpdateResponse> {
  const keyspace = requireName("keyspace", request.keyspace);
  const tabletRequest = request.tabletRequest;
  if (!tabletRequest) throw invalidArgument("tablet_request is required");
  const targets = await readWorkflowStreams(env, keyspace, tabletRequest.workflow);
  if (targets.length === 0)
    throw notFound(`workflow ${tabletRequest.workflow} not found in keyspace ${keyspace}`);
  const details = await Promise.all(
    targets.map(async ({ primary }) => {
      const { result } = await env.tmc
        .forTablet(primary)
        .updateVReplicationWorkflow(tabletRequest, { timeoutMs: env.remoteOperationTimeoutMs });
      return { tablet: primary.alias, changed: Number(result?.rowsAffected ?? 0) > 0 };
    }),
  );
  return {
    summary: `Successfully updated the ${tabletRequest.workflow} workflow on (${targets.length}) target primary tablets in the ${keyspace} keyspace`,
    details,
  };
}
