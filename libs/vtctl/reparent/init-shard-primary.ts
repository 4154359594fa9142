import { TabletType } from "../../proto/topodata.js";
import type { InitShardPrimaryRequest, InitShardPrimaryResponse } from "../../proto/vtctldata.js";
import { getShard, lockShard, tabletAliasEqual, tabletAliasString } from "../../topo/index.js";
import { Code, errorMessage, failedPrecondition, VtError, withContext } from "../../vterrors/index.js";
import { aliasOf, requireAlias, requireName, tabletDbName, tabletMapForShard } from "../common.js";
import { isReplicaSemiSync } from "../durability.js";
import type { VtctlEnv } from "../env.js";
import { nowNanos, promotionRequest, updateShardPrimary } from "./common.js";
import { checkPrimaryElect, openScope } from "./scope.js";

const ACTION = "InitShardPrimary";
/** Vitess's InitShardPrimary default --wait-replicas-timeout. */
const DEFAULT_WAIT_MS = 30_000;

/**
 * Vitess's InitShardPrimary, for a fresh shard: reset replication everywhere, InitPrimary on the chosen tablet,
 * InitReplica on every other tablet at the primary's position, and record the primary in the shard. Refuses
 * when the shard already has another primary, unless --force.
 */
export async function initShardPrimary(
  env: VtctlEnv,
  request: InitShardPrimaryRequest,
): Promise<InitShardPrimaryResponse> {
  const keyspace = requireName("keyspace", request.keyspace);
  const shard = requireName("shard", request.shard);
  const electAlias = requireAlias(request.primaryElectTabletAlias, "primary_elect_tablet_alias");
  await checkPrimaryElect(env, keyspace, shard, electAlias);
  const scope = await openScope(env, {
    keyspace,
    shard,
    waitReplicasTimeout: request.waitReplicasTimeout,
    defaultWaitReplicasTimeoutMs: DEFAULT_WAIT_MS,
    logFile: "init-shard-primary.ts",
  });
  const { log } = scope;
  const electName = tabletAliasString(electAlias);
  const rpc = { timeoutMs: env.remoteOperationTimeoutMs };
  const waits = { timeoutMs: scope.waitReplicasTimeoutMs };

  await lockShard(env.ts, keyspace, shard, `${ACTION}(${electName})`, async (lock) => {
    const { shard: record } = await getShard(env.ts, keyspace, shard);
    const tablets = await tabletMapForShard(env.ts, keyspace, shard);
    const elect = await checkPrimaryElect(env, keyspace, shard, electAlias, tablets);
    if (record.primaryAlias && !tabletAliasEqual(record.primaryAlias, electAlias)) {
      const message = `shard ${keyspace}/${shard} already has primary ${tabletAliasString(record.primaryAlias)}`;
      if (!request.force)
        throw failedPrecondition(`${message}; use --force to make ${electName} the primary anyway`);
      log.warn(`${message}; proceeding anyway as --force was used`);
    }
    const otherPrimaries = [...tablets.values()].filter(
      (t) => t.type === TabletType.PRIMARY && !tabletAliasEqual(t.alias, electAlias),
    );
    if (otherPrimaries.length > 0) {
      const message = `tablet(s) ${otherPrimaries.map(aliasOf).join(", ")} of ${keyspace}/${shard} are PRIMARY`;
      if (!request.force)
        throw failedPrecondition(`${message}; use --force to make ${electName} the primary anyway`);
      log.warn(`${message}; proceeding anyway as --force was used`);
    }

    log.info("resetting replication on all tablets");
    const resets = await Promise.allSettled(
      [...tablets.values()].map((t) =>
        env.tmc
          .forTablet(t)
          .resetReplication({}, waits)
          .catch((err: unknown) => {
            throw withContext(
              err,
              `tablet ${aliasOf(t)} ResetReplication failed (either fix it, or delete it)`,
            );
          }),
      ),
    );
    const resetFailures = resets.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (resetFailures.length > 0) {
      throw new VtError(
        Code.FAILED_PRECONDITION,
        resetFailures.map((f) => errorMessage(f.reason)).join("; "),
      );
    }
    await lock.check();

    log.info(`initializing primary on ${electName}`);
    const { position } = await env.tmc
      .forTablet(elect)
      .initPrimary(promotionRequest(scope), rpc)
      .catch((err: unknown) => {
        throw withContext(err, `InitPrimary on ${electName} failed`);
      });
    await lock.check();

    log.info("reparenting all tablets");
    const timeCreatedNs = nowNanos();
    const journal = env.tmc
      .forTablet(elect)
      .populateReparentJournal(
        { timeCreatedNs, actionName: ACTION, primaryAlias: electAlias, replicationPosition: position },
        waits,
      );
    const replicas = [...tablets.values()]
      .filter((t) => !tabletAliasEqual(t.alias, electAlias))
      .map((t) =>
        env.tmc
          .forTablet(t)
          .initReplica(
            {
              parent: electAlias,
              replicationPosition: position,
              timeCreatedNs,
              semiSync: isReplicaSemiSync(scope.durability, elect, t),
            },
            waits,
          )
          .catch((err: unknown) => {
            throw withContext(err, `tablet ${aliasOf(t)} InitReplica failed`);
          }),
      );
    try {
      await journal;
    } catch (err) {
      await Promise.allSettled(replicas);
      throw withContext(err, "failed to PopulateReparentJournal on primary");
    }
    await updateShardPrimary(scope, elect);
    // Replicas see the database through replication; the tablets created it already, so this is a safety net.
    const createDb = `CREATE DATABASE IF NOT EXISTS \`${tabletDbName(elect).replaceAll("`", "``")}\``;
    await env.tmc
      .forTablet(elect)
      .executeFetchAsDba(
        {
          query: Buffer.from(createDb),
          dbName: "",
          maxRows: 1,
          disableBinlogs: false,
          reloadSchema: true,
          disableForeignKeyChecks: false,
        },
        rpc,
      )
      .catch((err: unknown) => {
        throw withContext(err, "failed to create database");
      });
    await env.tmc
      .forTablet(elect)
      .refreshState({}, rpc)
      .catch((err: unknown) => log.warn(`RefreshState on ${electName} failed: ${errorMessage(err)}`));
    const results = await Promise.allSettled(replicas);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failures.length > 0) {
      throw new VtError(Code.UNKNOWN, failures.map((f) => errorMessage(f.reason)).join("; "));
    }
  });
  return { events: log.events };
}
