import { parsePosition, positionAtLeast } from "../../mysql/replication/index.js";
import type { Tablet, TabletAlias } from "../../proto/topodata.js";
import type { PlannedReparentShardRequest, PlannedReparentShardResponse } from "../../proto/vtctldata.js";
import { getShard, lockShard, tabletAliasEqual, tabletAliasString } from "../../topo/index.js";
import { errorMessage, failedPrecondition, invalidArgument, withContext } from "../../vterrors/index.js";
import { aliasOf, requireName, tabletMapForShard } from "../common.js";
import { isPromotable } from "../durability.js";
import { DEFAULT_WAIT_REPLICAS_TIMEOUT_MS, type VtctlEnv } from "../env.js";
import {
  completePromotion,
  findCurrentPrimary,
  promotionRequest,
  type ReparentScope,
  replicatesFrom,
} from "./common.js";
import { checkPrimaryElect, openScope } from "./scope.js";

const ACTION = "PlannedReparentShard";

/**
 * Vitess's PlannedReparentShard: moves the primary role to `new_primary` (or away from `avoid_primary`) without
 * losing an acknowledged write. The old primary is demoted (read-only, final position) before the new one is
 * promoted, and only once the new one has applied everything up to that position; if anything fails before
 * the promotion, the old primary is restored.
 */
export async function plannedReparentShard(
  env: VtctlEnv,
  request: PlannedReparentShardRequest,
): Promise<PlannedReparentShardResponse> {
  const keyspace = requireName("keyspace", request.keyspace);
  const shard = requireName("shard", request.shard);
  if (
    request.newPrimary &&
    request.avoidPrimary &&
    tabletAliasEqual(request.newPrimary, request.avoidPrimary)
  ) {
    throw invalidArgument(
      `primary-elect tablet ${tabletAliasString(request.newPrimary)} is the same as the tablet to avoid`,
    );
  }
  // Validate the named tablet before taking the lock: a bad request changes nothing.
  if (request.newPrimary) await checkPrimaryElect(env, keyspace, shard, request.newPrimary);
  const scope = await openScope(env, {
    keyspace,
    shard,
    waitReplicasTimeout: request.waitReplicasTimeout,
    defaultWaitReplicasTimeoutMs: DEFAULT_WAIT_REPLICAS_TIMEOUT_MS,
    logFile: "planned-reparent.ts",
  });
  const { log } = scope;
  let promoted: TabletAlias | undefined;
  const action = `${ACTION}(${request.newPrimary ? tabletAliasString(request.newPrimary) : ""})`;
  await lockShard(env.ts, keyspace, shard, action, async (lock) => {
    const { shard: record } = await getShard(env.ts, keyspace, shard);
    const tablets = await tabletMapForShard(env.ts, keyspace, shard);
    const currentPrimary = findCurrentPrimary(tablets.values());
    let newPrimary: Tablet;
    if (request.newPrimary) {
      newPrimary = await checkPrimaryElect(env, keyspace, shard, request.newPrimary, tablets);
    } else {
      const avoid = request.avoidPrimary ?? record.primaryAlias;
      if (!avoid)
        throw invalidArgument(`shard ${keyspace}/${shard} has no primary: --new-primary is required`);
      if (request.avoidPrimary && !tabletAliasEqual(request.avoidPrimary, record.primaryAlias)) {
        log.info(
          `current primary is different than tablet to avoid (${tabletAliasString(avoid)}), nothing to do`,
        );
        promoted = record.primaryAlias;
        return;
      }
      newPrimary = await chooseNewPrimary(scope, tablets, avoid, currentPrimary);
    }
    promoted = newPrimary.alias;

    if (!currentPrimary && !record.primaryAlias) {
      await initialPromotion(scope, newPrimary, tablets);
    } else if (!currentPrimary) {
      throw failedPrecondition(
        `shard ${keyspace}/${shard} names ${tabletAliasString(record.primaryAlias as TabletAlias)} as primary but no ` +
          "tablet of the shard is PRIMARY; use EmergencyReparentShard",
      );
    } else if (tabletAliasEqual(currentPrimary.alias, newPrimary.alias)) {
      await partialPromotionRecovery(scope, newPrimary, tablets);
    } else {
      await gracefulPromotion(scope, currentPrimary, newPrimary, tablets, () => lock.check());
    }
  });
  return { keyspace, shard, promotedPrimary: promoted, events: log.events };
}

/** No primary was ever elected: InitPrimary on the primary-elect, then point everyone else at it. */
async function initialPromotion(scope: ReparentScope, newPrimary: Tablet, tablets: Map<string, Tablet>) {
  const { env, log } = scope;
  log.info(
    `shard ${scope.keyspace}/${scope.shard} has no primary yet; initializing ${aliasOf(newPrimary)} as its primary`,
  );
  const { position } = await env.tmc
    .forTablet(newPrimary)
    .initPrimary(promotionRequest(scope), { timeoutMs: scope.waitReplicasTimeoutMs })
    .catch((err: unknown) => {
      throw withContext(err, `primary-elect tablet ${aliasOf(newPrimary)} failed to be promoted to primary`);
    });
  await completePromotion(scope, newPrimary, tablets, {
    actionName: ACTION,
    journalPosition: position,
    forceStartReplication: true,
    failOnReplicaError: true,
  });
}

