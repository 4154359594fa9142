import { quoteString } from "../../mysql/sql-literal.js";
import {
  BinlogSource,
  Filter,
  VReplicationWorkflowSubType,
  VReplicationWorkflowType,
} from "../../proto/binlogdata.js";
import { getRoutingRules, saveRoutingRules } from "../../topo/index.js";
import { errorCode, errorMessage, VtError } from "../../vterrors/index.js";
import type { VtctlEnv } from "../env.js";
import { rebuildSrvVSchema } from "../srv-vschema.js";
import { setDeniedTables } from "./denied-tables.js";
import type { ShardPrimary, TargetStreams } from "./load.js";
import { ruleList, ruleMap, switchWriteRules } from "./routing-rules.js";
import { TabletOps } from "./tablet-ops.js";

/** One direction of a write switch: writes of `tables` move from keyspace `from` to keyspace `to`. */
export interface WritesPlan {
  tables: string[];
  from: string;
  to: string;
  fromPrimaries: ShardPrimary[];
  toPrimaries: ShardPrimary[];
  /** The workflow replicating from → to, with its streams on the `to` primaries. */
  streamsWorkflow: string;
  streams: TargetStreams[];
  /** The workflow replicating back (to → from) on the `from` primaries: created when missing. */
  reverseWorkflow: string;
  enableReverseReplication: boolean;
  /** How long the streams may take to reach the `from` primaries' positions. */
  timeoutMs: number;
}

/** What switching writes does, for --dry-run. */
export function describeSwitchWrites(plan: WritesPlan): string[] {
  const fromShards = plan.fromPrimaries.map((p) => p.shard).join(",");
  const toShards = plan.toPrimaries.map((p) => p.shard).join(",");
  return [
    `Lock keyspace ${plan.from}`,
    `Lock keyspace ${plan.to}`,
    `Stop writes on keyspace ${plan.from} for tables [${plan.tables.join(",")}]: [keyspace:${plan.from};shards:${fromShards}]`,
    `Wait for vreplication on stopped streams to catchup for up to ${plan.timeoutMs / 1000}s`,
    `Stop vreplication streams of workflow ${plan.streamsWorkflow} on [keyspace:${plan.to};shards:${toShards}]`,
    plan.enableReverseReplication
      ? `Create reverse vreplication workflow ${plan.reverseWorkflow}`
      : "Reverse replication is disabled: no reverse workflow",
    `Routing rules for tables [${plan.tables.join(",")}] will be updated to keyspace ${plan.to}`,
    `Allow writes on keyspace ${plan.to} for tables [${plan.tables.join(",")}]`,
    ...(plan.enableReverseReplication ? [`Start reverse vreplication workflow ${plan.reverseWorkflow}`] : []),
    `Unlock keyspace ${plan.to}`,
    `Unlock keyspace ${plan.from}`,
  ];
}

/**
 * Switches writes (Vitess's switchWrites), the caller holding both keyspace locks: deny writes on `from`,
 * wait for every stream to reach the `from` primaries' positions, freeze the streams, prepare the reverse
 * workflow at the `to` primaries' positions, point the routing rules at `to`, allow writes there and start the
 * reverse workflow. Any failure before the routing rules change undoes the steps taken, in reverse order.
 */
