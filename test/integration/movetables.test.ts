import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Connection, createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyCommerceSchema,
  type CommerceCluster,
  type ShardTablets,
  startCommerceCluster,
  startCustomerShard,
} from "../harness/cluster.js";
import { tabletQueries } from "../harness/metrics.js";
import { startVtgate, type VtgateHandle } from "../harness/vtgate.js";
import { waitFor } from "../harness/wait.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const COMMON = join(ROOT, "deploy/common");
const MT = ["MoveTables", "--target-keyspace", "customer", "--workflow", "commerce2customer"];

let cluster: CommerceCluster | undefined;
let customer: ShardTablets | undefined;
let vtgate: VtgateHandle | undefined;
let conn: Connection | undefined;

const ok = (...args: string[]): Promise<string> => (cluster as CommerceCluster).ok(...args);

/** The command must fail with exit code 1; returns its stderr. */
async function fails(...args: string[]): Promise<string> {
  const result = await (cluster as CommerceCluster).client(...args);
  expect(result.code, `${args.join(" ")} should have failed: ${result.stdout}`).toBe(1);
  return result.stderr;
}

/** The single number `sql` selects, run as the DBA on a tablet. */
async function count(alias: string, sql: string): Promise<number> {
  const out = JSON.parse(await ok("ExecuteFetchAsDBA", "--json", alias, sql)) as { rows: unknown[][] };
  return Number(out.rows[0]?.[0]);
}

beforeAll(async () => {
  cluster = await startCommerceCluster("movetables");
  await applyCommerceSchema(cluster as CommerceCluster);
  customer = await startCustomerShard(cluster as CommerceCluster);
  vtgate = await startVtgate({ topoAddress: cluster.etcd.clientAddress, dir: cluster.dir });
  conn = await createConnection({
    host: "127.0.0.1",
    port: vtgate.mysqlPort,
    user: "harness",
    database: "commerce",
  });
  for (const statement of readFileSync(join(COMMON, "insert_commerce_data.sql"), "utf8").split(";\n")) {
    if (statement.trim() !== "") await conn.query(statement);
  }
}, 300_000);

afterAll(async () => {
  await conn?.end().catch(() => undefined);
  await vtgate?.stop();
  await customer?.stop();
  await cluster?.stop();
}, 120_000);

