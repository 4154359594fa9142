import { keyRangesIntersect, parseShardName, UNSHARDED_SHARD_NAME } from "../key/index.js";
import { type KeyRange, Shard } from "../proto/topodata.js";
import type { Version } from "./conn.js";
import { isTopoError, TopoErrorCode } from "./errors.js";
import { lockKeyspace } from "./locks.js";
import { shardPath, shardsDir } from "./paths.js";
import { decodeRecord, encodeRecord, type Mutator, mutateRecord } from "./records.js";
import type { TopoServer } from "./server.js";

/** A shard record with its keyspace, name and the version it was read at. */
export interface ShardInfo {
  keyspace: string;
  shardName: string;
  shard: Shard;
  version: Version;
}

/** NoNode when the shard does not exist. */
export async function getShard(ts: TopoServer, keyspace: string, shard: string): Promise<ShardInfo> {
  const path = shardPath(keyspace, shard);
  const { contents, version } = await ts.globalConn.get(path);
  return { keyspace, shardName: shard, shard: decodeRecord(Shard, contents, path), version };
}

/**
 * Creates a shard record, as Vitess's CreateShard: under the keyspace lock, with the key range parsed from the
 * name ("0" is unsharded: no key range), and primary-serving only when no existing shard's range overlaps
 * (so the shards of a reshard's target start not serving). NodeExists when it already exists; an invalid shard
 * name fails with libs/key's KeyError.
 */
export async function createShard(ts: TopoServer, keyspace: string, shard: string): Promise<ShardInfo> {
  const keyRange = shardKeyRange(shard);
  return lockKeyspace(ts, keyspace, "CreateShard", async () => {
    const existing = await getShards(ts, keyspace);
    const overlaps = existing.some((other) => keyRangesIntersect(other.shard.keyRange, keyRange));
    const value = Shard.create({ isPrimaryServing: !overlaps });
    if (keyRange) value.keyRange = keyRange;
    const version = await ts.globalConn.create(shardPath(keyspace, shard), encodeRecord(Shard, value));
    return { keyspace, shardName: shard, shard: value, version };
  });
}

/** Writes `info.shard` if the record is still at `info.version`; BadVersion otherwise. */
export async function updateShard(ts: TopoServer, info: ShardInfo): Promise<ShardInfo> {
  const path = shardPath(info.keyspace, info.shardName);
  const version = await ts.globalConn.update(path, encodeRecord(Shard, info.shard), info.version);
  return { ...info, version };
}

/** Read-mutate-write with retries on concurrent updates (see Mutator). NoNode when the shard does not exist. */
export async function updateShardFields(
  ts: TopoServer,
  keyspace: string,
  shard: string,
  mutate: Mutator<Shard>,
): Promise<ShardInfo> {
  const { value, version } = await mutateRecord(ts.globalConn, Shard, shardPath(keyspace, shard), mutate);
  return { keyspace, shardName: shard, shard: value, version };
}

export async function deleteShard(ts: TopoServer, keyspace: string, shard: string): Promise<void> {
  await ts.globalConn.delete(shardPath(keyspace, shard), null);
}

/** The shard names of a keyspace, sorted; [] when it has none. */
export async function getShardNames(ts: TopoServer, keyspace: string): Promise<string[]> {
  try {
    return await ts.globalConn.list(shardsDir(keyspace));
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) return [];
    throw err;
  }
}

/** Every shard record of a keyspace in one read (Vitess's FindAllShardsInKeyspace), sorted by name. */
export async function getShards(ts: TopoServer, keyspace: string): Promise<ShardInfo[]> {
  const dir = shardsDir(keyspace);
  const files = await ts.globalConn.listRecursive(dir);
  const shards: ShardInfo[] = [];
  for (const file of files) {
    const [name, leaf, ...rest] = file.path.slice(dir.length + 1).split("/");
    if (leaf !== "Shard" || rest.length > 0 || name === undefined) continue; // locks, ShardReplication, ...
    shards.push({
      keyspace,
      shardName: name,
      shard: decodeRecord(Shard, file.contents, file.path),
      version: file.version,
    });
  }
  return shards;
}

function shardKeyRange(shard: string): KeyRange | undefined {
  if (shard === UNSHARDED_SHARD_NAME) return undefined;
  const range = parseShardName(shard);
  return { start: Buffer.from(range.start), end: Buffer.from(range.end) };
}
