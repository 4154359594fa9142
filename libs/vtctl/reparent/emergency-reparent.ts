import { parsePosition, positionAtLeast } from "../../mysql/replication/index.js";
import { StopReplicationMode } from "../../proto/replicationdata.js";
import { type Tablet, TabletType } from "../../proto/topodata.js";
import type { EmergencyReparentShardRequest, EmergencyReparentShardResponse } from "../../proto/vtctldata.js";
import { lockShard, tabletAliasEqual, tabletAliasString } from "../../topo/index.js";
import { errorMessage, failedPrecondition, invalidArgument, withContext } from "../../vterrors/index.js";
import { aliasOf, compareAliases, requireName, tabletMapForShard } from "../common.js";
import { isPromotable } from "../durability.js";
import { DEFAULT_WAIT_REPLICAS_TIMEOUT_MS, type VtctlEnv } from "../env.js";
import { completePromotion, findCurrentPrimary, promotionRequest, type ReparentScope } from "./common.js";
import { checkPrimaryElect, openScope } from "./scope.js";

const ACTION = "EmergencyReparentShard";

interface Candidate {
  tablet: Tablet;
  /** What the candidate will have applied once its relay logs are: the relay log position, else executed. */
  target: string;
}

/**
 * Vitess's EmergencyReparentShard, for a shard whose primary is gone: stop replication on every reachable
 * replica, let each apply its relay logs, promote the most advanced (or --new-primary when it is at least as
 * advanced), and point the others at it.
 */
export async function emergencyReparentShard(
  env: VtctlEnv,
  request: EmergencyReparentShardRequest,
): Promise<EmergencyReparentShardResponse> {
  const keyspace = requireName("keyspace", request.keyspace);
  const shard = requireName("shard", request.shard);
  const ignored = new Set(request.ignoreReplicas.map(tabletAliasString));
  if (request.newPrimary) {
    if (ignored.has(tabletAliasString(request.newPrimary))) {
      throw invalidArgument(
        `--new-primary ${tabletAliasString(request.newPrimary)} is also in --ignore-replicas`,
      );
    }
    await checkPrimaryElect(env, keyspace, shard, request.newPrimary);
  }
  const scope = await openScope(env, {
    keyspace,
    shard,
    waitReplicasTimeout: request.waitReplicasTimeout,
    defaultWaitReplicasTimeoutMs: DEFAULT_WAIT_REPLICAS_TIMEOUT_MS,
    logFile: "emergency-reparent.ts",
  });
  const { log } = scope;
  let promoted: Tablet | undefined;
  await lockShard(
    env.ts,
    keyspace,
    shard,
    `${ACTION}(${request.newPrimary ? tabletAliasString(request.newPrimary) : ""})`,
    async (lock) => {
      const tablets = await tabletMapForShard(env.ts, keyspace, shard);
      const requested = request.newPrimary
        ? await checkPrimaryElect(env, keyspace, shard, request.newPrimary, tablets)
        : undefined;
      const oldPrimary = findCurrentPrimary(tablets.values());
      const candidates = await stopReplication(scope, tablets, ignored);
      await waitForRelayLogs(scope, candidates);
      const chosen = chooseCandidate(scope, candidates, requested, oldPrimary);
      await lock.check();
      const chosenAlias = aliasOf(chosen);
      log.info(`promoting ${chosenAlias} to primary`);
      const { position } = await env.tmc
        .forTablet(chosen)
        .promoteReplica(promotionRequest(scope), { timeoutMs: env.remoteOperationTimeoutMs })
        .catch((err: unknown) => {
          throw withContext(err, `failed to promote ${chosenAlias} to primary`);
        });
      await completePromotion(scope, chosen, tablets, {
        actionName: ACTION,
        journalPosition: position,
        forceStartReplication: true,
        skip: ignored,
        failOnReplicaError: false,
      });
      promoted = chosen;
    },
  );
  return { keyspace, shard, promotedPrimary: promoted?.alias, events: log.events };
}

/**
 * Stops replication (IO thread) on every reachable tablet not ignored and returns the promotable ones with their
 * positions. A tablet still claiming PRIMARY is demoted if it answers. Unreachable tablets are logged and left
 * out.
 */
