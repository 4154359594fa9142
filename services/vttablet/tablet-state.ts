import type { Logger } from "pino";
import type { Target } from "../../libs/proto/query.js";
import {
  type Shard,
  type Tablet,
  type TabletAlias,
  TabletType,
  tabletTypeToJSON,
} from "../../libs/proto/topodata.js";
import type { Time } from "../../libs/proto/vttime.js";
import {
  getShard,
  getTablet,
  type TopoServer,
  tabletAliasEqual,
  tabletAliasString,
  updateShardFields,
  updateTabletFields,
} from "../../libs/topo/index.js";
import type { QueryServiceControl } from "./query-service-control.js";

/** What a type change does to mysqld's read-only setting (Vitess's DBAction). */
export type DbAction = "none" | "read-write" | "read-only";

/** Types whose query service runs (Vitess's topo.IsRunningQueryService). */
const QUERY_SERVICE_TYPES: ReadonlySet<TabletType> = new Set([
  TabletType.PRIMARY,
  TabletType.REPLICA,
  TabletType.RDONLY,
  TabletType.EXPERIMENTAL,
  TabletType.DRAINED,
]);

export function timeNow(): Time {
  const ms = Date.now();
  return { seconds: Math.floor(ms / 1000), nanoseconds: (ms % 1000) * 1_000_000 };
}

/** -1, 0 or 1; an unset time is before every set one. */
export function compareTime(a: Time | undefined, b: Time | undefined): number {
  const as = a ? [a.seconds, a.nanoseconds] : [0, 0];
  const bs = b ? [b.seconds, b.nanoseconds] : [0, 0];
  return as[0]! - bs[0]! || as[1]! - bs[1]!;
}

/** "PRIMARY", "RDONLY"...: the current names (the enum's reverse mapping would give the aliases MASTER, BATCH). */
export function tabletTypeName(type: TabletType): string {
  return tabletTypeToJSON(type);
}

/** The tables denied to `type` in `cell` by the shard's tablet controls. */
export function deniedTablesFor(shard: Shard | undefined, type: TabletType, cell: string): string[] {
  const control = shard?.tabletControls.find(
    (c) => c.tabletType === type && (c.cells.length === 0 || c.cells.includes(cell)),
  );
  return control ? [...control.deniedTables] : [];
}

export interface ReplicationHealth {
  /** Replication runs and lags less than the unhealthy threshold (always true for a primary). */
  healthy: boolean;
  lagSeconds: number;
  error?: string;
}

export interface TabletStateDeps {
  ts: TopoServer;
  /** The one mysqld control a type change needs. */
  mysqld: { setReadOnly(readOnly: boolean): Promise<void> };
  queryService: QueryServiceControl;
  logger: Logger;
}

/**
 * The tablet's view of itself (Vitess's tmState): its Tablet record, the shard's tablet controls, and the
 * inputs of its serving state. Every change goes to the topo record first, then to mysqld, then to the query
 * service, so the topology never claims less than what the tablet does.
 *
 * Serving: the type runs a query service, mysqld answers, the tablet is not demoted or shutting down, and —
 * for non-primaries, as Vitess's state manager — replication is running with lag under the unhealthy
 * threshold. A replica before its first InitReplica/SetReplicationSource is therefore NOT_SERVING.
 */
export class TabletState {
  private current: Tablet;
  private shard: Shard | undefined;
  private mysqlReachable = true;
  private replication: ReplicationHealth = { healthy: true, lagSeconds: 0 };
  private demoted = false;
  private shuttingDown = false;
  private lastDenied = "";
  private lastPublished = "";

  constructor(
    tablet: Tablet,
    private readonly deps: TabletStateDeps,
  ) {
    this.current = tablet;
  }

  get tablet(): Readonly<Tablet> {
    return this.current;
  }

  get alias(): TabletAlias {
    return this.current.alias as TabletAlias;
  }

  get aliasString(): string {
    return tabletAliasString(this.alias);
  }

  get type(): TabletType {
    return this.current.type;
  }

  get dbName(): string {
    return this.current.dbNameOverride || `vt_${this.current.keyspace}`;
  }

  get shardRecord(): Readonly<Shard> | undefined {
    return this.shard;
  }

  get replicationHealth(): Readonly<ReplicationHealth> {
    return this.replication;
  }

  get isMysqlReachable(): boolean {
    return this.mysqlReachable;
  }

  get isDemoted(): boolean {
    return this.demoted;
  }

  target(): Target {
    const { keyspace, shard, type } = this.current;
    return { keyspace, shard, tabletType: type, cell: this.alias.cell };
  }

  /** Seconds since the epoch when this tablet's primary term began; 0 unless PRIMARY. */
  primaryTermStartSeconds(): number {
    return this.current.type === TabletType.PRIMARY ? (this.current.primaryTermStartTime?.seconds ?? 0) : 0;
  }

  /** Why the tablet does not serve, or undefined when it does. */
  notServingReason(): string | undefined {
    if (this.shuttingDown) return "shutting down";
    if (!QUERY_SERVICE_TYPES.has(this.current.type))
      return `type ${tabletTypeName(this.current.type)} does not serve`;
    if (!this.mysqlReachable) return "mysqld is not reachable";
    if (this.demoted) return "demoted primary: not accepting writes";
    if (this.current.type !== TabletType.PRIMARY && !this.replication.healthy) {
      return `replication is unhealthy: ${this.replication.error ?? "unknown"}`;
    }
    return undefined;
  }

