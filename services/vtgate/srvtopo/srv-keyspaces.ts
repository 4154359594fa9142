import type { Logger } from "pino";
import type { TabletType } from "../../../libs/proto/topodata.js";
import { getSrvKeyspace, getSrvKeyspaceNames, type TopoServer } from "../../../libs/topo/index.js";

/** Shard names per tablet type of each keyspace, from the cell's SrvKeyspace partitions. */
export type KeyspacePartitions = ReadonlyMap<string, ReadonlyMap<TabletType, readonly string[]>>;

/**
 * Keeps the cell's SrvKeyspaces (Vitess's srvtopo ResilientServer, by polling): the partitions
 * RebuildKeyspaceGraph writes name the shards that serve each tablet type of a keyspace, so vtgate maps a
 * keyspace id to the shard whose key range holds it even before that shard's tablets are seen. A failed
 * read keeps the last good value.
 */
export class SrvKeyspacePoller {
  private timer: NodeJS.Timeout | undefined;
  private last = "";

  constructor(
    private readonly ts: TopoServer,
    private readonly cell: string,
    private readonly onChange: (partitions: KeyspacePartitions) => void,
    private readonly options: { intervalMs: number; logger?: Logger },
  ) {}

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    try {
      const out = new Map<string, Map<TabletType, string[]>>();
      for (const keyspace of await getSrvKeyspaceNames(this.ts, this.cell)) {
        const srv = await getSrvKeyspace(this.ts, this.cell, keyspace);
        const byType = new Map<TabletType, string[]>();
        for (const p of srv.partitions)
          byType.set(
            p.servedType,
            p.shardReferences.map((r) => r.name),
          );
        out.set(keyspace, byType);
      }
      const text = JSON.stringify([...out].map(([k, v]) => [k, [...v]]));
      if (text === this.last) return;
      this.last = text;
      this.onChange(out);
    } catch (err) {
      this.options.logger?.warn(
        { err: err instanceof Error ? err.message : String(err) },
        "SrvKeyspace refresh failed",
      );
    }
  }
}