export async function switchWrites(env: VtctlEnv, plan: WritesPlan): Promise<void> {
  const ops = new TabletOps(env);
  const undo: (() => Promise<void>)[] = [];
  try {
    for (const { shard } of plan.fromPrimaries) {
      await setDeniedTables(env, plan.from, shard, plan.tables, true);
      undo.push(() => setDeniedTables(env, plan.from, shard, plan.tables, false));
    }
    await Promise.all(plan.fromPrimaries.map(({ primary }) => ops.refreshState(primary)));
    undo.push(async () => {
      await Promise.all(plan.fromPrimaries.map(({ primary }) => ops.refreshState(primary)));
    });

    await Promise.all(plan.fromPrimaries.map(({ primary }) => ops.drainWrites(primary, plan.tables)));

    const fromPositions = new Map<string, string>();
    for (const { shard, primary } of plan.fromPrimaries)
      fromPositions.set(shard, await ops.primaryPosition(primary));
    for (const target of plan.streams) {
      for (const stream of target.workflow.streams) {
        const position = fromPositions.get(stream.bls?.shard ?? "");
        if (position === undefined || position === "") continue;
        await ops.waitForPos(target.primary, stream.id, position, plan.timeoutMs);
      }
    }

    for (const target of plan.streams) {
      await ops.setState(target.primary, plan.streamsWorkflow, "Stopped", "FROZEN");
      undo.push(() => ops.setState(target.primary, plan.streamsWorkflow, "Running", ""));
    }

    if (plan.enableReverseReplication) await prepareReverse(env, ops, plan, undo);
  } catch (err) {
    for (const step of undo.reverse()) {
      await step().catch((undoErr: unknown) =>
        env.logger.error({ err: errorMessage(undoErr) }, "SwitchTraffic: rolling back a step failed"),
      );
    }
    throw new VtError(
      errorCode(err),
      `failed to switch writes, the previous state was restored: ${errorMessage(err)}`,
      { cause: err },
    );
  }

  const rules = ruleMap(await getRoutingRules(env.ts));
  switchWriteRules(rules, plan.tables, plan.from, plan.to);
  await saveRoutingRules(env.ts, ruleList(rules));
  await rebuildSrvVSchema(env.ts, []);

  for (const { shard } of plan.toPrimaries) await setDeniedTables(env, plan.to, shard, plan.tables, false);
  await Promise.all(plan.toPrimaries.map(({ primary }) => ops.refreshState(primary)));
  if (plan.enableReverseReplication) {
    for (const { primary } of plan.fromPrimaries)
      await ops.setState(primary, plan.reverseWorkflow, "Running", "");
  }
}

/**
 * The reverse workflow on each `from` primary, stopped, positioned at the `to` primaries' current positions
 * (so it replays exactly what is written after the switch): created with one stream per `to` shard when it
 * does not exist yet, else repositioned.
 */
async function prepareReverse(
  env: VtctlEnv,
  ops: TabletOps,
  plan: WritesPlan,
  undo: (() => Promise<void>)[],
): Promise<void> {
  const toPositions = new Map<string, string>();
  for (const { shard, primary } of plan.toPrimaries)
    toPositions.set(shard, await ops.primaryPosition(primary));
  const filter = Filter.fromPartial({
    rules: plan.tables.map((table) => ({ match: table, filter: `select * from \`${table}\`` })),
  });
  for (const { primary } of plan.fromPrimaries) {
    const client = env.tmc.forTablet(primary);
    let existing = await client.readVReplicationWorkflow(
      { workflow: plan.reverseWorkflow },
      { timeoutMs: env.remoteOperationTimeoutMs },
    );
    if (existing.streams.length === 0) {
      await client.createVReplicationWorkflow(
        {
          workflow: plan.reverseWorkflow,
          binlogSource: plan.toPrimaries.map(({ shard }) =>
            BinlogSource.fromPartial({ keyspace: plan.to, shard, filter }),
          ),
          cells: [],
          tabletTypes: [],
          tabletSelectionPreference: 0,
          workflowType: VReplicationWorkflowType.MoveTables,
          workflowSubType: VReplicationWorkflowSubType.None,
          deferSecondaryKeys: false,
          autoStart: false,
          stopAfterCopy: false,
          options: "",
        },
        { timeoutMs: env.remoteOperationTimeoutMs },
      );
      undo.push(() => ops.deleteWorkflow(primary, plan.reverseWorkflow));
      existing = await client.readVReplicationWorkflow(
        { workflow: plan.reverseWorkflow },
        { timeoutMs: env.remoteOperationTimeoutMs },
      );
    } else {
      undo.push(() => ops.setState(primary, plan.reverseWorkflow, "Stopped", "FROZEN"));
    }
    for (const stream of existing.streams) {
      const position = toPositions.get(stream.bls?.shard ?? "") ?? "";
      await ops.exec(
        primary,
        `update _vt.vreplication set pos = ${quoteString(position)}, state = 'Stopped', message = '' where id = ${stream.id}`,
      );
    }
  }
}
