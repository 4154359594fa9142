import type { Target } from "../proto/query.js";
import { type Tablet, TabletType } from "../proto/topodata.js";
import type { TabletConn } from "./tablet-conn.js";

/** What the health check knows about one tablet at one moment (an immutable snapshot). */
export interface TabletHealth {
  /** "zone1-0000000100". */
  readonly alias: string;
  /** The tablet's topology record (hostname, ports, db name override...). */
  readonly tablet: Tablet;
  /** "host:grpcport" of the tablet's QueryService. */
  readonly address: string;
  /** The connection every query to this tablet goes through. */
  readonly conn: TabletConn;
  /** The target the tablet last reported (from its record until the first health response). */
  readonly target: Target;
  /** Serving and healthy: its last health response said serving and carried no health error. */
  readonly serving: boolean;
  /** Unix seconds when it became primary (0 unless PRIMARY). */
  readonly primaryTermStartTime: number;
  readonly replicationLagSeconds: number;
  /** Why it is not serving: the stream's error, the tablet's health error, a timeout. */
  readonly lastError: string | undefined;
  /** When the last health response arrived (ms since the epoch), undefined before the first. */
  readonly lastResponseAt: number | undefined;
}

const TYPE_NAMES: Readonly<Record<number, string>> = {
  [TabletType.UNKNOWN]: "UNKNOWN",
  [TabletType.PRIMARY]: "PRIMARY",
  [TabletType.REPLICA]: "REPLICA",
  [TabletType.RDONLY]: "RDONLY",
  [TabletType.SPARE]: "SPARE",
  [TabletType.EXPERIMENTAL]: "EXPERIMENTAL",
  [TabletType.BACKUP]: "BACKUP",
  [TabletType.RESTORE]: "RESTORE",
  [TabletType.DRAINED]: "DRAINED",
};

/** PRIMARY, REPLICA, RDONLY... (never the MASTER/BATCH aliases). */
export function tabletTypeName(type: TabletType): string {
  return TYPE_NAMES[type] ?? String(type);
}

const TYPES_BY_NAME: ReadonlyMap<string, TabletType> = new Map([
  ["primary", TabletType.PRIMARY],
  ["master", TabletType.PRIMARY],
  ["replica", TabletType.REPLICA],
  ["rdonly", TabletType.RDONLY],
  ["batch", TabletType.RDONLY],
  ["spare", TabletType.SPARE],
  ["experimental", TabletType.EXPERIMENTAL],
  ["backup", TabletType.BACKUP],
  ["restore", TabletType.RESTORE],
  ["drained", TabletType.DRAINED],
]);

/** Parses a tablet type name in any case (`replica`, `PRIMARY`, `master`); undefined when unknown. */
export function parseTabletType(name: string): TabletType | undefined {
  return TYPES_BY_NAME.get(name.toLowerCase());
}

/** `commerce/0 (PRIMARY)`: how targets appear in messages. */
export function targetString(keyspace: string, shard: string, type: TabletType): string {
  return `${keyspace}/${shard} (${tabletTypeName(type)})`;
}

/** The key health is indexed by. */
export function targetKey(keyspace: string, shard: string, type: TabletType): string {
  return `${keyspace}/${shard}/${type}`;
}
