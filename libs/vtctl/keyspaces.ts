import { Keyspace, KeyspaceType } from "../proto/topodata.js";
import { Keyspace as KeyspaceVSchema } from "../proto/vschema.js";
import type { Shard as VtctldShard } from "../proto/vtctldata.js";
import {
  createKeyspace,
  deleteKeyspace,
  deleteSrvKeyspace,
  getCellInfoNames,
  getKeyspace,
  getKeyspaceNames,
  getShardNames,
  getShards,
  getVSchema,
  isTopoError,
  lockKeyspace,
  saveVSchema,
  TopoErrorCode,
  updateKeyspaceFields,
} from "../topo/index.js";
import { alreadyExists, invalidArgument } from "../vterrors/index.js";
import { getKeyspaceOrNotFound, requireName } from "./common.js";
import { parseDurabilityPolicy } from "./durability.js";
import type { VtctldHandlers, VtctlEnv } from "./env.js";
import { deleteShardCompletely } from "./shards.js";
import { rebuildSrvVSchema } from "./srv-vschema.js";

type KeyspaceHandlers = Pick<
  VtctldHandlers,
  | "createKeyspace"
  | "getKeyspace"
  | "getKeyspaces"
  | "deleteKeyspace"
  | "findAllShardsInKeyspace"
  | "setKeyspaceDurabilityPolicy"
>;

/** Vitess's default sidecar database name. */
const DEFAULT_SIDECAR_DB_NAME = "_vt";

export function keyspaceHandlers(env: VtctlEnv): KeyspaceHandlers {
  const { ts, logger } = env;
  return {
    async createKeyspace(request) {
      const name = requireName("keyspace", request.name);
      parseDurabilityPolicy(request.durabilityPolicy);
      const keyspace = Keyspace.create({
        keyspaceType: request.type,
        durabilityPolicy: request.durabilityPolicy,
        sidecarDbName: request.sidecarDbName !== "" ? request.sidecarDbName : DEFAULT_SIDECAR_DB_NAME,
      });
      switch (request.type) {
        case KeyspaceType.NORMAL:
          break;
        case KeyspaceType.SNAPSHOT:
          if (request.baseKeyspace === "")
            throw invalidArgument("--base-keyspace is required for a snapshot keyspace");
          if (!request.snapshotTime)
            throw invalidArgument("--snapshot-timestamp is required for a snapshot keyspace");
          keyspace.baseKeyspace = request.baseKeyspace;
          keyspace.snapshotTime = request.snapshotTime;
          break;
        default:
          throw invalidArgument(`invalid keyspace type ${request.type} for keyspace ${name}`);
      }
      let stored = keyspace;
      try {
        await createKeyspace(ts, name, keyspace);
      } catch (err) {
        if (!isTopoError(err, TopoErrorCode.NodeExists)) throw err;
        if (!request.force) throw alreadyExists(`keyspace ${name} already exists`);
        logger.info({ keyspace: name }, "keyspace already exists; proceeding due to --force");
        stored = await getKeyspaceOrNotFound(ts, name);
      }
      if (!request.allowEmptyVSchema) await ensureVSchema(name);
      // As Vitess: every cell's SrvVSchema learns of the new keyspace.
      await rebuildSrvVSchema(ts, []);
      return { keyspace: { name, keyspace: stored } };
    },

    async getKeyspace(request) {
      const name = requireName("keyspace", request.keyspace);
      return { keyspace: { name, keyspace: await getKeyspaceOrNotFound(ts, name) } };
    },

    async getKeyspaces() {
      const keyspaces = [];
      for (const name of await getKeyspaceNames(ts)) {
        try {
          keyspaces.push({ name, keyspace: (await getKeyspace(ts, name)).keyspace });
        } catch (err) {
          // A directory without a Keyspace record (leftover shard data) is not a keyspace.
          if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
        }
      }
      return { keyspaces };
    },

    async deleteKeyspace(request) {
      const name = requireName("keyspace", request.keyspace);
      await getKeyspaceOrNotFound(ts, name);
      const shardNames = await getShardNames(ts, name);
      if (shardNames.length > 0 && !request.recursive) throw stillHasShards(name, shardNames);
      const remove = async (): Promise<void> => {
        const shards = await getShardNames(ts, name);
        if (shards.length > 0 && !request.recursive) throw stillHasShards(name, shards);
        for (const shard of shards) {
          await deleteShardCompletely(env, name, shard, {
            recursive: true,
            evenIfServing: true,
            force: request.force,
          });
        }
        for (const cell of await getCellInfoNames(ts)) {
          await ignoreNoNode(deleteSrvKeyspace(ts, cell, name));
        }
        await deleteKeyspace(ts, name);
      };
      await withKeyspaceLockOrForce(env, name, `DeleteKeyspace(${name})`, request.force, remove);
      // As Vitess: the keyspace leaves every cell's SrvVSchema.
      await rebuildSrvVSchema(ts, []);
      return {};
    },

    async findAllShardsInKeyspace(request) {
      const name = requireName("keyspace", request.keyspace);
      await getKeyspaceOrNotFound(ts, name);
      const shards: Record<string, VtctldShard> = {};
      for (const info of await getShards(ts, name))
        shards[info.shardName] = { keyspace: name, name: info.shardName, shard: info.shard };
      return { shards };
    },

    async setKeyspaceDurabilityPolicy(request) {
      const name = requireName("keyspace", request.keyspace);
      parseDurabilityPolicy(request.durabilityPolicy);
      await getKeyspaceOrNotFound(ts, name);
      const info = await lockKeyspace(ts, name, "SetKeyspaceDurabilityPolicy", () =>
        updateKeyspaceFields(ts, name, (keyspace) => {
          keyspace.durabilityPolicy = request.durabilityPolicy;
        }),
      );
      return { keyspace: info.keyspace };
    },
  };

  /** Vitess's EnsureVSchema: a new keyspace gets an empty VSchema unless it has one. */
  async function ensureVSchema(keyspace: string): Promise<void> {
    try {
      await getVSchema(ts, keyspace);
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
      await saveVSchema(ts, keyspace, KeyspaceVSchema.create());
    }
  }
}

function stillHasShards(keyspace: string, shards: readonly string[]) {
  return invalidArgument(
    `keyspace ${keyspace} still has ${shards.length} shard(s) (${shards.join(", ")}); ` +
      "use --recursive or remove them manually",
  );
}

async function ignoreNoNode(operation: Promise<void>): Promise<void> {
  try {
    await operation;
  } catch (err) {
    if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
  }
}

/** Runs `fn` under the keyspace lock; with `force`, runs it anyway when the lock cannot be taken. */
async function withKeyspaceLockOrForce(
  env: VtctlEnv,
  keyspace: string,
  action: string,
  force: boolean,
  fn: () => Promise<void>,
): Promise<void> {
  let locked = false;
  try {
    await lockKeyspace(env.ts, keyspace, action, async () => {
      locked = true;
      await fn();
    });
  } catch (err) {
    if (locked || !force) throw err;
    env.logger.warn({ keyspace, err }, "cannot lock the keyspace; proceeding due to --force");
    await fn();
  }
}
