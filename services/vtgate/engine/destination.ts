import type { Destination } from "../../../libs/vindexes/index.js";

/**
 * Where a statement goes inside its keyspace (Vitess's key.Destination): what vindexes produce
 * (keyspace ids, key ranges, none) plus explicit shard targeting (`use ks/-80`, `ks:0`) and any one shard.
 */
export type RouteDestination =
  | Destination
  | { readonly kind: "shard"; readonly shard: string }
  | { readonly kind: "anyShard" }
  | { readonly kind: "allShards" };

export const ALL_SHARDS: RouteDestination = Object.freeze({ kind: "allShards" });
export const ANY_SHARD: RouteDestination = Object.freeze({ kind: "anyShard" });

export function destinationShard(shard: string): RouteDestination {
  return { kind: "shard", shard };
}

export function describeDestination(destination: RouteDestination): string {
  switch (destination.kind) {
    case "shard":
      return `Shard(${destination.shard})`;
    case "anyShard":
      return "AnyShard()";
    case "allShards":
      return "AllShards()";
    case "keyspaceId":
      return "KeyspaceID";
    case "keyspaceIds":
      return "KeyspaceIDs";
    case "keyRange":
      return "KeyRange";
    case "none":
      return "None";
  }
}

/** Key-range order (`-80` before `80-`). */
export function compareShardNames(a: string, b: string): number {
  const sa = a.startsWith("-") ? "" : a;
  const sb = b.startsWith("-") ? "" : b;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
