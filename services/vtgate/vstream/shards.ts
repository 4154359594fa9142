import type { ShardGtid } from "../../../libs/proto/binlogdata.js";
import type { SrvKeyspace, TabletType } from "../../../libs/proto/topodata.js";
import { invalidArgument } from "../../../libs/vterrors/index.js";
import { copyTablePK } from "./vgtid.js";

/** Reads a keyspace's serving graph in vtgate's cell (NoNode as a topo error). */
export type SrvKeyspaceReader = (keyspace: string) => Promise<SrvKeyspace>;

/**
 * The shards a VStream reads (Vitess's vstream_manager resolveParams): each ShardGtid as given, and one
 * whose shard is "" stands for every shard serving `tabletType` in its keyspace's SrvKeyspace, each
 * starting at that entry's gtid ("" to copy first, or "current"). INVALID_ARGUMENT for an empty VGtid,
 * a keyspace-wide entry with a specific position, or a shard listed twice.
 */
export async function resolveShardGtids(
  given: readonly ShardGtid[],
  tabletType: TabletType,
  readSrvKeyspace: SrvKeyspaceReader,
): Promise<ShardGtid[]> {
  if (given.length === 0)
    throw invalidArgument("vgtid must have at least one value with a starting position");
  const out: ShardGtid[] = [];
  const seen = new Set<string>();
  const add = (entry: ShardGtid) => {
    const key = `${entry.keyspace}/${entry.shard}`;
    if (seen.has(key)) throw invalidArgument(`vgtid lists shard ${key} more than once`);
    seen.add(key);
    out.push(entry);
  };
  for (const entry of given) {
    if (entry.keyspace === "") throw invalidArgument("vgtid has a shard_gtid without a keyspace");
    if (entry.shard !== "") {
      add({ ...entry, tablePKs: entry.tablePKs.map(copyTablePK) });
      continue;
    }
    if (entry.gtid !== "" && entry.gtid !== "current") {
      throw invalidArgument(
        `keyspace ${entry.keyspace}: a position for every shard must be "" or "current", not ${entry.gtid}`,
      );
    }
    let srv: SrvKeyspace;
    try {
      srv = await readSrvKeyspace(entry.keyspace);
    } catch (err) {
      throw invalidArgument(`keyspace ${entry.keyspace}: no serving graph (SrvKeyspace) in this cell`, {
        cause: err,
      });
    }
    const partition = srv.partitions.find((p) => p.servedType === tabletType);
    if (partition === undefined || partition.shardReferences.length === 0) {
      throw invalidArgument(`keyspace ${entry.keyspace} has no shards serving this tablet type`);
    }
    for (const ref of partition.shardReferences) {
      add({ keyspace: entry.keyspace, shard: ref.name, gtid: entry.gtid, tablePKs: [] });
    }
  }
  return out;
}