async function stopReplication(
  scope: ReparentScope,
  tablets: Map<string, Tablet>,
  ignored: ReadonlySet<string>,
): Promise<Candidate[]> {
  const { env, log } = scope;
  const rpc = { timeoutMs: scope.waitReplicasTimeoutMs };
  log.info("stopping replication on all reachable tablets");
  const results = await Promise.all(
    [...tablets].map(async ([alias, tablet]): Promise<Candidate | undefined> => {
      if (ignored.has(alias)) return undefined;
      const client = env.tmc.forTablet(tablet);
      try {
        if (tablet.type === TabletType.PRIMARY) {
          await client.demotePrimary({ force: true }, rpc);
          log.info(`demoted the old primary ${alias}, which is still reachable`);
          return undefined;
        }
        const { status } = await client.stopReplicationAndGetStatus(
          { stopReplicationMode: StopReplicationMode.IOTHREADONLY },
          rpc,
        );
        const after = status?.after ?? status?.before;
        if (!after) throw new Error("no replication status returned");
        if (!isPromotable(tablet)) return undefined;
        return { tablet, target: after.relayLogPosition !== "" ? after.relayLogPosition : after.position };
      } catch (err) {
        log.warn(`cannot stop replication on ${alias}, leaving it out: ${errorMessage(err)}`);
        return undefined;
      }
    }),
  );
  const candidates = results.filter((c): c is Candidate => c !== undefined);
  if (candidates.length === 0)
    throw failedPrecondition(`no reachable replica of ${scope.keyspace}/${scope.shard} to promote`);
  return candidates;
}

/** Waits for each candidate to apply what its relay logs hold. */
async function waitForRelayLogs(scope: ReparentScope, candidates: Candidate[]): Promise<void> {
  const { env, log } = scope;
  log.info("waiting for the candidates to apply their relay logs");
  await Promise.all(
    candidates.map(({ tablet, target }) =>
      env.tmc
        .forTablet(tablet)
        .waitForPosition({ position: target }, { timeoutMs: scope.waitReplicasTimeoutMs })
        .catch((err: unknown) => {
          throw withContext(
            err,
            `could not apply all relay logs on ${aliasOf(tablet)} within the wait-replicas-timeout`,
          );
        }),
    ),
  );
}

/** The most advanced candidate (ties: the old primary's cell, then the lowest alias), or the requested one. */
function chooseCandidate(
  scope: ReparentScope,
  candidates: Candidate[],
  requested: Tablet | undefined,
  oldPrimary: Tablet | undefined,
) {
  const parsed = candidates.map((c) => ({ ...c, position: parsePosition(c.target) }));
  const rank = (a: (typeof parsed)[number], b: (typeof parsed)[number]): number => {
    const aAhead = positionAtLeast(a.position, b.position);
    const bAhead = positionAtLeast(b.position, a.position);
    if (aAhead !== bAhead) return aAhead ? -1 : 1;
    const cell = oldPrimary?.alias?.cell;
    const aLocal = a.tablet.alias?.cell === cell;
    const bLocal = b.tablet.alias?.cell === cell;
    if (aLocal !== bLocal) return aLocal ? -1 : 1;
    return compareAliases(a.tablet.alias, b.tablet.alias);
  };
  parsed.sort(rank);
  const best = parsed[0] as (typeof parsed)[number];
  for (const other of parsed) {
    if (!positionAtLeast(best.position, other.position)) {
      scope.log.warn(`positions of ${aliasOf(best.tablet)} and ${aliasOf(other.tablet)} have diverged`);
    }
  }
  if (!requested) {
    scope.log.info(`${aliasOf(best.tablet)} is the most advanced replica (${best.target})`);
    return best.tablet;
  }
  const mine = parsed.find((c) => tabletAliasEqual(c.tablet.alias, requested.alias));
  if (!mine)
    throw failedPrecondition(`--new-primary ${aliasOf(requested)} is not reachable or not a replica`);
  if (!positionAtLeast(mine.position, best.position)) {
    throw failedPrecondition(
      `--new-primary ${aliasOf(requested)} (at ${mine.target}) is not the most advanced replica: ` +
        `${aliasOf(best.tablet)} is at ${best.target}`,
    );
  }
  return mine.tablet;
}
