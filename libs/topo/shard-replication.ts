import { ShardReplication } from "../proto/topodata.js";
import type { Version } from "./conn.js";
import { shardReplicationPath } from "./paths.js";
import { type Mutator, mutateRecord, readRecord } from "./records.js";
import type { TopoServer } from "./server.js";

/** The tablets of one shard in one cell (cell `keyspaces/<ks>/shards/<shard>/ShardReplication`). */
export interface ShardReplicationInfo {
  cell: string;
  keyspace: string;
  shard: string;
  shardReplication: ShardReplication;
  version: Version;
}

/** NoNode when no tablet of the shard was ever registered in the cell. */
export async function getShardReplication(
  ts: TopoServer,
  cell: string,
  keyspace: string,
  shard: string,
): Promise<ShardReplicationInfo> {
  const conn = await ts.connForCell(cell);
  const { value, version } = await readRecord(conn, ShardReplication, shardReplicationPath(keyspace, shard));
  return { cell, keyspace, shard, shardReplication: value, version };
}

/**
 * Read-mutate-write with retries on concurrent updates (see Mutator); creates the record from an empty one when
 * missing, as Vitess's UpdateShardReplicationFields does.
 */
export async function updateShardReplicationFields(
  ts: TopoServer,
  cell: string,
  keyspace: string,
  shard: string,
  mutate: Mutator<ShardReplication>,
): Promise<ShardReplicationInfo> {
  const conn = await ts.connForCell(cell);
  const path = shardReplicationPath(keyspace, shard);
  const { value, version } = await mutateRecord(conn, ShardReplication, path, mutate, () =>
    ShardReplication.create(),
  );
  return { cell, keyspace, shard, shardReplication: value, version };
}

export async function deleteShardReplication(
  ts: TopoServer,
  cell: string,
  keyspace: string,
  shard: string,
): Promise<void> {
  const conn = await ts.connForCell(cell);
  await conn.delete(shardReplicationPath(keyspace, shard), null);
}