describe("seed 004: MoveTables customer and corder from commerce to customer", () => {
  it("refuses bad input with the problem named, changing nothing", async () => {
    expect(await fails(...MT, "create", "--source-keyspace", "nope", "--tables", "customer")).toMatch(
      /keyspace nope not found/,
    );
    expect(
      await fails(...MT, "create", "--source-keyspace", "commerce", "--tables", "customer,nope"),
    ).toMatch(/table\(s\) not found in source keyspace commerce: nope/);
    expect(await fails(...MT, "status")).toMatch(/workflow commerce2customer not found in keyspace customer/);
    expect(await ok("GetRoutingRules")).toBe('{\n  "rules": []\n}\n');
    expect(await ok("Workflow", "--keyspace", "customer", "list")).toBe("[]\n");
  }, 60_000);

  it("create copies the tables and writes the 16 routing rules pointing at commerce", async () => {
    const created = await ok(...MT, "create", "--source-keyspace", "commerce", "--tables", "customer,corder");
    expect(created).toMatch(
      /^The following vreplication streams exist for workflow customer.commerce2customer:/,
    );
    const rules = JSON.parse(await ok("GetRoutingRules")) as {
      rules: { from_table: string; to_tables: string[] }[];
    };
    expect(rules.rules).toHaveLength(16);
    for (const rule of rules.rules) expect(rule.to_tables[0]).toMatch(/^commerce\./);

    const status = await waitFor(
      "the workflow to replicate",
      async () => {
        const json = JSON.parse(await ok(...MT, "status", "--format=json"));
        const stream = json.shard_streams["customer/0"]?.streams[0];
        return stream?.status === "Running" ? json : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(status.traffic_state).toBe("Reads Not Switched. Writes Not Switched");
    expect(status.shard_streams["customer/0"].streams[0]).toMatchObject({
      id: 1,
      tablet: { cell: "zone1", uid: 200 },
      source_shard: "commerce/0",
      status: "Running",
    });
    expect(status.shard_streams["customer/0"].streams[0].info).toMatch(/^VStream Lag: \d+s$/);
    await waitFor(
      "the copied rows",
      async () => (await count("zone1-200", "select count(*) from customer")) === 5,
    );
    expect(await count("zone1-200", "select count(*) from corder")).toBe(5);

    expect(await fails(...MT, "complete")).toMatch(
      /cannot complete workflow customer.commerce2customer: reads have not been switched/,
    );
    expect(await fails(...MT, "create", "--source-keyspace", "commerce", "--tables", "product")).toMatch(
      /workflow commerce2customer already exists in keyspace customer/,
    );
    const show = JSON.parse(await ok(...MT, "show", "--include-logs=false"));
    expect(show.workflows[0]).toMatchObject({
      name: "commerce2customer",
      source: { keyspace: "commerce", shards: ["0"] },
      target: { keyspace: "customer", shards: ["0"] },
      workflow_type: "MoveTables",
      workflow_sub_type: "None",
    });
  }, 120_000);

  it("MirrorTraffic copies reads of the moved tables to customer; the client sees commerce's answer", async () => {
    const target = (customer as ShardTablets).tablets[0]!;
    expect(await ok(...MT, "MirrorTraffic", "--percent", "100")).toBe(
      "SwitchTraffic was successful for workflow customer.commerce2customer\n\nStart State: Reads Not Switched. Writes Not Switched\nCurrent State: Reads Not Switched. Writes Not Switched\n",
    );
    const rules = JSON.parse(await ok("GetMirrorRules")) as { rules: { from_table: string }[] };
    expect(rules.rules.map((r) => r.from_table).sort()).toEqual([
      "commerce.corder",
      "commerce.corder@rdonly",
      "commerce.corder@replica",
      "commerce.customer",
      "commerce.customer@rdonly",
      "commerce.customer@replica",
    ]);
    // vtgate picks up the new SrvVSchema through its watch: wait until a select is mirrored.
    await waitFor("a select on customer to be mirrored to zone1-200", async () => {
      const before = await tabletQueries(target);
      const [rows] = await (conn as Connection).query(
        "select email from customer order by customer_id limit 1",
      );
      expect(String((rows as { email: Buffer }[])[0]?.email)).toBe("alice@domain.com");
      return (await tabletQueries(target)) > before;
    });
    expect(await ok(...MT, "MirrorTraffic", "--percent", "0")).toMatch(/^SwitchTraffic was successful/);
    expect(JSON.parse(await ok("GetMirrorRules"))).toEqual({ rules: [] });
    await waitFor("selects on customer to stop reaching zone1-200", async () => {
      const before = await tabletQueries(target);
      await (conn as Connection).query("select email from customer where customer_id = 1");
      return (await tabletQueries(target)) === before;
    });
    expect(await fails(...MT, "MirrorTraffic", "--percent", "120")).toMatch(
      /invalid argument "120" for "--percent" flag/,
    );
  }, 120_000);

  it("SwitchTraffic switches reads and writes and starts the reverse workflow", async () => {
    expect(await ok(...MT, "SwitchTraffic")).toBe(
      "SwitchTraffic was successful for workflow customer.commerce2customer\n\nStart State: Reads Not Switched. Writes Not Switched\nCurrent State: All Reads Switched. Writes Switched\n",
    );
    const rules = JSON.parse(await ok("GetRoutingRules")) as {
      rules: { from_table: string; to_tables: string[] }[];
    };
    expect(rules.rules).toHaveLength(16);
    for (const rule of rules.rules) expect(rule.to_tables[0]).toMatch(/^customer\./);

    const reverse = JSON.parse(
      await ok("Workflow", "--keyspace", "commerce", "show", "--workflow", "commerce2customer_reverse"),
    );
    const shardStream = reverse.workflows[0].shard_streams["0/zone1-0000000100"];
    expect(shardStream.tablet_controls).toEqual([
      { tablet_type: "PRIMARY", cells: [], denied_tables: ["corder", "customer"], frozen: false },
    ]);
    expect(reverse.workflows[0].source).toEqual({ keyspace: "customer", shards: ["0"] });

    // A write through vtgate now lands in customer and flows back to commerce.
    await (conn as Connection).query("insert into customer(email) values('frank@domain.com')");
    expect(await count("zone1-200", "select count(*) from customer")).toBe(6);
    await waitFor(
      "the reverse stream to copy the write back",
      async () => (await count("zone1-100", "select count(*) from customer")) === 6,
    );
  }, 120_000);

  it("ReverseTraffic sends traffic back to commerce and restarts the forward stream; SwitchTraffic again", async () => {
    expect(await ok(...MT, "ReverseTraffic")).toBe(
      "ReverseTraffic was successful for workflow customer.commerce2customer\n\nStart State: All Reads Switched. Writes Switched\nCurrent State: Reads Not Switched. Writes Not Switched\n",
    );
    const rules = JSON.parse(await ok("GetRoutingRules")) as {
      rules: { from_table: string; to_tables: string[] }[];
    };
    for (const rule of rules.rules) expect(rule.to_tables[0]).toMatch(/^commerce\./);
    await (conn as Connection).query("insert into customer(email) values('grace@domain.com')");
    expect(await count("zone1-100", "select count(*) from customer")).toBe(7);
    await waitFor(
      "the forward stream to copy the write",
      async () => (await count("zone1-200", "select count(*) from customer")) === 7,
    );
    expect(await ok(...MT, "SwitchTraffic")).toMatch(/Current State: All Reads Switched. Writes Switched\n$/);
    await (conn as Connection).query("insert into customer(email) values('heidi@domain.com')");
    await waitFor(
      "the reverse stream to copy the write back again",
      async () => (await count("zone1-100", "select count(*) from customer")) === 8,
    );
  }, 120_000);

  it("complete drops the source tables, the rules and both workflows", async () => {
    expect(await ok(...MT, "complete")).toBe(
      "Successfully completed the commerce2customer workflow in the customer keyspace\n",
    );
    expect(await ok("GetRoutingRules")).toBe('{\n  "rules": []\n}\n');
    expect(await ok("Workflow", "--keyspace", "customer", "list")).toBe("[]\n");
    expect(await ok("Workflow", "--keyspace", "commerce", "list")).toBe("[]\n");
    expect(await ok("GetSchema", "--table-names-only", "zone1-100")).toBe("product\n");
    const err = await (conn as Connection).query("select * from commerce.customer").then(
      () => undefined,
      (e: { errno?: number; message?: string }) => e,
    );
    expect(err?.errno, err?.message).toBe(1146);
  }, 120_000);
});
