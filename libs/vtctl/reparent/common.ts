import { hostname } from "node:os";
import { type Event, Level } from "../../proto/logutil.js";
import type { Status } from "../../proto/replicationdata.js";
import { type Tablet, TabletType } from "../../proto/topodata.js";
import { getTablet, tabletAliasEqual, updateShardFields } from "../../topo/index.js";
import { Code, errorMessage, VtError, withContext } from "../../vterrors/index.js";
import { aliasOf, nowTime, timeMs } from "../common.js";
import { type DurabilityPolicy, isReplicaSemiSync, semiSyncAckers } from "../durability.js";
import type { VtctlEnv } from "../env.js";

/**
 * The log of one reparent: returned to the caller as logutil events (vtctldclient prints them) and written to
 * vtctld's own log.
 */
export class ReparentLog {
  readonly events: Event[] = [];

  constructor(
    private readonly env: VtctlEnv,
    private readonly file: string,
  ) {}

  info(message: string): void {
    this.add(Level.INFO, message);
    this.env.logger.info(message);
  }

  warn(message: string): void {
    this.add(Level.WARNING, message);
    this.env.logger.warn(message);
  }

  private add(level: Level, value: string): void {
    this.events.push({ time: nowTime(), level, file: this.file, line: 0, value });
  }
}

/** What every step of a reparent needs. */
export interface ReparentScope {
  env: VtctlEnv;
  keyspace: string;
  shard: string;
  durability: DurabilityPolicy;
  log: ReparentLog;
  /** Bound of each wait for replication (Vitess's --wait-replicas-timeout). */
  waitReplicasTimeoutMs: number;
}

/** Unix nanoseconds as the decimal string the reparent journal RPCs take. */
export function nowNanos(): string {
  return (BigInt(Date.now()) * 1_000_000n).toString();
}