  isServing(): boolean {
    return this.notServingReason() === undefined;
  }

  deniedTables(): string[] {
    return deniedTablesFor(this.shard, this.current.type, this.alias.cell);
  }

  /** Pushes target, serving state and denied tables to the query service, when they changed. */
  publish(): void {
    const denied = this.deniedTables();
    const deniedKey = denied.join(",");
    if (deniedKey !== this.lastDenied) {
      this.deps.queryService.setDeniedTables(denied);
      this.lastDenied = deniedKey;
    }
    const state = {
      target: this.target(),
      serving: this.isServing(),
      primaryTermStartTime: this.primaryTermStartSeconds(),
    };
    const key = JSON.stringify(state);
    if (key === this.lastPublished) return;
    this.lastPublished = key;
    this.deps.logger.info(
      {
        type: tabletTypeName(state.target.tabletType),
        serving: state.serving,
        reason: this.notServingReason(),
      },
      "serving state",
    );
    this.deps.queryService.setState(state);
  }

  /**
   * Changes the tablet type (Vitess's changeTypeLocked): topo record first (a new PRIMARY gets a new term start
   * time and claims the shard record if its term is the latest), then mysqld's read-only setting, then the
   * query service. Leaving a demotion behind: a type change ends it.
   */
  async changeType(type: TabletType, dbAction: DbAction): Promise<void> {
    const { ts, mysqld, logger } = this.deps;
    const from = this.current.type;
    if (type === TabletType.PRIMARY) {
      const term = timeNow();
      const info = await updateTabletFields(ts, this.alias, (tablet) => {
        tablet.type = TabletType.PRIMARY;
        tablet.primaryTermStartTime = term;
      });
      this.current = info.tablet;
      if (dbAction === "read-write") await mysqld.setReadOnly(false);
      await this.claimShardPrimary();
    } else {
      if (dbAction !== "none") await mysqld.setReadOnly(dbAction === "read-only");
      const info = await updateTabletFields(ts, this.alias, (tablet) => {
        tablet.type = type;
        tablet.primaryTermStartTime = undefined;
      });
      this.current = info.tablet;
    }
    this.demoted = false;
    if (type === TabletType.PRIMARY) this.replication = { healthy: true, lagSeconds: 0 };
    logger.info({ from: tabletTypeName(from), to: tabletTypeName(type), dbAction }, "tablet type changed");
    this.publish();
  }

  /**
   * Makes the shard record name this tablet as primary, unless it already does or names a primary whose term
   * began later (Vitess's shard sync: the latest term wins).
   */
  async claimShardPrimary(): Promise<void> {
    const { keyspace, shard, primaryTermStartTime } = this.current;
    const info = await updateShardFields(this.deps.ts, keyspace, shard, (record) => {
      if (
        tabletAliasEqual(record.primaryAlias, this.alias) &&
        compareTime(record.primaryTermStartTime, primaryTermStartTime) === 0
      )
        return false;
      if (compareTime(record.primaryTermStartTime, primaryTermStartTime) > 0) return false;
      record.primaryAlias = this.alias;
      record.primaryTermStartTime = primaryTermStartTime;
      return true;
    });
    this.shard = info.shard;
  }

  /** Adopts the tablet record as stored (RefreshState after someone changed it in the topo). */
  adoptRecord(tablet: Tablet): void {
    if (tablet.type !== this.current.type) {
      this.deps.logger.info(
        { from: tabletTypeName(this.current.type), to: tabletTypeName(tablet.type) },
        "tablet type changed in the topology",
      );
      this.demoted = false;
    }
    this.current = tablet;
  }

  /**
   * Re-reads the tablet and shard records (RefreshState): adopts the stored tablet record and the shard's tablet
   * controls. A PRIMARY whose shard names another primary with a later term steps down to a read-only REPLICA
   * (Vitess's shard sync), so a demoted old primary never serves as a second primary.
   */
  async refreshFromTopo(): Promise<void> {
    const { ts, logger } = this.deps;
    const [{ tablet }, shardInfo] = await Promise.all([
      getTablet(ts, this.alias),
      getShard(ts, this.current.keyspace, this.current.shard),
    ]);
    this.adoptRecord(tablet);
    this.shard = shardInfo.shard;
    const { primaryAlias, primaryTermStartTime } = shardInfo.shard;
    if (
      this.current.type === TabletType.PRIMARY &&
      primaryAlias !== undefined &&
      !tabletAliasEqual(primaryAlias, this.alias) &&
      compareTime(primaryTermStartTime, this.current.primaryTermStartTime) > 0
    ) {
      logger.warn(
        { primary: tabletAliasString(primaryAlias) },
        "the shard names another primary with a later term: becoming REPLICA",
      );
      await this.changeType(TabletType.REPLICA, "read-only");
      return;
    }
    this.publish();
  }

  /** Keeps the shard record for its tablet controls and primary. */
  applyShard(shard: Shard): void {
    this.shard = shard;
  }

  setMysqlReachable(reachable: boolean): void {
    this.mysqlReachable = reachable;
  }

  setReplicationHealth(health: ReplicationHealth): void {
    this.replication = health;
  }

  setDemoted(demoted: boolean): void {
    this.demoted = demoted;
  }

  beginShutdown(): void {
    this.shuttingDown = true;
  }
}
