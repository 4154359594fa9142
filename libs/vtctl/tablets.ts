import { type Tablet, type TabletAlias, TabletType, tabletTypeToJSON } from "../proto/topodata.js";
import {
  deleteTablet,
  getShard,
  getTablet,
  getTabletsByCell,
  isTopoError,
  lockShard,
  TopoErrorCode,
  tabletAliasEqual,
  tabletAliasString,
  updateShardFields,
} from "../topo/index.js";
import { Code, failedPrecondition, invalidArgument, notFound, VtError } from "../vterrors/index.js";
import {
  cellsOrAll,
  compareAliases,
  getKeyspaceOrNotFound,
  getTabletOrNotFound,
  nowTime,
  requireAlias,
  tabletDbName,
  tabletMapForShard,
  timeMs,
} from "./common.js";
import { isReplicaSemiSync, parseDurabilityPolicy } from "./durability.js";
import type { VtctldHandlers, VtctlEnv } from "./env.js";

type TabletHandlers = Pick<
  VtctldHandlers,
  | "getTablet"
  | "getTablets"
  | "deleteTablets"
  | "changeTabletType"
  | "refreshState"
  | "pingTablet"
  | "executeFetchAsDba"
>;

/**
 * An old primary that has not yet updated its record still says PRIMARY; like Vitess, report it as UNKNOWN
 * when another tablet of its shard has a later primary term.
 */
function adjustStalePrimaries(tablets: Tablet[]): Tablet[] {
  const latestTerm = new Map<string, number>();
  for (const t of tablets) {
    if (t.type !== TabletType.PRIMARY) continue;
    const key = `${t.keyspace}/${t.shard}`;
    latestTerm.set(key, Math.max(latestTerm.get(key) ?? 0, timeMs(t.primaryTermStartTime)));
  }
  return tablets.map((t) => {
    const latest = latestTerm.get(`${t.keyspace}/${t.shard}`) ?? 0;
    return t.type === TabletType.PRIMARY && timeMs(t.primaryTermStartTime) < latest
      ? { ...t, type: TabletType.UNKNOWN }
      : t;
  });
}

/** Vitess's IsTrivialTypeChange: the transitions ChangeTabletType may make. */
const TRIVIAL_TYPES = [
  new Set([TabletType.REPLICA, TabletType.RDONLY, TabletType.SPARE, TabletType.DRAINED]),
  new Set([TabletType.BACKUP, TabletType.RESTORE]),
];

function isTrivialTypeChange(from: TabletType, to: TabletType): boolean {
  return TRIVIAL_TYPES.some((group) => group.has(from) && group.has(to));
}

/** Vitess's IsPrimaryTablet: the record says PRIMARY and the shard agrees (or its term is later). */
async function isPrimaryTablet(env: VtctlEnv, tablet: Tablet): Promise<boolean> {
  if (tablet.type !== TabletType.PRIMARY) return false;
  const { shard } = await getShard(env.ts, tablet.keyspace, tablet.shard);
  if (tabletAliasEqual(shard.primaryAlias, tablet.alias)) return true;
  return timeMs(tablet.primaryTermStartTime) > timeMs(shard.primaryTermStartTime);
}

