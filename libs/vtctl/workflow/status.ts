import { rowsAsStrings } from "../../mysql/query-result.js";
import { quoteString } from "../../mysql/sql-literal.js";
import { VReplicationWorkflowState, vReplicationWorkflowStateToJSON } from "../../proto/binlogdata.js";
import type { ReadVReplicationWorkflowResponse_Stream } from "../../proto/tabletmanagerdata.js";
import type { Tablet } from "../../proto/topodata.js";
import type {
  WorkflowStatusResponse,
  WorkflowStatusResponse_ShardStreams,
  WorkflowStatusResponse_TableCopyState,
} from "../../proto/vtctldata.js";
import { getRoutingRules } from "../../topo/index.js";
import { tabletDbName } from "../common.js";
import type { VtctlEnv } from "../env.js";
import { CopyRateTracker, formatEta } from "./copy-rate.js";
import type { WorkflowInfo } from "./load.js";
import { ruleMap } from "./routing-rules.js";
import { trafficState, trafficStateString } from "./state.js";

/** A stream whose time_updated is older than this while it should be moving is reported as stalled. */
export const STALLED_AFTER_S = 60;

/** Seconds since the stream last recorded progress or a source heartbeat (time_updated, time_heartbeat). */
export function streamLagSeconds(stream: ReadVReplicationWorkflowResponse_Stream, nowS: number): number {
  const updated = Math.max(stream.timeUpdated?.seconds ?? 0, stream.timeHeartbeat?.seconds ?? 0);
  return updated > 0 ? Math.max(0, nowS - updated) : 0;
}

/**
 * How far the target is behind its source (Vitess's transaction lag, which SwitchTraffic checks): seconds
 * since the source commit time of the last transaction applied, or since the last source heartbeat when that
 * is more recent (nothing to apply since). Unlike time_updated, which a throttled or idle stream keeps
 * moving, this grows while the stream falls behind. A stream that recorded neither yet falls back to
 * time_updated.
 */
export function transactionLagSeconds(stream: ReadVReplicationWorkflowResponse_Stream, nowS: number): number {
  const applied = Math.max(stream.transactionTimestamp?.seconds ?? 0, stream.timeHeartbeat?.seconds ?? 0);
  if (applied === 0) return streamLagSeconds(stream, nowS);
  return Math.max(0, nowS - applied);
}

/** The status line's "info" of a stream, as Vitess: the error, copy progress (with `copy`), or the VStream lag. */
export function streamInfo(
  stream: ReadVReplicationWorkflowResponse_Stream,
  nowS: number,
  copy?: string,
): string {
  const lag = streamLagSeconds(stream, nowS);
  const stalled = lag >= STALLED_AFTER_S ? `; stalled: no progress for ${lag}s` : "";
  switch (stream.state) {
    case VReplicationWorkflowState.Error:
      return stream.message;
    case VReplicationWorkflowState.Copying:
    case VReplicationWorkflowState.Init:
      return `Copying: ${copy ?? `${stream.rowsCopied} rows copied`}${stalled}`;
    case VReplicationWorkflowState.Running:
      return `VStream Lag: ${lag}s${stalled}`;
    default:
      return stream.message;
  }
}

export function stateName(state: VReplicationWorkflowState): string {
  return vReplicationWorkflowStateToJSON(state);
}

async function query(env: VtctlEnv, tablet: Tablet, sql: string): Promise<(string | null)[][]> {
  const { result } = await env.tmc.forTablet(tablet).executeFetchAsDba(
    {
      query: Buffer.from(sql),
      dbName: tabletDbName(tablet),
      maxRows: 10_000,
      disableBinlogs: false,
      reloadSchema: false,
      disableForeignKeyChecks: false,
    },
    { timeoutMs: env.remoteOperationTimeoutMs },
  );
  return result ? rowsAsStrings(result) : [];
}

