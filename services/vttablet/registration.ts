import type { Logger } from "pino";
import { Keyspace, type Shard, Tablet, TabletType } from "../../libs/proto/topodata.js";
import { Keyspace as KeyspaceVSchema } from "../../libs/proto/vschema.js";
import {
  createKeyspace,
  createShard,
  createTablet,
  getCellInfo,
  getShard,
  getTablet,
  isTopoError,
  type ShardInfo,
  TopoErrorCode,
  type TopoServer,
  tabletAliasEqual,
  tabletAliasString,
  updateShardReplicationFields,
  updateTabletFields,
  vschemaPath,
} from "../../libs/topo/index.js";
import { Code, VtError } from "../../libs/vterrors/index.js";
import { compareTime, tabletTypeName, timeNow } from "./tablet-state.js";

async function ignoreExists(create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NodeExists)) return false;
    throw err;
  }
}

/** Fails unless the cell is registered in the global topology (vtctldclient AddCellInfo). */
export async function checkCell(ts: TopoServer, cell: string): Promise<void> {
  try {
    await getCellInfo(ts, cell);
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) {
      throw new VtError(
        Code.FAILED_PRECONDITION,
        `cell ${cell} does not exist in the global topology: add it with vtctldclient AddCellInfo`,
        { cause: err },
      );
    }
    throw err;
  }
}

/**
 * Creates the keyspace (with an empty VSchema) and the shard when absent, as Vitess's GetOrCreateShard; tablets
 * starting together race harmlessly. Returns the shard record.
 */
export async function ensureKeyspaceAndShard(
  ts: TopoServer,
  keyspace: string,
  shard: string,
  logger: Logger,
): Promise<ShardInfo> {
  if (await ignoreExists(() => createKeyspace(ts, keyspace, Keyspace.create()))) {
    logger.info({ keyspace }, "created keyspace");
  }
  await ignoreExists(() =>
    ts.globalConn.create(vschemaPath(keyspace), KeyspaceVSchema.encode(KeyspaceVSchema.create()).finish()),
  );
  if (await ignoreExists(() => createShard(ts, keyspace, shard)))
    logger.info({ keyspace, shard }, "created shard");
  return getShard(ts, keyspace, shard);
}

/**
 * The type a (re)starting tablet takes, as Vitess's checkPrimaryShip: PRIMARY when the shard record names it, or
 * when its old record says PRIMARY with a term later than the shard's; otherwise its init type.
 */
export function startingType(
  initType: TabletType,
  shard: Shard,
  existing: Tablet | undefined,
  desired: Tablet,
): Pick<Tablet, "type" | "primaryTermStartTime"> {
  const alias = desired.alias;
  if (shard.primaryAlias && tabletAliasEqual(shard.primaryAlias, alias)) {
    if (existing?.type === TabletType.PRIMARY) {
      return { type: TabletType.PRIMARY, primaryTermStartTime: existing.primaryTermStartTime };
    }
    return {
      type: TabletType.PRIMARY,
      primaryTermStartTime: existing ? shard.primaryTermStartTime : timeNow(),
    };
  }
  if (
    existing?.type === TabletType.PRIMARY &&
    compareTime(existing.primaryTermStartTime, shard.primaryTermStartTime) > 0
  ) {
    return { type: TabletType.PRIMARY, primaryTermStartTime: existing.primaryTermStartTime };
  }
  return { type: initType, primaryTermStartTime: undefined };
}

/**
 * Writes the tablet's record: created on first start; on a restart the same record is updated in place (its
 * tags kept), refusing a record of another keyspace or shard. Lists the tablet in its cell's ShardReplication.
 * Returns the stored record.
 */
export async function registerTablet(
  ts: TopoServer,
  desired: Tablet,
  initType: TabletType,
  shard: Shard,
  logger: Logger,
): Promise<Tablet> {
  const alias = desired.alias;
  if (!alias) throw new VtError(Code.INVALID_ARGUMENT, "tablet record without alias");
  let existing: Tablet | undefined;
  try {
    existing = (await getTablet(ts, alias)).tablet;
  } catch (err) {
    if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
  }
  if (existing && (existing.keyspace !== desired.keyspace || existing.shard !== desired.shard)) {
    throw new VtError(
      Code.FAILED_PRECONDITION,
      `tablet ${tabletAliasString(alias)} is already registered in ${existing.keyspace}/${existing.shard}, ` +
        `not ${desired.keyspace}/${desired.shard}: delete it first (vtctldclient DeleteTablets)`,
    );
  }
  const record: Tablet = { ...desired, ...startingType(initType, shard, existing, desired) };
  let stored: Tablet;
  if (!existing) {
    try {
      stored = (await createTablet(ts, record)).tablet;
      logger.info({ type: tabletTypeName(record.type) }, "registered tablet record");
      return stored;
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NodeExists)) throw err;
    }
  }
  stored = (
    await updateTabletFields(ts, alias, (tablet) => {
      const tags = tablet.tags;
      Object.assign(tablet, Tablet.fromPartial({ ...record, tags: { ...tags, ...record.tags } }));
    })
  ).tablet;
  await updateShardReplicationFields(ts, alias.cell, desired.keyspace, desired.shard, (replication) => {
    if (replication.nodes.some((node) => tabletAliasEqual(node.tabletAlias, alias))) return false;
    replication.nodes.push({ tabletAlias: alias });
    return true;
  });
  logger.info({ type: tabletTypeName(stored.type) }, "updated existing tablet record");
  return stored;
}
