import { parseShardName } from "../key/index.js";
import { Keyspace, type TabletAlias } from "../proto/topodata.js";
import {
  createKeyspace,
  createShard,
  deleteShard,
  deleteShardReplication,
  deleteTablet,
  getCellInfoNames,
  getShard,
  getSrvKeyspace,
  getTabletsByCell,
  isTopoError,
  lockShard,
  type ShardInfo,
  TopoErrorCode,
} from "../topo/index.js";
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from "../vterrors/index.js";
import { aliasOf, getKeyspaceOrNotFound, requireName, tabletMapForShard } from "./common.js";
import type { VtctldHandlers, VtctlEnv } from "./env.js";

type ShardHandlers = Pick<VtctldHandlers, "createShard" | "getShard" | "deleteShards">;

/** Checks a shard name ("0" or a key range such as "-80"); INVALID_ARGUMENT naming it otherwise. */
export function checkShardName(shard: string): string {
  requireName("shard", shard);
  parseShardName(shard); // KeyError → INVALID_ARGUMENT
  return shard;
}

/** The shard record, or NOT_FOUND naming keyspace/shard. */
export async function getShardOrNotFound(env: VtctlEnv, keyspace: string, shard: string): Promise<ShardInfo> {
  try {
    return await getShard(env.ts, keyspace, shard);
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) throw notFound(`shard ${keyspace}/${shard} not found`);
    throw err;
  }
}

export function shardHandlers(env: VtctlEnv): ShardHandlers {
  const { ts } = env;
  return {
    async createShard(request) {
      const keyspace = requireName("keyspace", request.keyspace);
      const shard = checkShardName(request.shardName);
      let keyspaceRecord: Keyspace;
      try {
        keyspaceRecord = await getKeyspaceOrNotFound(ts, keyspace);
      } catch (err) {
        if (!request.includeParent) {
          throw notFound(`keyspace ${keyspace} not found; use --include-parent to create it`, { cause: err });
        }
        keyspaceRecord = Keyspace.create();
        try {
          await createKeyspace(ts, keyspace, keyspaceRecord);
        } catch (createErr) {
          if (!isTopoError(createErr, TopoErrorCode.NodeExists)) throw createErr;
          keyspaceRecord = await getKeyspaceOrNotFound(ts, keyspace);
        }
      }
      let shardAlreadyExists = false;
      try {
        await createShard(ts, keyspace, shard);
      } catch (err) {
        if (!isTopoError(err, TopoErrorCode.NodeExists)) throw err;
        if (!request.force) throw alreadyExists(`shard ${keyspace}/${shard} already exists`);
        shardAlreadyExists = true;
      }
      const info = await getShardOrNotFound(env, keyspace, shard);
      return {
        keyspace: { name: keyspace, keyspace: keyspaceRecord },
        shard: { keyspace, name: shard, shard: info.shard },
        shardAlreadyExists,
      };
    },

    async getShard(request) {
      const keyspace = requireName("keyspace", request.keyspace);
      const shard = requireName("shard", request.shardName);
      const info = await getShardOrNotFound(env, keyspace, shard);
      return { shard: { keyspace, name: shard, shard: info.shard } };
    },

    async deleteShards(request) {
      if (request.shards.length === 0) throw invalidArgument("no shards to delete");
      const targets = request.shards.map((s) => ({
        keyspace: requireName("keyspace", s.keyspace),
        shard: requireName("shard", s.name),
      }));
      const options = {
        recursive: request.recursive,
        evenIfServing: request.evenIfServing,
        force: request.force,
      };
      // Check every shard first, so a refusal leaves all of them in place.
      for (const { keyspace, shard } of targets) await checkShardDeletable(env, keyspace, shard, options);
      for (const { keyspace, shard } of targets) await deleteShardCompletely(env, keyspace, shard, options);
      return {};
    },
  };
}

export interface DeleteShardOptions {
  /** Also delete the shard's tablets (required when it has any). */
  recursive: boolean;
  /** Delete even when a SrvKeyspace still routes to the shard. */
  evenIfServing: boolean;
  /** Proceed without the shard lock when it cannot be taken. */
  force: boolean;
}

