import { requireName } from "../common.js";
import type { VtctldHandlers, VtctlEnv } from "../env.js";
import { workflowDelete } from "./cancel.js";
import { moveTablesComplete } from "./complete.js";
import { CopyRateTracker } from "./copy-rate.js";
import { moveTablesCreate } from "./create.js";
import { loadWorkflow, shardPrimaries } from "./load.js";
import { workflowMirrorTraffic } from "./mirror-traffic.js";
import { getWorkflows } from "./show.js";
import { workflowStatus } from "./status.js";
import { workflowSwitchTraffic } from "./switch-traffic.js";
import { workflowUpdate } from "./update.js";

type WorkflowHandlers = Pick<
  VtctldHandlers,
  | "moveTablesCreate"
  | "moveTablesComplete"
  | "getWorkflows"
  | "workflowDelete"
  | "workflowStatus"
  | "workflowSwitchTraffic"
  | "workflowMirrorTraffic"
  | "workflowUpdate"
>;

/** The VReplication workflow RPCs: MoveTables create/complete, GetWorkflows, WorkflowStatus/SwitchTraffic/MirrorTraffic/Update/Delete. */
export function workflowHandlers(env: VtctlEnv): WorkflowHandlers {
  const rates = new CopyRateTracker();
  return {
    moveTablesCreate: (request) => moveTablesCreate(env, request),
    moveTablesComplete: (request) => moveTablesComplete(env, request),
    getWorkflows: (request) => getWorkflows(env, request),
    workflowDelete: (request) => workflowDelete(env, request),
    async workflowStatus(request) {
      const info = await loadWorkflow(env, requireName("keyspace", request.keyspace), request.workflow);
      const sources = await shardPrimaries(env, info.sourceKeyspace).catch(() => []);
      return workflowStatus(env, info, sources[0]?.primary, rates);
    },
    workflowSwitchTraffic: (request) => workflowSwitchTraffic(env, request),
    workflowMirrorTraffic: (request) => workflowMirrorTraffic(env, request),
    workflowUpdate: (request) => workflowUpdate(env, request),
  };
}