/** Tables still in the copy phase on the target shards (their `_vt.copy_state` rows). */
async function tablesBeingCopied(env: VtctlEnv, info: WorkflowInfo): Promise<Set<string>> {
  const tables = new Set<string>();
  for (const target of info.targets) {
    const ids = target.workflow.streams.map((s) => s.id);
    const result = await env.tmc
      .forTablet(target.primary)
      .vReplicationExec(
        { query: `select distinct table_name from _vt.copy_state where vrepl_id in (${ids.join(", ")})` },
        { timeoutMs: env.remoteOperationTimeoutMs },
      );
    for (const [name] of result.result ? rowsAsStrings(result.result) : []) if (name) tables.add(name);
  }
  return tables;
}

/**
 * Copy progress of each table still being copied: rows now in the target (counted) against the source's row
 * estimate (information_schema, often stale: never below what was copied).
 */
async function tableCopyState(
  env: VtctlEnv,
  info: WorkflowInfo,
  sourcePrimary: Tablet | undefined,
): Promise<Record<string, WorkflowStatusResponse_TableCopyState>> {
  const copying = info.targets.some((t) =>
    t.workflow.streams.some(
      (s) => s.state === VReplicationWorkflowState.Copying || s.state === VReplicationWorkflowState.Init,
    ),
  );
  if (!copying) return {};
  const tables = [...(await tablesBeingCopied(env, info))].sort();
  const states: Record<string, WorkflowStatusResponse_TableCopyState> = {};
  for (const table of tables) {
    let copied = 0;
    for (const target of info.targets) {
      const rows = await query(env, target.primary, `select count(*) from \`${table}\``).catch(() => []);
      copied += Number(rows[0]?.[0] ?? 0);
    }
    let total = copied;
    if (sourcePrimary) {
      const rows = await query(
        env,
        sourcePrimary,
        `select table_rows from information_schema.tables where table_schema = ${quoteString(tabletDbName(sourcePrimary))} and table_name = ${quoteString(table)}`,
      ).catch(() => []);
      total = Math.max(copied, Number(rows[0]?.[0] ?? 0) * info.sourceShards.length);
    }
    states[table] = {
      rowsCopied: copied,
      rowsTotal: total,
      rowsPercentage: total === 0 ? 0 : Math.round((copied / total) * 10_000) / 100,
      bytesCopied: 0,
      bytesTotal: 0,
      bytesPercentage: 0,
    };
  }
  return states;
}

/** WorkflowStatus (MoveTables status): copy progress, each stream's state and info, and the traffic state. */
export async function workflowStatus(
  env: VtctlEnv,
  info: WorkflowInfo,
  sourcePrimary: Tablet | undefined,
  rates: CopyRateTracker = new CopyRateTracker(),
): Promise<WorkflowStatusResponse> {
  const nowMs = Date.now();
  const nowS = Math.floor(nowMs / 1000);
  const tableStates = await tableCopyState(env, info, sourcePrimary).catch(() => ({}));
  const key = `${info.targetKeyspace}.${info.name}`;
  let copy: string | undefined;
  const states = Object.values(tableStates);
  if (states.length > 0) {
    const copied = states.reduce((sum, t) => sum + t.rowsCopied, 0);
    const total = states.reduce((sum, t) => sum + t.rowsTotal, 0);
    const rate = rates.observe(key, copied, nowMs);
    const pct = total === 0 ? 0 : Math.round((copied / total) * 1000) / 10;
    copy = `${copied}/${total} rows (${pct}%), ETA ${formatEta(total - copied, rate)}`;
  } else {
    rates.forget(key);
  }
  const shardStreams: Record<string, WorkflowStatusResponse_ShardStreams> = {};
  for (const target of info.targets) {
    shardStreams[`${info.targetKeyspace}/${target.shard}`] = {
      streams: target.workflow.streams.map((stream) => ({
        id: stream.id,
        tablet: target.primary.alias,
        sourceShard: `${stream.bls?.keyspace ?? ""}/${stream.bls?.shard ?? ""}`,
        position: stream.pos,
        status: stateName(stream.state),
        info: streamInfo(stream, nowS, copy),
      })),
    };
  }
  const rules = ruleMap(await getRoutingRules(env.ts));
  return {
    tableCopyState: tableStates,
    shardStreams,
    trafficState: trafficStateString(trafficState(rules, info.tables, info.targetKeyspace)),
  };
}
