import type { Keyspace, Tablet, TabletAlias } from "../proto/topodata.js";
import type { Duration, Time } from "../proto/vttime.js";
import {
  getCellInfoNames,
  getKeyspace,
  getShardReplication,
  getTablet,
  isTopoError,
  TopoErrorCode,
  type TopoServer,
  tabletAliasEqual,
  tabletAliasString,
} from "../topo/index.js";
import { invalidArgument, notFound } from "../vterrors/index.js";

/** INVALID_ARGUMENT unless `value` is a non-empty name; returns it. */
export function requireName(kind: string, value: string): string {
  if (value === "") throw invalidArgument(`${kind} name is required`);
  if (value.includes("/"))
    throw invalidArgument(`invalid ${kind} name ${JSON.stringify(value)}: it contains '/'`);
  return value;
}

/** INVALID_ARGUMENT when a request lacks a tablet alias. */
export function requireAlias(alias: TabletAlias | undefined, field = "tablet_alias"): TabletAlias {
  if (!alias || alias.cell === "") throw invalidArgument(`${field} is required`);
  return alias;
}

/** The tablet record, or NOT_FOUND naming the alias. */
export async function getTabletOrNotFound(ts: TopoServer, alias: TabletAlias): Promise<Tablet> {
  try {
    return (await getTablet(ts, alias)).tablet;
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode))
      throw notFound(`tablet ${tabletAliasString(alias)} not found`);
    throw err;
  }
}

/** The keyspace record, or NOT_FOUND naming the keyspace. */
export async function getKeyspaceOrNotFound(ts: TopoServer, name: string): Promise<Keyspace> {
  try {
    return (await getKeyspace(ts, name)).keyspace;
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) throw notFound(`keyspace ${name} not found`);
    throw err;
  }
}

/** Milliseconds since the epoch of a vttime.Time (0 when unset). */
export function timeMs(time: Time | undefined): number {
  return time ? time.seconds * 1000 + time.nanoseconds / 1e6 : 0;
}

export function nowTime(): Time {
  const ms = Date.now();
  return { seconds: Math.floor(ms / 1000), nanoseconds: (ms % 1000) * 1e6 };
}

/** Milliseconds of a vttime.Duration, or `fallbackMs` when it is unset or zero. */
export function durationMs(duration: Duration | undefined, fallbackMs: number): number {
  if (!duration) return fallbackMs;
  const ms = duration.seconds * 1000 + Math.floor(duration.nanos / 1e6);
  return ms > 0 ? ms : fallbackMs;
}

/** The database a tablet serves: db_name_override, else vt_<keyspace>. */
export function tabletDbName(tablet: Tablet): string {
  return tablet.dbNameOverride !== "" ? tablet.dbNameOverride : `vt_${tablet.keyspace}`;
}

export function aliasOf(tablet: Tablet): string {
  return tablet.alias ? tabletAliasString(tablet.alias) : "<no alias>";
}

export function compareAliases(a: TabletAlias | undefined, b: TabletAlias | undefined): number {
  const cell = (a?.cell ?? "").localeCompare(b?.cell ?? "");
  return cell !== 0 ? cell : (a?.uid ?? 0) - (b?.uid ?? 0);
}

/** The cells to look at: the requested ones, or every registered cell. */
export async function cellsOrAll(ts: TopoServer, cells: readonly string[]): Promise<string[]> {
  return cells.length > 0 ? [...cells] : getCellInfoNames(ts);
}

/**
 * The tablets of a shard (Vitess's GetTabletMapForShardByCell), keyed by alias string and sorted by alias:
 * the aliases listed in each cell's ShardReplication, whose records still name this keyspace and shard.
 * A listed tablet whose record is gone is skipped, as Vitess's GetTabletMap does.
 */
export async function tabletMapForShard(
  ts: TopoServer,
  keyspace: string,
  shard: string,
  cells: readonly string[] = [],
): Promise<Map<string, Tablet>> {
  const aliases: TabletAlias[] = [];
  for (const cell of await cellsOrAll(ts, cells)) {
    try {
      const { shardReplication } = await getShardReplication(ts, cell, keyspace, shard);
      for (const node of shardReplication.nodes) if (node.tabletAlias) aliases.push(node.tabletAlias);
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
    }
  }
  aliases.sort(compareAliases);
  const tablets = await Promise.all(
    aliases.map(async (alias) => {
      try {
        return (await getTablet(ts, alias)).tablet;
      } catch (err) {
        if (isTopoError(err, TopoErrorCode.NoNode)) return undefined;
        throw err;
      }
    }),
  );
  const map = new Map<string, Tablet>();
  for (const tablet of tablets) {
    if (tablet && tablet.keyspace === keyspace && tablet.shard === shard) map.set(aliasOf(tablet), tablet);
  }
  return map;
}

/** Finds a tablet of `map` by alias. */
export function findTablet(map: Map<string, Tablet>, alias: TabletAlias | undefined): Tablet | undefined {
  return [...map.values()].find((t) => tabletAliasEqual(t.alias, alias));
}