export function tabletHandlers(env: VtctlEnv): TabletHandlers {
  const { ts } = env;
  const rpc = { timeoutMs: env.remoteOperationTimeoutMs };
  return {
    async getTablet(request) {
      return { tablet: await getTabletOrNotFound(ts, requireAlias(request.tabletAlias)) };
    },

    async getTablets(request) {
      if (request.shard !== "" && request.keyspace === "") {
        throw invalidArgument(
          `--shard (= ${request.shard}) cannot be passed without also passing --keyspace`,
        );
      }
      const typeMatches = (t: Tablet) =>
        request.tabletType === TabletType.UNKNOWN || t.type === request.tabletType;
      if (request.tabletAliases.length > 0) {
        const tablets: Tablet[] = [];
        for (const alias of request.tabletAliases) {
          try {
            tablets.push((await getTablet(ts, alias)).tablet);
          } catch (err) {
            if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
            if (request.strict) throw notFound(`tablet ${tabletAliasString(alias)} not found`);
            env.logger.warn({ alias: tabletAliasString(alias) }, "GetTablets: tablet not found; continuing");
          }
        }
        return { tablets: adjustStalePrimaries(tablets).filter(typeMatches) };
      }
      if (request.keyspace !== "" && request.shard !== "") {
        const map = await tabletMapForShard(ts, request.keyspace, request.shard, request.cells);
        return { tablets: adjustStalePrimaries([...map.values()]).filter(typeMatches) };
      }
      const cells = await cellsOrAll(ts, request.cells);
      const perCell = await Promise.allSettled(cells.map((cell) => getTabletsByCell(ts, cell)));
      const tablets: Tablet[] = [];
      const failures: string[] = [];
      perCell.forEach((result, i) => {
        if (result.status === "fulfilled") tablets.push(...result.value.map((info) => info.tablet));
        else failures.push(`GetTabletsByCell(${cells[i]}) failed: ${(result.reason as Error).message}`);
      });
      if (failures.length > 0 && (request.strict || failures.length === cells.length)) {
        throw new VtError(Code.UNAVAILABLE, failures.join("; "));
      }
      for (const failure of failures) env.logger.warn(failure);
      const wanted = tablets.filter((t) => request.keyspace === "" || t.keyspace === request.keyspace);
      wanted.sort((a, b) => compareAliases(a.alias, b.alias));
      return { tablets: adjustStalePrimaries(wanted).filter(typeMatches) };
    },

    async deleteTablets(request) {
      if (request.tabletAliases.length === 0) throw invalidArgument("no tablets to delete");
      // Read and check every tablet first, so a refusal leaves all of them in place.
      const targets: { alias: TabletAlias; tablet: Tablet; primary: boolean }[] = [];
      for (const alias of request.tabletAliases) {
        const tablet = await getTabletOrNotFound(ts, requireAlias(alias));
        const primary = await isPrimaryTablet(env, tablet);
        if (primary && !request.allowPrimary) {
          throw failedPrecondition(
            `cannot delete tablet ${tabletAliasString(alias)} as it is a primary, pass --allow-primary`,
          );
        }
        targets.push({ alias, tablet, primary });
      }
      for (const { alias, tablet, primary } of targets) {
        if (!primary) {
          await deleteTablet(ts, alias);
          continue;
        }
        const action = `DeleteTablet(${tabletAliasString(alias)})`;
        await lockShard(ts, tablet.keyspace, tablet.shard, action, async () => {
          await updateShardFields(ts, tablet.keyspace, tablet.shard, (shard) => {
            if (!tabletAliasEqual(shard.primaryAlias, alias)) return false;
            shard.primaryAlias = undefined;
            shard.primaryTermStartTime = nowTime();
            return true;
          });
          await deleteTablet(ts, alias);
        });
      }
      return {};
    },

    async changeTabletType(request) {
      const alias = requireAlias(request.tabletAlias);
      if (request.dbType === TabletType.UNKNOWN) throw invalidArgument("a tablet type is required");
      const before = await getTabletOrNotFound(ts, alias);
      if (!isTrivialTypeChange(before.type, request.dbType)) {
        throw invalidArgument(
          `tablet ${tabletAliasString(alias)} type change ${tabletTypeToJSON(before.type)} -> ` +
            `${tabletTypeToJSON(request.dbType)} is not an allowed transition for ChangeTabletType`,
        );
      }
      if (request.dryRun) {
        return { beforeTablet: before, afterTablet: { ...before, type: request.dbType }, wasDryRun: true };
      }
      const durability = parseDurabilityPolicy(
        (await getKeyspaceOrNotFound(ts, before.keyspace)).durabilityPolicy,
      );
      const { shard } = await getShard(ts, before.keyspace, before.shard);
      let semiSync = false;
      if (shard.primaryAlias) {
        const primary = await getTabletOrNotFound(ts, shard.primaryAlias);
        semiSync = isReplicaSemiSync(durability, primary, { ...before, type: request.dbType });
      }
      await env.tmc.forTablet(before).changeType({ tabletType: request.dbType, semiSync }, rpc);
      let after: Tablet | undefined;
      try {
        after = (await getTablet(ts, alias)).tablet;
      } catch (err) {
        env.logger.warn({ err }, "cannot read back the tablet whose type was changed");
      }
      return { beforeTablet: before, afterTablet: after, wasDryRun: false };
    },

    async refreshState(request) {
      const tablet = await getTabletOrNotFound(ts, requireAlias(request.tabletAlias));
      await env.tmc.forTablet(tablet).refreshState({}, rpc);
      return {};
    },

    async pingTablet(request) {
      const tablet = await getTabletOrNotFound(ts, requireAlias(request.tabletAlias));
      await env.tmc.forTablet(tablet).ping({ payload: "ping" }, rpc);
      return {};
    },

    async executeFetchAsDba(request) {
      const alias = requireAlias(request.tabletAlias);
      if (request.maxRows < 0) throw invalidArgument(`MaxRows must be non-negative, got ${request.maxRows}`);
      if (request.query.trim() === "") throw invalidArgument("a query is required");
      const tablet = await getTabletOrNotFound(ts, alias);
      const response = await env.tmc.forTablet(tablet).executeFetchAsDba(
        {
          query: Buffer.from(request.query),
          dbName: tabletDbName(tablet),
          maxRows: request.maxRows,
          disableBinlogs: request.disableBinlogs,
          reloadSchema: request.reloadSchema,
          disableForeignKeyChecks: false,
        },
        rpc,
      );
      return { result: response.result };
    },
  };
}
