import type { ReadVReplicationWorkflowResponse } from "../../proto/tabletmanagerdata.js";
import type { Tablet } from "../../proto/topodata.js";
import { getShards } from "../../topo/index.js";
import { failedPrecondition, notFound } from "../../vterrors/index.js";
import { getKeyspaceOrNotFound, getTabletOrNotFound } from "../common.js";
import type { VtctlEnv } from "../env.js";

/** A shard of a keyspace with its primary tablet. */
export interface ShardPrimary {
  shard: string;
  primary: Tablet;
}

/** One target shard's part of a workflow: its primary and the streams stored there. */
export interface TargetStreams extends ShardPrimary {
  workflow: ReadVReplicationWorkflowResponse;
}

/** A workflow as read from every primary of its target keyspace. */
export interface WorkflowInfo {
  name: string;
  targetKeyspace: string;
  sourceKeyspace: string;
  /** The moved tables, in the order of the filter rules. */
  tables: string[];
  /** The source shards the streams read from, sorted. */
  sourceShards: string[];
  targets: TargetStreams[];
}

/** The primaries of every shard of `keyspace`; NOT_FOUND for an unknown keyspace, FAILED_PRECONDITION without a primary. */
export async function shardPrimaries(env: VtctlEnv, keyspace: string): Promise<ShardPrimary[]> {
  await getKeyspaceOrNotFound(env.ts, keyspace);
  const shards = await getShards(env.ts, keyspace);
  return Promise.all(
    shards.map(async (info) => {
      const alias = info.shard.primaryAlias;
      if (!alias || alias.cell === "") {
        throw failedPrecondition(`shard ${keyspace}/${info.shardName} has no primary`);
      }
      return { shard: info.shardName, primary: await getTabletOrNotFound(env.ts, alias) };
    }),
  );
}

/** `name` read from every primary of `keyspace`: the shards that have streams of it. */
export async function readWorkflowStreams(
  env: VtctlEnv,
  keyspace: string,
  name: string,
): Promise<TargetStreams[]> {
  const primaries = await shardPrimaries(env, keyspace);
  const targets = await Promise.all(
    primaries.map(async ({ shard, primary }) => ({
      shard,
      primary,
      workflow: await env.tmc
        .forTablet(primary)
        .readVReplicationWorkflow({ workflow: name }, { timeoutMs: env.remoteOperationTimeoutMs }),
    })),
  );
  return targets.filter((t) => t.workflow.streams.length > 0);
}

/** The workflow `name` of target keyspace `keyspace`, or NOT_FOUND naming both. */
export async function loadWorkflow(env: VtctlEnv, keyspace: string, name: string): Promise<WorkflowInfo> {
  if (name === "") throw notFound("workflow name is required");
  const targets = await readWorkflowStreams(env, keyspace, name);
  const first = targets[0]?.workflow.streams[0]?.bls;
  if (!first) throw notFound(`workflow ${name} not found in keyspace ${keyspace}`);
  const tables = (first.filter?.rules ?? []).map((rule) => rule.match);
  const sourceShards = new Set<string>();
  for (const target of targets) {
    for (const stream of target.workflow.streams) if (stream.bls) sourceShards.add(stream.bls.shard);
  }
  return {
    name,
    targetKeyspace: keyspace,
    sourceKeyspace: first.keyspace,
    tables,
    sourceShards: [...sourceShards].sort(),
    targets,
  };
}

/** The reverse workflow's name (Vitess's ReverseWorkflowName): `_reverse` added, or taken off. */
export function reverseWorkflowName(name: string): string {
  return name.endsWith("_reverse") ? name.slice(0, -"_reverse".length) : `${name}_reverse`;
}
