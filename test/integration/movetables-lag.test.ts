import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGrpcClient, type GrpcClientHandle } from "../../libs/grpc/index.js";
import { TabletManagerService } from "../../libs/proto/tabletmanagerservice.js";
import {
  applyCommerceSchema,
  type CommerceCluster,
  type ShardTablets,
  startCommerceCluster,
  startCustomerShard,
} from "../harness/cluster.js";
import type { Connection } from "../harness/mysqld.js";
import { waitFor } from "../harness/wait.js";

const MT = ["MoveTables", "--target-keyspace", "customer", "--workflow", "commerce2customer"];
const WORKFLOW = "commerce2customer";
/** Source transactions made while the stream applies at most one per second. */
const BACKLOG = 40;

let cluster: CommerceCluster | undefined;
let customer: ShardTablets | undefined;
let sourceDb: Connection | undefined;
let tm: GrpcClientHandle<typeof TabletManagerService> | undefined;

const ok = (...args: string[]): Promise<string> => (cluster as CommerceCluster).ok(...args);

/** The first row of `sql` run as the DBA on the target primary zone1-200. */
async function targetRow(sql: string): Promise<string[]> {
  const out = JSON.parse(await ok("ExecuteFetchAsDBA", "--json", "zone1-200", sql)) as { rows: string[][] };
  const row = out.rows[0];
  if (row === undefined) throw new Error(`no row from zone1-200 for: ${sql}`);
  return row.map(String);
}

/** Sets max_tps of the workflow's streams through VReplicationExec (which restarts them with it). */
async function setMaxTps(value: string): Promise<void> {
  await (tm as GrpcClientHandle<typeof TabletManagerService>).rpc.vReplicationExec({
    query: `update _vt.vreplication set max_tps = ${value} where workflow = '${WORKFLOW}'`,
  });
}

/** What SwitchTraffic may change: routing rules and both shards' tablet controls. */
async function switchableState(): Promise<string[]> {
  return [
    await ok("GetRoutingRules"),
    await ok("GetShard", "commerce/0"),
    await ok("GetShard", "customer/0"),
  ];
}

beforeAll(async () => {
  cluster = await startCommerceCluster("movetables-lag");
  await applyCommerceSchema(cluster as CommerceCluster);
  customer = await startCustomerShard(cluster as CommerceCluster, [{ uid: 200, type: "replica" }]);
  sourceDb = await (cluster.mysqlds[0] as CommerceCluster["mysqlds"][number]).connect("vt_dba", {
    database: "vt_commerce",
  });
  await sourceDb.query("insert into customer (email) values ('alice@domain.com'), ('bob@domain.com')");
  tm = createGrpcClient(
    TabletManagerService,
    (customer.tablets[0] as ShardTablets["tablets"][number]).grpcAddress,
  );
  const client = tm;
  await waitFor("the vreplication engine of zone1-200 to open", () =>
    client.rpc
      .vReplicationExec({ query: "update _vt.vreplication set message = '' where id = 0" })
      .then(() => true),
  );
}, 300_000);

afterAll(async () => {
  tm?.close();
  await sourceDb?.end().catch(() => undefined);
  await customer?.stop();
  await cluster?.stop();
}, 120_000);

describe("MoveTables with a lagging target", () => {
  it("a stream throttled by max_tps reports time_throttled, and SwitchTraffic is refused with the lag, nothing switched", async () => {
    await ok(...MT, "create", "--source-keyspace", "commerce", "--tables", "customer,corder");
    await waitFor(
      "workflow commerce2customer to replicate",
      async () =>
        (await targetRow(`select state from _vt.vreplication where workflow = '${WORKFLOW}'`))[0] ===
        "Running",
      { timeoutMs: 60_000 },
    );
    await setMaxTps("1");
    for (let i = 0; i < BACKLOG; i++) {
      await (sourceDb as Connection).query(`insert into customer (email) values ('lag${i}@domain.com')`);
    }

    // The stream holds back (one transaction a second) and says so in _vt.vreplication and Workflow show.
    const throttled = await waitFor(
      "the stream of commerce2customer to record that it is throttled",
      async () => {
        const [time, component] = await targetRow(
          `select time_throttled, component_throttled from _vt.vreplication where workflow = '${WORKFLOW}'`,
        );
        return Number(time) > 0 && component === "vplayer" ? Number(time) : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const show = JSON.parse(await ok("Workflow", "--keyspace", "customer", "show", "--workflow", WORKFLOW));
    const stream = show.workflows[0].shard_streams["0/zone1-0000000200"].streams[0];
    expect(stream.throttler_status.component_throttled, JSON.stringify(stream)).toBe("vplayer");
    expect(Number(stream.throttler_status.time_throttled.seconds)).toBeGreaterThanOrEqual(throttled);

    // The lag is real: the last applied source transaction falls further behind while the backlog lasts.
    await waitFor(
      "commerce2customer to lag at least 3s",
      async () => {
        const [lag] = await targetRow(
          "select unix_timestamp() - greatest(transaction_timestamp, time_heartbeat) from _vt.vreplication " +
            `where workflow = '${WORKFLOW}'`,
        );
        return Number(lag) >= 3;
      },
      { timeoutMs: 30_000 },
    );
    const [applied] = await targetRow("select count(*) from vt_customer.customer");
    expect(Number(applied), "rows applied on customer/0 while throttled").toBeLessThan(BACKLOG + 2);

    const before = await switchableState();
    const refused = await cluster?.client(...MT, "SwitchTraffic", "--max-replication-lag-allowed", "1s");
    expect(refused?.code, `SwitchTraffic should have been refused: ${refused?.stdout}`).toBe(1);
    const match = /replication lag (\d+)s is higher than allowed lag 1s/.exec(refused?.stderr ?? "");
    expect(match, refused?.stderr).not.toBeNull();
    expect(Number(match?.[1])).toBeGreaterThanOrEqual(2);
    expect(await switchableState()).toEqual(before);
    expect(JSON.parse(await ok(...MT, "status", "--format=json")).traffic_state).toBe(
      "Reads Not Switched. Writes Not Switched",
    );

    // Unthrottled, the stream catches up and the same switch goes through.
    await setMaxTps("9223372036854775807");
    await waitFor(
      "customer/0 to catch up with commerce/0",
      async () => Number((await targetRow("select count(*) from vt_customer.customer"))[0]) === BACKLOG + 2,
      { timeoutMs: 30_000 },
    );
    await waitFor(
      "SwitchTraffic within 2s of lag",
      async () =>
        (await cluster?.client(...MT, "SwitchTraffic", "--max-replication-lag-allowed", "2s"))?.code === 0,
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    expect(JSON.parse(await ok(...MT, "status", "--format=json")).traffic_state).toBe(
      "All Reads Switched. Writes Switched",
    );
  }, 180_000);
});