/** The tablet of `tablets` that is PRIMARY with the latest term (Vitess's FindCurrentPrimary). */
export function findCurrentPrimary(tablets: Iterable<Tablet>): Tablet | undefined {
  let current: Tablet | undefined;
  for (const tablet of tablets) {
    if (tablet.type !== TabletType.PRIMARY) continue;
    if (!current || timeMs(tablet.primaryTermStartTime) > timeMs(current.primaryTermStartTime))
      current = tablet;
  }
  return current;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", hostname()]);

function sameHost(a: string, b: string): boolean {
  return a === b || (LOCAL_HOSTS.has(a) && LOCAL_HOSTS.has(b));
}

/** Whether a replica's status says it replicates from `primary`'s mysqld (server id = uid, or host:port). */
export function replicatesFrom(status: Status | undefined, primary: Tablet): boolean {
  if (!status || status.sourceHost === "") return false;
  if (status.sourceServerId !== 0 && primary.alias) return status.sourceServerId === primary.alias.uid;
  return status.sourcePort === primary.mysqlPort && sameHost(status.sourceHost, primary.mysqlHostname);
}

/**
 * Records `primary` as the shard's primary (primary_alias and primary_term_start_time), taking the term start
 * from the tablet's own record when the tablet already wrote it.
 */
export async function updateShardPrimary(scope: ReparentScope, primary: Tablet): Promise<void> {
  const { env, keyspace, shard } = scope;
  let term = nowTime();
  if (primary.alias) {
    try {
      const fresh = (await getTablet(env.ts, primary.alias)).tablet;
      if (
        fresh.type === TabletType.PRIMARY &&
        timeMs(fresh.primaryTermStartTime) > 0 &&
        fresh.primaryTermStartTime
      ) {
        term = fresh.primaryTermStartTime;
      }
    } catch (err) {
      scope.log.warn(
        `cannot read the new primary's record, using the current time as its term start: ${errorMessage(err)}`,
      );
    }
  }
  await updateShardFields(env.ts, keyspace, shard, (record) => {
    if (
      tabletAliasEqual(record.primaryAlias, primary.alias) &&
      timeMs(record.primaryTermStartTime) >= timeMs(term)
    ) {
      return false;
    }
    record.primaryAlias = primary.alias;
    record.primaryTermStartTime = term;
    return true;
  });
  scope.log.info(`updated the shard record of ${keyspace}/${shard}: primary is ${aliasOf(primary)}`);
}

export interface RepointOptions {
  /** The reparent journal entry's action name (PlannedReparentShard, EmergencyReparentShard, ...). */
  actionName: string;
  /** Position the new primary started its term at, written to the reparent journal. */
  journalPosition: string;
  /** Vitess's forceStartReplication: start replication even if it was stopped. */
  forceStartReplication: boolean;
  /** Tablets (alias strings) to leave alone. */
  skip?: ReadonlySet<string>;
  /** Whether a failed replica fails the reparent (PRS) or is only logged (ERS). */
  failOnReplicaError: boolean;
}

/**
 * Points every other tablet of the shard at the new primary with SetReplicationSource, concurrently with
 * writing the reparent journal entry on the new primary (with semi-sync, that write waits for a replica).
 */
export async function repointReplicas(
  scope: ReparentScope,
  newPrimary: Tablet,
  tablets: ReadonlyMap<string, Tablet>,
  options: RepointOptions,
): Promise<void> {
  const { env, log } = scope;
  const timeCreatedNs = nowNanos();
  const primaryAlias = aliasOf(newPrimary);
  const waits = { timeoutMs: scope.waitReplicasTimeoutMs };
  const replicas = [...tablets].filter(([alias]) => alias !== primaryAlias && !options.skip?.has(alias));
  const repoints = replicas.map(async ([alias, tablet]) => {
    log.info(`setting new primary ${primaryAlias} on replica ${alias}`);
    try {
      await env.tmc.forTablet(tablet).setReplicationSource(
        {
          parent: newPrimary.alias,
          timeCreatedNs,
          forceStartReplication: options.forceStartReplication,
          waitPosition: "",
          semiSync: isReplicaSemiSync(scope.durability, newPrimary, tablet),
          heartbeatInterval: 0,
        },
        waits,
      );
    } catch (err) {
      throw withContext(err, `tablet ${alias} failed to SetReplicationSource(${primaryAlias})`);
    }
  });
  log.info(`populating reparent journal on new primary ${primaryAlias}`);
  const journal = env.tmc.forTablet(newPrimary).populateReparentJournal(
    {
      timeCreatedNs,
      actionName: options.actionName,
      primaryAlias: newPrimary.alias,
      replicationPosition: options.journalPosition,
    },
    waits,
  );
  const [journalResult, ...replicaResults] = await Promise.allSettled([journal, ...repoints]);
  if (journalResult?.status === "rejected") {
    throw withContext(journalResult.reason, `failed to PopulateReparentJournal on primary ${primaryAlias}`);
  }
  const failures = replicaResults.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  for (const failure of failures) log.warn(errorMessage(failure.reason));
  if (failures.length > 0 && options.failOnReplicaError) {
    const first = failures[0]?.reason;
    throw new VtError(
      first instanceof VtError ? first.code : Code.UNKNOWN,
      `some replicas failed to reparent; retry with the same new primary (${primaryAlias}) to retry failed ` +
        `replicas: ${failures.map((f) => errorMessage(f.reason)).join("; ")}`,
    );
  }
}

/** The request PromoteReplica and InitPrimary take: semi-sync on when the durability policy wants acks. */
export function promotionRequest(scope: ReparentScope): { semiSync: boolean } {
  return { semiSync: semiSyncAckers(scope.durability) > 0 };
}

/** The last steps of every reparent: record the new primary in the shard, then repoint the other tablets. */
export async function completePromotion(
  scope: ReparentScope,
  newPrimary: Tablet,
  tablets: ReadonlyMap<string, Tablet>,
  options: RepointOptions,
): Promise<void> {
  await updateShardPrimary(scope, newPrimary);
  await repointReplicas(scope, newPrimary, tablets, options);
}
