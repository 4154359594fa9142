import { Status } from "../proto/replicationdata.js";
import { type Tablet, TabletType } from "../proto/topodata.js";
import { errorMessage } from "../vterrors/index.js";
import { requireName, tabletMapForShard } from "./common.js";
import type { VtctldHandlers, VtctlEnv } from "./env.js";
import { emergencyReparentShard } from "./reparent/emergency-reparent.js";
import { initShardPrimary } from "./reparent/init-shard-primary.js";
import { plannedReparentShard } from "./reparent/planned-reparent.js";
import { getShardOrNotFound } from "./shards.js";

type ReplicationHandlers = Pick<
  VtctldHandlers,
  "shardReplicationPositions" | "initShardPrimary" | "plannedReparentShard" | "emergencyReparentShard"
>;

export function replicationHandlers(env: VtctlEnv): ReplicationHandlers {
  return {
    /**
     * The replication position of every tablet of the shard: the primary's own position, each replica's status.
     * A tablet that does not answer is left out of replication_statuses (vtctldclient prints <err> for it).
     */
    async shardReplicationPositions(request) {
      const keyspace = requireName("keyspace", request.keyspace);
      const shard = requireName("shard", request.shard);
      await getShardOrNotFound(env, keyspace, shard);
      const tablets = await tabletMapForShard(env.ts, keyspace, shard);
      const rpc = { timeoutMs: env.remoteOperationTimeoutMs };
      const replicationStatuses: Record<string, Status> = {};
      const tabletMap: Record<string, Tablet> = {};
      await Promise.all(
        [...tablets].map(async ([alias, tablet]) => {
          tabletMap[alias] = tablet;
          const client = env.tmc.forTablet(tablet);
          try {
            if (tablet.type === TabletType.PRIMARY) {
              const { position } = await client.primaryPosition({}, rpc);
              replicationStatuses[alias] = Status.fromPartial({ position });
            } else {
              const { status } = await client.replicationStatus({}, rpc);
              if (status) replicationStatuses[alias] = status;
            }
          } catch (err) {
            env.logger.warn(
              { alias, err: errorMessage(err) },
              "ShardReplicationPositions: tablet did not answer",
            );
          }
        }),
      );
      return { replicationStatuses, tabletMap };
    },

    initShardPrimary: (request) => initShardPrimary(env, request),
    plannedReparentShard: (request) => plannedReparentShard(env, request),
    emergencyReparentShard: (request) => emergencyReparentShard(env, request),
  };
}
