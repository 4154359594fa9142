import type { Target } from "../../../libs/proto/query.js";
import type { TabletType } from "../../../libs/proto/topodata.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { ResolvedShard } from "../engine/cursor.js";
import type { RouteDestination } from "../engine/destination.js";

/** Where the resolver learns a keyspace's shards and whether it is sharded. */
export interface ShardSource {
  shardNames(keyspace: string): readonly string[];
  isSharded(keyspace: string): boolean;
}

/** Shards an unsharded keyspace is served by, in order of preference: `0`, then `-` (the full range). */
function unshardedShard(shards: readonly string[]): string {
  if (shards.includes("0")) return "0";
  if (shards.includes("-")) return "-";
  return shards[0] ?? "0";
}

function target(keyspace: string, shard: string, tabletType: TabletType): ResolvedShard {
  const t: Target = { keyspace, shard, tabletType, cell: "" };
  return { target: t };
}

/**
 * Turns a route destination into shards (Vitess's srvtopo.Resolver). Unsharded keyspaces have one shard;
 * explicit shards are taken as given. Destinations that need key ranges (keyspace ids of sharded
 * keyspaces) come with sharded routing.
 */
export function resolveDestination(
  source: ShardSource,
  keyspace: string,
  destination: RouteDestination,
  tabletType: TabletType,
): ResolvedShard[] {
  switch (destination.kind) {
    case "shard":
      return [target(keyspace, destination.shard, tabletType)];
    case "none":
      return [];
    case "anyShard":
    case "allShards": {
      const shards = source.shardNames(keyspace);
      if (!source.isSharded(keyspace)) return [target(keyspace, unshardedShard(shards), tabletType)];
      if (destination.kind === "anyShard") return [target(keyspace, shards[0] ?? "0", tabletType)];
      return shards.map((shard) => target(keyspace, shard, tabletType));
    }
    default:
      if (!source.isSharded(keyspace)) {
        return [target(keyspace, unshardedShard(source.shardNames(keyspace)), tabletType)];
      }
      throw new VtError(
        Code.UNIMPLEMENTED,
        `resolving ${destination.kind} destinations of sharded keyspace ${keyspace} is not supported yet`,
      );
  }
}
