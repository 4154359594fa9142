import type { Tablet, TabletAlias } from "../../proto/topodata.js";
import { getTablet, isTopoError, TopoErrorCode, tabletAliasString } from "../../topo/index.js";
import { invalidArgument } from "../../vterrors/index.js";
import { findTablet, getKeyspaceOrNotFound, tabletMapForShard } from "../common.js";
import { isPromotable, parseDurabilityPolicy } from "../durability.js";
import type { VtctlEnv } from "../env.js";
import { getShardOrNotFound } from "../shards.js";
import type { ReparentLog, ReparentScope } from "./common.js";

/** Checks the keyspace and shard exist and reads the keyspace's durability policy. */
export async function openScope(
  env: VtctlEnv,
  keyspace: string,
  shard: string,
  log: ReparentLog,
  waitReplicasTimeoutMs: number,
): Promise<ReparentScope> {
  const record = await getKeyspaceOrNotFound(env.ts, keyspace);
  await getShardOrNotFound(env, keyspace, shard);
  const durability = parseDurabilityPolicy(record.durabilityPolicy);
  return { env, keyspace, shard, durability, log, waitReplicasTimeoutMs };
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
