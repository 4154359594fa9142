import { isFullRange, keyRangeCompare, keyRangeString, keyRangesContiguous } from "../key/index.js";
import {
  KeyspaceType,
  type ShardReference,
  SrvKeyspace,
  type SrvKeyspace_KeyspacePartition,
  TabletType,
  tabletTypeToJSON,
} from "../proto/topodata.js";
import {
  getShards,
  getSrvKeyspace,
  getSrvKeyspaceNames,
  isTopoError,
  lockKeyspace,
  TopoErrorCode,
  updateSrvKeyspace,
} from "../topo/index.js";
import { failedPrecondition } from "../vterrors/index.js";
import { cellsOrAll, getKeyspaceOrNotFound, requireName } from "./common.js";
import type { VtctldHandlers, VtctlEnv } from "./env.js";

type ServingGraphHandlers = Pick<
  VtctldHandlers,
  "getSrvKeyspaces" | "getSrvKeyspaceNames" | "rebuildKeyspaceGraph"
>;

/** The tablet types a SrvKeyspace has partitions for. */
const SERVED_TYPES = [TabletType.PRIMARY, TabletType.REPLICA, TabletType.RDONLY];

/** Vitess's OrderAndCheckPartitions: shard references sorted by key range, covering the range without holes. */
function checkPartition(
  cell: string,
  keyspace: string,
  partition: SrvKeyspace_KeyspacePartition,
): string | undefined {
  const refs = partition.shardReferences;
  refs.sort((a, b) => keyRangeCompare(a.keyRange, b.keyRange));
  if (refs.length === 1 && isFullRange(refs[0]?.keyRange)) return undefined;
  const where = `keyspace partition for ${tabletTypeToJSON(partition.servedType)} in cell ${cell} of ${keyspace}`;
  const first = refs[0]?.keyRange;
  const last = refs[refs.length - 1]?.keyRange;
  if (first && first.start.length > 0) return `${where} does not start with the minimum key`;
  if (last && last.end.length > 0) return `${where} does not end with the maximum key`;
  for (let i = 1; i < refs.length; i++) {
    const previous = refs[i - 1] as ShardReference;
    const current = refs[i] as ShardReference;
    if (!keyRangesContiguous(previous.keyRange, current.keyRange)) {
      return `${where} has a gap or overlap between ${keyRangeString(previous.keyRange)} and ${keyRangeString(current.keyRange)}`;
    }
  }
  return undefined;
}

export function servingGraphHandlers(env: VtctlEnv): ServingGraphHandlers {
  const { ts } = env;
  return {
    async getSrvKeyspaces(request) {
      const keyspace = requireName("keyspace", request.keyspace);
      const srvKeyspaces: Record<string, SrvKeyspace> = {};
      for (const cell of await cellsOrAll(ts, request.cells)) {
        try {
          srvKeyspaces[cell] = await getSrvKeyspace(ts, cell, keyspace);
        } catch (err) {
          if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
          env.logger.info({ keyspace, cell }, "no SrvKeyspace");
        }
      }
      return { srvKeyspaces };
    },

    async getSrvKeyspaceNames(request) {
      const names: Record<string, { names: string[] }> = {};
      for (const cell of await cellsOrAll(ts, request.cells)) {
        names[cell] = { names: await getSrvKeyspaceNames(ts, cell) };
      }
      return { names };
    },

    async rebuildKeyspaceGraph(request) {
      const keyspace = requireName("keyspace", request.keyspace);
      const record = await getKeyspaceOrNotFound(ts, keyspace);
      await lockKeyspace(ts, keyspace, "RebuildKeyspace", async (lock) => {
        const serving = (await getShards(ts, keyspace)).filter((info) => info.shard.isPrimaryServing);
        const built = new Map<string, SrvKeyspace>();
        for (const cell of await cellsOrAll(ts, request.cells)) {
          // As Vitess: the cell's current throttler config survives the rebuild (the keyspace's otherwise).
          let throttlerConfig = record.throttlerConfig;
          try {
            throttlerConfig = (await getSrvKeyspace(ts, cell, keyspace)).throttlerConfig ?? throttlerConfig;
          } catch (err) {
            if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
          }
          const srv = SrvKeyspace.create({ throttlerConfig });
          if (serving.length > 0) {
            for (const servedType of SERVED_TYPES) {
              const shardReferences = serving.map((info) => ({
                name: info.shardName,
                keyRange: info.shard.keyRange,
              }));
              srv.partitions.push({ servedType, shardReferences, shardTabletControls: [] });
            }
          }
          const partial = record.keyspaceType === KeyspaceType.SNAPSHOT && request.allowPartial;
          for (const partition of srv.partitions) {
            const problem = checkPartition(cell, keyspace, partition);
            if (problem && !partial) throw failedPrecondition(problem);
          }
          built.set(cell, srv);
        }
        await lock.check();
        for (const [cell, srv] of built) await updateSrvKeyspace(ts, cell, keyspace, srv);
      });
      return {};
    },
  };
}
