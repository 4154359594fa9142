import { randomUUID } from "node:crypto";
import type { VDiffOptions, VDiffRequest, VDiffResponse } from "../../proto/tabletmanagerdata.js";
import { ALL_ARG, isUuid, LAST_ARG, VDiffAction, type VDiffActionName } from "../../vdiff/index.js";
import { invalidArgument } from "../../vterrors/index.js";
import { requireName } from "../common.js";
import type { VtctldHandlers, VtctlEnv } from "../env.js";
import { loadWorkflow, type TargetStreams } from "../workflow/load.js";
import { vdiffOptions } from "./options.js";

type VDiffHandlers = Pick<
  VtctldHandlers,
  "vDiffCreate" | "vDiffShow" | "vDiffStop" | "vDiffResume" | "vDiffDelete"
>;

interface Call {
  keyspace: string;
  workflow: string;
  action: VDiffActionName;
  arg: string;
  uuid: string;
  options?: VDiffOptions;
  /** Only these target shards (empty: all). */
  shards?: readonly string[];
}

function checkUuid(uuid: string): string {
  if (!isUuid(uuid))
    throw invalidArgument(`invalid VDiff UUID "${uuid}": want a UUID such as ${randomUUID()}`);
  return uuid.toLowerCase();
}

/**
 * The VDiff RPCs of vtctld (Vitess's VDiffCreate/Show/Stop/Resume/Delete): the workflow is looked up on the
 * primaries of its target keyspace (NOT_FOUND for an unknown keyspace or workflow), then the action is sent to
 * each of them; show gathers their answers by shard.
 */
export function vdiffHandlers(env: VtctlEnv): VDiffHandlers {
  const onTargets = async (call: Call): Promise<Map<string, VDiffResponse>> => {
    const info = await loadWorkflow(env, requireName("keyspace", call.keyspace), call.workflow);
    let targets: TargetStreams[] = info.targets;
    if (call.shards !== undefined && call.shards.length > 0) {
      const unknown = call.shards.filter((shard) => !info.targets.some((t) => t.shard === shard));
      if (unknown.length > 0) {
        throw invalidArgument(
          `shard(s) ${unknown.join(", ")} are not target shards of workflow ${call.keyspace}.${call.workflow}`,
        );
      }
      targets = info.targets.filter((t) => call.shards?.includes(t.shard));
    }
    const request: VDiffRequest = {
      keyspace: call.keyspace,
      workflow: call.workflow,
      action: call.action,
      actionArg: call.arg,
      vdiffUuid: call.uuid,
      options: call.options,
    };
    const answers = await Promise.all(
      targets.map(async (target) => {
        const response = await env.tmc
          .forTablet(target.primary)
          .vDiff(request, { timeoutMs: env.remoteOperationTimeoutMs });
        return [target.shard, response] as const;
      }),
    );
    return new Map(answers);
  };

  /** Stop and resume: one VDiff by UUID, on all target shards or the ones named. */
  const onUuid = async (
    action: VDiffActionName,
    request: { workflow: string; targetKeyspace: string; uuid: string; targetShards: string[] },
  ): Promise<Record<string, never>> => {
    const uuid = checkUuid(request.uuid);
    await onTargets({
      keyspace: request.targetKeyspace,
      workflow: request.workflow,
      action,
      arg: uuid,
      uuid,
      shards: request.targetShards,
    });
    return {};
  };

  return {
    async vDiffCreate(request) {
      const uuid = request.uuid === "" ? randomUUID() : checkUuid(request.uuid);
      const info = await loadWorkflow(env, requireName("keyspace", request.targetKeyspace), request.workflow);
      const unknown = request.tables.filter((table) => !info.tables.includes(table));
      if (unknown.length > 0) {
        throw invalidArgument(
          `table(s) not found in workflow ${request.targetKeyspace}.${request.workflow}: ${unknown.join(", ")}`,
        );
      }
      await onTargets({
        keyspace: request.targetKeyspace,
        workflow: request.workflow,
        action: VDiffAction.Create,
        arg: uuid,
        uuid,
        options: vdiffOptions(request),
      });
      return { UUID: uuid };
    },

    async vDiffShow(request) {
      const arg = request.arg.toLowerCase();
      if (arg !== LAST_ARG && arg !== ALL_ARG) checkUuid(arg);
      const responses = await onTargets({
        keyspace: request.targetKeyspace,
        workflow: request.workflow,
        action: VDiffAction.Show,
        arg,
        uuid: "",
      });
      return { tabletResponses: Object.fromEntries(responses) };
    },

    vDiffStop: (request) => onUuid(VDiffAction.Stop, request),
    vDiffResume: (request) => onUuid(VDiffAction.Resume, request),

    async vDiffDelete(request) {
      const arg = request.arg.toLowerCase();
      if (arg !== ALL_ARG) checkUuid(arg);
      await onTargets({
        keyspace: request.targetKeyspace,
        workflow: request.workflow,
        action: VDiffAction.Delete,
        arg,
        uuid: arg === ALL_ARG ? "" : arg,
      });
      return {};
    },
  };
}
