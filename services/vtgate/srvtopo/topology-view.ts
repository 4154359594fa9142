import type { Logger } from "pino";
import type { HealthCheck, TabletHealth } from "../../../libs/discovery/index.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import { Keyspace, type SrvVSchema } from "../../../libs/proto/vschema.js";
import type { VindexRegistry } from "../../../libs/vindexes/index.js";
import { buildVSchema, type VSchema } from "../../../libs/vschema/index.js";
import type { KeyspacePartitions } from "./srv-keyspaces.js";

const EMPTY: SrvVSchema = {
  keyspaces: {},
  routingRules: undefined,
  shardRoutingRules: undefined,
  keyspaceRoutingRules: undefined,
  mirrorRules: undefined,
};

/**
 * What vtgate routes with: the VSchema built from the cell's SrvVSchema, plus every keyspace whose tablets
 * the health check sees (as an unsharded keyspace without tables) so a cluster without a VSchema still
 * routes — seed 000: "with a single unsharded keyspace a VSchema is not strictly necessary". Rebuilt when
 * the SrvVSchema changes or a new keyspace appears; `version` moves on every rebuild (plan cache key).
 */
export class TopologyView {
  private srvVSchema: SrvVSchema = EMPTY;
  private built: VSchema | undefined;
  private builtVersion = 0;
  private readonly tabletKeyspaces = new Set<string>();
  private shardCache = new Map<string, string[]>();
  private partitions: KeyspacePartitions = new Map();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly healthCheck: HealthCheck,
    private readonly registry: VindexRegistry,
    private readonly logger?: Logger,
  ) {
    for (const t of healthCheck.tablets()) this.tabletKeyspaces.add(t.target.keyspace);
    this.unsubscribe = healthCheck.subscribe((event) => {
      if (this.shardCache.size > 0) this.shardCache = new Map();
      const keyspace = event.health.target.keyspace;
      if (keyspace !== "" && !this.tabletKeyspaces.has(keyspace)) {
        this.tabletKeyspaces.add(keyspace);
        if (!(keyspace in this.srvVSchema.keyspaces)) this.invalidate();
      }
    });
  }

  close(): void {
    this.unsubscribe();
  }

  /** A new SrvVSchema from the watch (undefined: none in the cell). */
  setSrvVSchema(srvVSchema: SrvVSchema | undefined): void {
    this.srvVSchema = srvVSchema ?? EMPTY;
    this.invalidate();
  }

  get version(): number {
    void this.vschema;
    return this.builtVersion;
  }

  get vschema(): VSchema {
    if (!this.built) {
      const keyspaces: SrvVSchema["keyspaces"] = { ...this.srvVSchema.keyspaces };
      for (const name of this.tabletKeyspaces) {
        if (name !== "" && !(name in keyspaces)) keyspaces[name] = Keyspace.fromPartial({});
      }
      this.built = buildVSchema({ ...this.srvVSchema, keyspaces }, this.registry);
      this.builtVersion++;
      for (const issue of this.built.errors()) {
        this.logger?.warn(
          { keyspace: issue.keyspace, path: issue.path, err: issue.error.message },
          "VSchema error",
        );
      }
    }
    return this.built;
  }

  keyspaceNames(): string[] {
    return [...this.vschema.keyspaces.keys()];
  }

  /** New SrvKeyspace partitions (srv-keyspaces.ts). */
  setPartitions(partitions: KeyspacePartitions): void {
    this.partitions = partitions;
  }

  /** The shards serving each tablet type of a keyspace, from its SrvKeyspace (empty when not built). */
  partitionsOf(keyspace: string): ReadonlyMap<TabletType, readonly string[]> {
    return this.partitions.get(keyspace) ?? new Map();
  }

  /**
   * The shards of a keyspace: its SrvKeyspace partition for the tablet type (default PRIMARY) when the
   * keyspace has one, else the shards that have tablets, sorted; ["0"] when none is known yet.
   */
  shardNames(keyspace: string, tabletType: TabletType = TabletType.PRIMARY): readonly string[] {
    const partition = this.partitions.get(keyspace)?.get(tabletType);
    if (partition && partition.length > 0) return partition;
    let names = this.shardCache.get(keyspace);
    if (!names) {
      const shards = new Set<string>();
      for (const t of this.healthCheck.tablets())
        if (t.target.keyspace === keyspace) shards.add(t.target.shard);
      names = shards.size === 0 ? ["0"] : [...shards].sort();
      this.shardCache.set(keyspace, names);
    }
    return names;
  }

  /** The database a keyspace's tablets use: their db_name_override, else `vt_<keyspace>`. */
  dbName(keyspace: string): string {
    for (const t of this.healthCheck.tablets()) {
      if (t.target.keyspace === keyspace && t.tablet.dbNameOverride !== "") return t.tablet.dbNameOverride;
    }
    return `vt_${keyspace}`;
  }

  tablets(): readonly TabletHealth[] {
    return this.healthCheck.tablets();
  }

  private invalidate(): void {
    this.built = undefined;
  }
}
