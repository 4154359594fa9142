import type { Tablet, TabletAlias } from "../../proto/topodata.js";
import type { Duration } from "../../proto/vttime.js";
import { getTablet, isTopoError, TopoErrorCode, tabletAliasString } from "../../topo/index.js";
import { invalidArgument } from "../../vterrors/index.js";
import { durationMs, findTablet, getKeyspaceOrNotFound, tabletMapForShard } from "../common.js";
import { isPromotable, parseDurabilityPolicy } from "../durability.js";
import type { VtctlEnv } from "../env.js";
import { getShardOrNotFound } from "../shards.js";
import { ReparentLog, type ReparentScope } from "./common.js";

/** Where a reparent runs and how long it waits for replicas (--wait-replicas-timeout, else the default). */
export interface ScopeRequest {
  keyspace: string;
  shard: string;
  waitReplicasTimeout: Duration | undefined;
  defaultWaitReplicasTimeoutMs: number;
  /** Source file named in the log events vtctldclient prints. */
  logFile: string;
}

/** Checks the keyspace and shard exist, reads the keyspace's durability policy and starts the reparent's log. */
export async function openScope(env: VtctlEnv, request: ScopeRequest): Promise<ReparentScope> {
  const { keyspace, shard } = request;
  const record = await getKeyspaceOrNotFound(env.ts, keyspace);
  await getShardOrNotFound(env, keyspace, shard);
  return {
    env,
    keyspace,
    shard,
    durability: parseDurabilityPolicy(record.durabilityPolicy),
    log: new ReparentLog(env, request.logFile),
    waitReplicasTimeoutMs: durationMs(request.waitReplicasTimeout, request.defaultWaitReplicasTimeoutMs),
  };
}

/**
 * The primary-elect's record, or INVALID_ARGUMENT when it is not a tablet of keyspace/shard or cannot be
 * promoted: `tablet zone1-0000000200 is not in shard commerce/0`.
 */
export async function checkPrimaryElect(
  env: VtctlEnv,
  keyspace: string,
  shard: string,
  alias: TabletAlias,
  tablets?: Map<string, Tablet>,
): Promise<Tablet> {
  const name = tabletAliasString(alias);
  let tablet: Tablet | undefined;
  if (tablets) {
    tablet = findTablet(tablets, alias);
  } else {
    try {
      tablet = (await getTablet(env.ts, alias)).tablet;
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
      throw invalidArgument(`tablet ${name} is not in shard ${keyspace}/${shard}: no such tablet`);
    }
    if (tablet.keyspace === keyspace && tablet.shard === shard) {
      tablet = findTablet(await tabletMapForShard(env.ts, keyspace, shard), alias) ?? tablet;
    }
  }
  if (!tablet || tablet.keyspace !== keyspace || tablet.shard !== shard) {
    const where = tablet ? ` (it is in ${tablet.keyspace}/${tablet.shard})` : "";
    throw invalidArgument(`tablet ${name} is not in shard ${keyspace}/${shard}${where}`);
  }
  if (!isPromotable(tablet)) {
    throw invalidArgument(
      `tablet ${name} cannot be promoted: only a REPLICA or PRIMARY tablet can be primary`,
    );
  }
  return tablet;
}
