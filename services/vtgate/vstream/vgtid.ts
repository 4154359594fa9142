import type { ShardGtid, TableLastPK, VGtid } from "../../../libs/proto/binlogdata.js";

/** One shard's place in a vtgate VStream: its position and the tables still being copied there. */
export interface ShardPosition {
  readonly keyspace: string;
  readonly shard: string;
  /** The position after the last transaction delivered ("" before the copy phase ends, or "current"). */
  gtid: string;
  /** Tables whose copy has not completed, with the last key copied (undefined: not started). */
  tablePKs: TableLastPK[];
}

/**
 * The VGtid a vtgate VStream keeps (Vitess's vstream_manager vgtid): every shard's position as of the
 * events delivered so far. A shard's position moves only when one of its transactions is handed to the
 * client, so any VGTID event sent is a place the client can resume from without gaps or duplicates.
 */
export class VGtidTracker {
  private readonly shards: ShardPosition[];

  constructor(start: readonly ShardGtid[]) {
    this.shards = start.map((s) => ({
      keyspace: s.keyspace,
      shard: s.shard,
      gtid: s.gtid,
      tablePKs: s.tablePKs.map(copyTablePK),
    }));
  }

  /** The shards in the order of the starting VGtid. */
  get positions(): readonly Readonly<ShardPosition>[] {
    return this.shards;
  }

  position(keyspace: string, shard: string): Readonly<ShardPosition> {
    return this.find(keyspace, shard);
  }

  /** Records a shard's delivered transaction: its new position and copy progress. */
  commit(keyspace: string, shard: string, gtid: string, tablePKs: readonly TableLastPK[]): void {
    const entry = this.find(keyspace, shard);
    entry.gtid = gtid;
    entry.tablePKs = tablePKs.map(copyTablePK);
  }

  /** Every shard's position now, as sent in a VGTID event. */
  snapshot(): VGtid {
    return {
      shardGtids: this.shards.map((s) => ({
        keyspace: s.keyspace,
        shard: s.shard,
        gtid: s.gtid,
        tablePKs: s.tablePKs.map(copyTablePK),
      })),
    };
  }

  private find(keyspace: string, shard: string): ShardPosition {
    const entry = this.shards.find((s) => s.keyspace === keyspace && s.shard === shard);
    if (entry === undefined) throw new Error(`shard ${keyspace}/${shard} is not part of this stream`);
    return entry;
  }
}

export function copyTablePK(pk: TableLastPK): TableLastPK {
  return { tableName: pk.tableName, lastpk: pk.lastpk };
}