/** Cells whose SrvKeyspace for the keyspace has a partition referencing the shard. */
async function shardServingCells(env: VtctlEnv, keyspace: string, shard: string): Promise<string[]> {
  const serving: string[] = [];
  for (const cell of await getCellInfoNames(env.ts)) {
    try {
      const srv = await getSrvKeyspace(env.ts, cell, keyspace);
      if (srv.partitions.some((p) => p.shardReferences.some((ref) => ref.name === shard))) serving.push(cell);
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
    }
  }
  return serving;
}

/** Tablets of keyspace/shard per cell: the ShardReplication listing, plus any cell tablet naming the shard. */
async function shardTabletsByCell(env: VtctlEnv, keyspace: string, shard: string) {
  const byCell = new Map<string, TabletAlias[]>();
  const listed = [...(await tabletMapForShard(env.ts, keyspace, shard)).values()];
  for (const cell of await getCellInfoNames(env.ts)) {
    const aliases = new Map<string, TabletAlias>();
    for (const tablet of listed) if (tablet.alias?.cell === cell) aliases.set(aliasOf(tablet), tablet.alias);
    for (const { tablet } of await getTabletsByCell(env.ts, cell)) {
      if (tablet.alias && tablet.keyspace === keyspace && tablet.shard === shard) {
        aliases.set(aliasOf(tablet), tablet.alias);
      }
    }
    if (aliases.size > 0) byCell.set(cell, [...aliases.values()]);
  }
  return byCell;
}

async function checkShardDeletable(
  env: VtctlEnv,
  keyspace: string,
  shard: string,
  options: DeleteShardOptions,
): Promise<boolean> {
  try {
    await getShard(env.ts, keyspace, shard);
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) return false; // Vitess cleans up leftovers of a missing shard.
    throw err;
  }
  if (!options.evenIfServing) {
    const cells = await shardServingCells(env, keyspace, shard);
    if (cells.length > 0) {
      throw failedPrecondition(
        `shard ${keyspace}/${shard} is still serving in cell(s) ${cells.join(", ")}; ` +
          "cannot delete it; use --even-if-serving to delete anyway",
      );
    }
  }
  if (!options.recursive) {
    for (const [cell, tablets] of await shardTabletsByCell(env, keyspace, shard)) {
      throw invalidArgument(
        `shard ${keyspace}/${shard} still has ${tablets.length} tablet(s) in cell ${cell}; ` +
          "use --recursive or remove them manually",
      );
    }
  }
  return true;
}

/**
 * Vitess's deleteShard: refuses a serving shard (unless evenIfServing) or one with tablets (unless recursive,
 * then deletes them), removes the ShardReplication of every cell, then the Shard record. A shard without a
 * record only gets its leftovers cleaned.
 */
export async function deleteShardCompletely(
  env: VtctlEnv,
  keyspace: string,
  shard: string,
  options: DeleteShardOptions,
): Promise<void> {
  const { ts } = env;
  const cleanReplication = async (): Promise<void> => {
    for (const cell of await getCellInfoNames(ts)) {
      try {
        await deleteShardReplication(ts, cell, keyspace, shard);
      } catch (err) {
        if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
      }
    }
  };
  if (!(await checkShardDeletable(env, keyspace, shard, options))) {
    await cleanReplication();
    return;
  }
  const remove = async (): Promise<void> => {
    await checkShardDeletable(env, keyspace, shard, options);
    for (const tablets of (await shardTabletsByCell(env, keyspace, shard)).values()) {
      for (const alias of tablets) {
        try {
          await deleteTablet(ts, alias);
        } catch (err) {
          if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
        }
      }
    }
    await cleanReplication();
    await deleteShard(ts, keyspace, shard);
  };
  let locked = false;
  try {
    await lockShard(ts, keyspace, shard, `DeleteShard(${keyspace}/${shard})`, async () => {
      locked = true;
      await remove();
    });
  } catch (err) {
    if (locked || !options.force) throw err;
    env.logger.warn({ keyspace, shard, err }, "cannot lock the shard; proceeding due to --force");
    await remove();
  }
}