/** The primary-elect already is the primary: make sure it is writable and its replicas follow it. */
async function partialPromotionRecovery(scope: ReparentScope, primary: Tablet, tablets: Map<string, Tablet>) {
  const { env, log } = scope;
  const rpc = { timeoutMs: env.remoteOperationTimeoutMs };
  log.info(
    `${aliasOf(primary)} is already the primary; making sure it is writable and its replicas follow it`,
  );
  const client = env.tmc.forTablet(primary);
  await client.setReadWrite({}, rpc).catch((err: unknown) => {
    throw withContext(err, `failed to SetReadWrite on current primary ${aliasOf(primary)}`);
  });
  const { position } = await client.primaryPosition({}, rpc);
  await completePromotion(scope, primary, tablets, {
    actionName: ACTION,
    journalPosition: position,
    forceStartReplication: false,
    failOnReplicaError: true,
  });
}

async function gracefulPromotion(
  scope: ReparentScope,
  oldPrimary: Tablet,
  newPrimary: Tablet,
  tablets: Map<string, Tablet>,
  checkLock: () => Promise<void>,
) {
  const { env, log } = scope;
  const rpc = { timeoutMs: env.remoteOperationTimeoutMs };
  const waits = { timeoutMs: scope.waitReplicasTimeoutMs };
  const oldAlias = aliasOf(oldPrimary);
  const newAlias = aliasOf(newPrimary);
  const oldClient = env.tmc.forTablet(oldPrimary);
  const newClient = env.tmc.forTablet(newPrimary);

  // (b) The primary-elect must replicate from the current primary and keep up with it, or it cannot catch up.
  log.info(`checking that primary-elect ${newAlias} replicates from the current primary ${oldAlias}`);
  const { status } = await newClient.replicationStatus({}, rpc).catch((err: unknown) => {
    throw withContext(err, `cannot get the replication status of primary-elect ${newAlias}`);
  });
  if (!replicatesFrom(status, oldPrimary)) {
    throw failedPrecondition(
      `primary-elect tablet ${newAlias} does not replicate from the current primary ${oldAlias} ` +
        `(its source is ${status?.sourceHost || "<none>"}:${status?.sourcePort ?? 0}); ` +
        "replication must be healthy to perform PlannedReparentShard",
    );
  }
  const { position: snapshot } = await oldClient.primaryPosition({}, rpc).catch((err: unknown) => {
    throw withContext(err, `cannot get the position of the current primary ${oldAlias}; it must be healthy`);
  });
  await newClient.waitForPosition({ position: snapshot }, waits).catch((err: unknown) => {
    throw failedPrecondition(
      `replication on primary-elect ${newAlias} did not catch up with ${snapshot} in time: ${errorMessage(err)}`,
    );
  });

  // (c) Demote: the old primary stops taking writes and reports its final position.
  log.info(`demoting current primary ${oldAlias}`);
  const undo = async (why: string): Promise<void> => {
    log.warn(`${why}; undoing the demotion of ${oldAlias}`);
    try {
      await oldClient.undoDemotePrimary(promotionRequest(scope), rpc);
    } catch (err) {
      log.warn(`UndoDemotePrimary on ${oldAlias} failed: ${errorMessage(err)}`);
    }
  };
  let finalPosition: string;
  try {
    const demoted = await oldClient.demotePrimary({ force: false }, rpc);
    finalPosition = demoted.primaryStatus?.position ?? "";
  } catch (err) {
    await undo("DemotePrimary failed");
    throw withContext(err, `failed to DemotePrimary on current primary ${oldAlias}`);
  }

  // (d) The primary-elect applies everything the old primary acknowledged.
  log.info(`waiting for primary-elect ${newAlias} to reach ${finalPosition}`);
  try {
    await newClient.waitForPosition({ position: finalPosition }, waits);
    await checkLock();
  } catch (err) {
    await undo(`primary-elect ${newAlias} did not catch up`);
    throw withContext(
      err,
      `primary-elect tablet ${newAlias} failed to catch up with replication ${finalPosition}`,
    );
  }

  // (e) Promote, (f) record it, (g) repoint everyone else, the old primary included.
  log.info(`promoting ${newAlias} to primary`);
  const { position } = await newClient.promoteReplica(promotionRequest(scope), rpc).catch((err: unknown) => {
    throw withContext(err, `failed PromoteReplica(primary=${newAlias})`);
  });
  await completePromotion(scope, newPrimary, tablets, {
    actionName: ACTION,
    journalPosition: position,
    forceStartReplication: false,
    failOnReplicaError: true,
  });
}

/**
 * Vitess's ChooseNewPrimary: the most advanced promotable replica in the current primary's cell, other than
 * the tablet to avoid.
 */
async function chooseNewPrimary(
  scope: ReparentScope,
  tablets: Map<string, Tablet>,
  avoid: TabletAlias,
  currentPrimary: Tablet | undefined,
): Promise<Tablet> {
  const { env, log } = scope;
  const cell = currentPrimary?.alias?.cell ?? avoid.cell;
  const candidates = [...tablets.values()].filter(
    (t) =>
      t.alias?.cell === cell && !tabletAliasEqual(t.alias, avoid) && isPromotable(t) && t !== currentPrimary,
  );
  let best: { tablet: Tablet; position: ReturnType<typeof parsePosition> } | undefined;
  for (const tablet of candidates) {
    try {
      const { status } = await env.tmc
        .forTablet(tablet)
        .replicationStatus({}, { timeoutMs: env.remoteOperationTimeoutMs });
      const position = parsePosition(status?.position ?? "");
      if (!best || !positionAtLeast(best.position, position)) best = { tablet, position };
    } catch (err) {
      log.warn(`cannot get the replication status of candidate ${aliasOf(tablet)}: ${errorMessage(err)}`);
    }
  }
  if (!best) {
    throw failedPrecondition(
      `cannot find a tablet to reparent to in the same cell (${cell}) as the current primary of ` +
        `${scope.keyspace}/${scope.shard}`,
    );
  }
  log.info(`chose ${aliasOf(best.tablet)} as the new primary`);
  return best.tablet;
}
