import {
  isKeyRangeShardName,
  type KeyRange,
  type KeyspaceId,
  keyRangeContains,
  keyRangesIntersect,
  parseShardName,
} from "../../../libs/key/index.js";
import type { Target } from "../../../libs/proto/query.js";
import type { TabletType } from "../../../libs/proto/topodata.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { ResolvedShard } from "../engine/cursor.js";
import { compareShardNames, type RouteDestination } from "../engine/destination.js";

/** Where the resolver learns a keyspace's shards and whether it is sharded. */
export interface ShardSource {
  shardNames(keyspace: string): readonly string[];
  isSharded(keyspace: string): boolean;
}

/** Key ranges of shard names, parsed once: routing a point select parsed them on every statement. */
const shardRanges = new Map<string, KeyRange>();

function shardRange(name: string): KeyRange {
  let range = shardRanges.get(name);
  if (range === undefined) {
    range = parseShardName(name);
    shardRanges.set(name, range);
  }
  return range;
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
      checkCoverage(keyspace, shards);
      return [...shards].sort(compareShardNames).map((shard) => target(keyspace, shard, tabletType));
    }
    default: {
      const shards = source.shardNames(keyspace);
      if (!source.isSharded(keyspace)) return [target(keyspace, unshardedShard(shards), tabletType)];
      const ranges = shards.map((name) => ({ name, range: shardRange(name) }));
      const byId = (id: KeyspaceId): string => {
        const found = ranges.find((r) => keyRangeContains(r.range, id));
        if (!found) {
          throw new VtError(
            Code.UNAVAILABLE,
            `no shard of keyspace ${keyspace} covers keyspace id ${Buffer.from(id).toString("hex")}`,
          );
        }
        return found.name;
      };
      let names: string[];
      if (destination.kind === "keyspaceId") names = [byId(destination.id)];
      else if (destination.kind === "keyspaceIds") names = destination.ids.map(byId);
      else names = ranges.filter((r) => keyRangesIntersect(r.range, destination.keyRange)).map((r) => r.name);
      const unique = [...new Set(names)].sort(compareShardNames);
      return unique.map((shard) => target(keyspace, shard, tabletType));
    }
  }
}

/**
 * A scatter must reach every key: refuses (UNAVAILABLE) when the known shards leave a gap, so a shard
 * without a visible tablet never silently drops its rows from a result.
 */
function checkCoverage(keyspace: string, shards: readonly string[]): void {
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  const ranges = shards
    .filter((s) => isKeyRangeShardName(s))
    .map((s) => parseShardName(s))
    .sort((a, b) => (hex(a.start) < hex(b.start) ? -1 : 1));
  let at = "";
  for (const r of ranges) {
    if (hex(r.start).replace(/0+$/, "") !== at.replace(/0+$/, "")) break;
    at = hex(r.end);
    if (at === "") return;
  }
  throw new VtError(
    Code.UNAVAILABLE,
    `keyspace ${keyspace}: the shards with tablets (${shards.join(", ")}) do not cover the whole key range`,
  );
}
