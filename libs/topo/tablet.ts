import { Tablet, type TabletAlias } from "../proto/topodata.js";
import type { Version } from "./conn.js";
import { isTopoError, TopoErrorCode } from "./errors.js";
import { TABLETS_DIR, tabletPath } from "./paths.js";
import { decodeRecord, encodeRecord, type Mutator, mutateRecord } from "./records.js";
import type { TopoServer } from "./server.js";
import { updateShardReplicationFields } from "./shard-replication.js";
import { parseTabletAlias, tabletAliasEqual } from "./tablet-alias.js";

/** A tablet record with the version it was read at. */
export interface TabletInfo {
  tablet: Tablet;
  version: Version;
}

function aliasOf(tablet: Tablet): TabletAlias {
  // A programming error, not a topology condition: every stored tablet is keyed by its alias.
  if (!tablet.alias)
    throw new Error(`tablet record without an alias (hostname ${JSON.stringify(tablet.hostname)})`);
  return tablet.alias;
}

/** NoNode when the tablet does not exist. */
export async function getTablet(ts: TopoServer, alias: TabletAlias): Promise<TabletInfo> {
  const conn = await ts.connForCell(alias.cell);
  const path = tabletPath(alias);
  const { contents, version } = await conn.get(path);
  return { tablet: decodeRecord(Tablet, contents, path), version };
}

/**
 * Creates the tablet record in its cell and lists it in its shard's ShardReplication (as Vitess's CreateTablet).
 * NodeExists when the alias is taken.
 */
export async function createTablet(ts: TopoServer, tablet: Tablet): Promise<TabletInfo> {
  const alias = aliasOf(tablet);
  const conn = await ts.connForCell(alias.cell);
  const version = await conn.create(tabletPath(alias), encodeRecord(Tablet, tablet));
  await addToShardReplication(ts, tablet);
  return { tablet, version };
}

/** Writes `info.tablet` if the record is still at `info.version`; BadVersion otherwise. */
export async function updateTablet(ts: TopoServer, info: TabletInfo): Promise<TabletInfo> {
  const alias = aliasOf(info.tablet);
  const conn = await ts.connForCell(alias.cell);
  const version = await conn.update(tabletPath(alias), encodeRecord(Tablet, info.tablet), info.version);
  return { ...info, version };
}

/** Read-mutate-write with retries on concurrent updates (see Mutator). NoNode when the tablet does not exist. */
export async function updateTabletFields(
  ts: TopoServer,
  alias: TabletAlias,
  mutate: Mutator<Tablet>,
): Promise<TabletInfo> {
  const conn = await ts.connForCell(alias.cell);
  const { value, version } = await mutateRecord(conn, Tablet, tabletPath(alias), mutate);
  return { tablet: value, version };
}

/** Deletes the tablet record and drops it from its shard's ShardReplication. NoNode when it does not exist. */
export async function deleteTablet(ts: TopoServer, alias: TabletAlias): Promise<void> {
  const { tablet } = await getTablet(ts, alias);
  const conn = await ts.connForCell(alias.cell);
  await conn.delete(tabletPath(alias), null);
  if (tablet.keyspace === "" || tablet.shard === "") return;
  try {
    await updateShardReplicationFields(ts, alias.cell, tablet.keyspace, tablet.shard, (replication) => {
      const before = replication.nodes.length;
      replication.nodes = replication.nodes.filter((node) => !tabletAliasEqual(node.tabletAlias, alias));
      return replication.nodes.length !== before;
    });
  } catch (err) {
    // Nothing listed the tablet: nothing to remove.
    if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
  }
}

/** The aliases of every tablet registered in `cell`, sorted; [] when there are none. */
export async function getTabletAliasesByCell(ts: TopoServer, cell: string): Promise<TabletAlias[]> {
  const conn = await ts.connForCell(cell);
  let names: string[];
  try {
    names = await conn.list(TABLETS_DIR);
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) return [];
    throw err;
  }
  return names.map(parseTabletAlias);
}

/** Every tablet record of `cell` in one read, sorted by alias. */
export async function getTabletsByCell(ts: TopoServer, cell: string): Promise<TabletInfo[]> {
  const conn = await ts.connForCell(cell);
  const files = await conn.listRecursive(TABLETS_DIR);
  return files
    .filter((file) => file.path.endsWith("/Tablet"))
    .map((file) => ({ tablet: decodeRecord(Tablet, file.contents, file.path), version: file.version }));
}

async function addToShardReplication(ts: TopoServer, tablet: Tablet): Promise<void> {
  const alias = aliasOf(tablet);
  if (tablet.keyspace === "" || tablet.shard === "") return; // A tablet not yet in a shard (Vitess allows it).
  await updateShardReplicationFields(ts, alias.cell, tablet.keyspace, tablet.shard, (replication) => {
    if (replication.nodes.some((node) => tabletAliasEqual(node.tabletAlias, alias))) return false;
    replication.nodes.push({ tabletAlias: alias });
    return true;
  });
}
