import type { KeyRange, KeyspaceId } from "../key/index.js";

/**
 * Where a vindex sends one input value (Vitess's key.Destination as a tagged union):
 * - `keyspaceId`: exactly one keyspace id (unique vindexes);
 * - `keyspaceIds`: any number of keyspace ids (non-unique lookups);
 * - `keyRange`: every shard overlapping the range (a write-only lookup answers the full range: scatter);
 * - `none`: no shard (NULL, a value that does not parse for the vindex, an absent lookup row).
 */
export type Destination =
  | { readonly kind: "keyspaceId"; readonly id: KeyspaceId }
  | { readonly kind: "keyspaceIds"; readonly ids: readonly KeyspaceId[] }
  | { readonly kind: "keyRange"; readonly keyRange: KeyRange }
  | { readonly kind: "none" };

export const DESTINATION_NONE: Destination = Object.freeze({ kind: "none" });

export function destinationKeyspaceId(id: KeyspaceId): Destination {
  return { kind: "keyspaceId", id };
}

export function destinationKeyspaceIds(ids: readonly KeyspaceId[]): Destination {
  return { kind: "keyspaceIds", ids };
}

/** The full key range: every shard. */
export function destinationAllShards(): Destination {
  return { kind: "keyRange", keyRange: { start: new Uint8Array(0), end: new Uint8Array(0) } };
}
