import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyCommerceSchema,
  type CommerceCluster,
  type ShardTablets,
  startCommerceCluster,
  startCustomerShard,
} from "../harness/cluster.js";
import type { TestMysqld } from "../harness/mysqld.js";
import { waitFor } from "../harness/wait.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const COMMON = join(ROOT, "deploy/common");
const WORKFLOW = ["--target-keyspace", "customer", "--workflow", "commerce2customer"];
const VDIFF = ["VDiff", ...WORKFLOW];
const UUID = /^VDiff ([0-9a-f-]{36}) scheduled on target shards, use show to view progress\n$/;

let cluster: CommerceCluster | undefined;
let customer: ShardTablets | undefined;

const ok = (...args: string[]): Promise<string> => (cluster as CommerceCluster).ok(...args);

/** The command must fail with exit code 1; returns its stderr. */
async function fails(...args: string[]): Promise<string> {
  const result = await (cluster as CommerceCluster).client(...args);
  expect(result.code, `${args.join(" ")} should have failed: ${result.stdout}`).toBe(1);
  return result.stderr;
}

interface Summary {
  State: string;
  UUID: string;
  RowsCompared: number;
  HasMismatch: boolean;
  TableSummary?: Record<string, Record<string, unknown>>;
  Reports?: Record<string, Record<string, Record<string, unknown>>>;
}

async function showJson(arg: string, ...flags: string[]): Promise<Summary> {
  return JSON.parse(await ok(...VDIFF, "show", arg, "--format=json", ...flags)) as Summary;
}

/** Runs statements on the target primary's MariaDB with binary logging off: changes the stream never sees. */
async function behindTheStream(...statements: string[]): Promise<void> {
  const conn = await ((customer as ShardTablets).mysqlds[0] as TestMysqld).connect();
  try {
    await conn.query("SET sql_log_bin = 0");
    for (const statement of statements) await conn.query(statement);
  } finally {
    await conn.end();
  }
}

/** Creates a VDiff, waits until it is completed, and returns its summary. */
async function diffToCompletion(...createFlags: string[]): Promise<Summary> {
  const uuid = UUID.exec(await ok(...VDIFF, "create", ...createFlags))?.[1] as string;
  expect(uuid).toBeDefined();
  return waitFor(
    `vdiff ${uuid} to complete`,
    async () => {
      const summary = await showJson(uuid, "--verbose");
      expect(summary.State, JSON.stringify(summary)).not.toBe("error");
      return summary.State === "completed" ? summary : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

beforeAll(async () => {
  cluster = await startCommerceCluster("vdiff");
  await applyCommerceSchema(cluster as CommerceCluster);
  for (const statement of readFileSync(join(COMMON, "insert_commerce_data.sql"), "utf8").split(";\n")) {
    if (statement.trim() !== "") await ok("ExecuteFetchAsDBA", "zone1-100", statement.trim());
  }
  customer = await startCustomerShard(cluster as CommerceCluster);
  await ok(
    "MoveTables",
    ...WORKFLOW,
    "create",
    "--source-keyspace",
    "commerce",
    "--tables",
    "customer,corder",
  );
  await waitFor(
    "the workflow to replicate",
    async () => {
      const json = JSON.parse(await ok("MoveTables", ...WORKFLOW, "status", "--format=json"));
      return json.shard_streams["customer/0"]?.streams[0]?.status === "Running";
    },
    { timeoutMs: 60_000 },
  );
}, 300_000);

afterAll(async () => {
  await customer?.stop();
  await cluster?.stop();
}, 120_000);

describe("VDiff of the commerce2customer workflow", () => {
  it("refuses bad input with the problem named and exit code 1", async () => {
    expect(
      await fails("VDiff", "--target-keyspace", "nope", "--workflow", "commerce2customer", "show", "last"),
    ).toMatch(/keyspace nope not found/);
    expect(await fails("VDiff", "--target-keyspace", "customer", "--workflow", "nope", "create")).toMatch(
      /workflow nope not found in keyspace customer/,
    );
    expect(await fails(...VDIFF, "create", "--tables", "customer,nope")).toMatch(
      /table\(s\) not found in workflow customer.commerce2customer: nope/,
    );
    expect(await fails(...VDIFF, "show", "last")).toMatch(
      /no previous vdiff found for customer.commerce2customer/,
    );
    expect(await fails(...VDIFF, "show", "not-a-uuid")).toMatch(/invalid argument provided \(not-a-uuid\)/);
    expect(await fails(...VDIFF, "show", "8d2ab0b6-1ba5-4b51-9e9c-1b2a3c4d5e6f")).toMatch(
      /vdiff 8d2ab0b6-1ba5-4b51-9e9c-1b2a3c4d5e6f not found for workflow customer.commerce2customer on shard customer\/0/,
    );
    expect(await fails(...VDIFF, "create", "--tabels", "customer")).toMatch(/unknown flag: --tabels/);
    expect(await fails(...VDIFF, "create", "--limit", "0")).toMatch(/--limit must be a positive value/);
    await ok("MoveTables", ...WORKFLOW, "stop");
    expect(await fails(...VDIFF, "create")).toMatch(
      /workflow commerce2customer: stream 1 \(source commerce\/0\) is Stopped.*VDiff needs running streams/,
    );
    await ok("MoveTables", ...WORKFLOW, "start");
  }, 60_000);

  it("create, then show last --verbose --format=json reports seed 004's 10 rows, no mismatch", async () => {
    const summary = await diffToCompletion();
    expect(summary).toMatchObject({
      Workflow: "commerce2customer",
      Keyspace: "customer",
      State: "completed",
      RowsCompared: 10,
      HasMismatch: false,
      Shards: "0",
    });
    const last = await ok(...VDIFF, "show", "last", "--verbose", "--format=json");
    const masked = last
      .replace(/"UUID": "[0-9a-f-]{36}"/, '"UUID": "<uuid>"')
      .replace(/"(StartedAt|CompletedAt)": "\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"/g, '"$1": "<time>"');
    expect(masked).toBe(
      `{
	"Workflow": "commerce2customer",
	"Keyspace": "customer",
	"State": "completed",
	"UUID": "<uuid>",
	"RowsCompared": 10,
	"HasMismatch": false,
	"Shards": "0",
	"StartedAt": "<time>",
	"CompletedAt": "<time>",
	"TableSummary": {
${["corder", "customer"]
  .map(
    (t) => `		"${t}": {
			"TableName": "${t}",
			"State": "completed",
			"RowsCompared": 5,
			"MatchingRows": 5,
			"MismatchedRows": 0,
			"ExtraRowsSource": 0,
			"ExtraRowsTarget": 0
		}`,
  )
  .join(",\n")}
	},
	"Reports": {
${["corder", "customer"]
  .map(
    (t) => `		"${t}": {
			"0": {
				"TableName": "${t}",
				"ProcessedRows": 5,
				"MatchingRows": 5,
				"MismatchedRows": 0,
				"ExtraRowsSource": 0,
				"ExtraRowsTarget": 0
			}
		}`,
  )
  .join(",\n")}
	}
}
`,
    );
    const text = await ok(...VDIFF, "show", "last");
    expect(text).toContain("VDiff Summary for customer.commerce2customer (");
    expect(text).toContain("\nState:        completed\nRowsCompared: 10\nHasMismatch:  false\n");
    // The streams replicate again after the diff.
    const status = JSON.parse(await ok("MoveTables", ...WORKFLOW, "status", "--format=json"));
    expect(status.shard_streams["customer/0"].streams[0].status).toBe("Running");
  }, 120_000);

  it("a target row changed behind the stream's back is one mismatched row, with its primary key", async () => {
    await behindTheStream(
      "update vt_customer.customer set email = 'mallory@domain.com' where customer_id = 3",
    );
    const summary = await diffToCompletion("--tables", "customer");
    expect(summary.HasMismatch).toBe(true);
    expect(summary.RowsCompared).toBe(5);
    expect(summary.TableSummary?.customer).toMatchObject({
      MatchingRows: 4,
      MismatchedRows: 1,
      ExtraRowsSource: 0,
      ExtraRowsTarget: 0,
    });
    expect(summary.Reports?.customer?.["0"]?.MismatchedRowsSample).toEqual([
      {
        Source: { Row: { customer_id: "3", email: "charlie@domain.com" } },
        Target: { Row: { customer_id: "3", email: "mallory@domain.com" } },
      },
    ]);
    // Without --verbose a mismatch still shows the tables and reports.
    const plain = await showJson("last");
    expect(plain.Reports?.customer?.["0"]?.MismatchedRows).toBe(1);
  }, 120_000);

  it("an extra row on either side is reported with its primary key", async () => {
    await behindTheStream(
      "update vt_customer.customer set email = 'charlie@domain.com' where customer_id = 3",
      "delete from vt_customer.corder where order_id = 2",
      "insert into vt_customer.corder (order_id, customer_id, sku, price) values (100, 1, 'SKU-1001', 100)",
    );
    const summary = await diffToCompletion();
    expect(summary.TableSummary?.customer).toMatchObject({ MatchingRows: 5, MismatchedRows: 0 });
    expect(summary.TableSummary?.corder).toMatchObject({
      MatchingRows: 4,
      ExtraRowsSource: 1,
      ExtraRowsTarget: 1,
    });
    const report = summary.Reports?.corder?.["0"];
    expect(report?.ExtraRowsSourceSample).toEqual([
      { Row: { order_id: "2", customer_id: "2", sku: "SKU-1002", price: "30" } },
    ]);
    expect(report?.ExtraRowsTargetSample).toEqual([
      { Row: { order_id: "100", customer_id: "1", sku: "SKU-1001", price: "100" } },
    ]);
    // Put the target back as the stream left it, for the tests that follow.
    await behindTheStream(
      "delete from vt_customer.corder where order_id = 100",
      "insert into vt_customer.corder (order_id, customer_id, sku, price) values (2, 2, 'SKU-1002', 30)",
    );
  }, 120_000);

  it("stop, resume and delete", async () => {
    const uuid = UUID.exec(await ok(...VDIFF, "create", "--auto-start=false"))?.[1] as string;
    expect((await showJson(uuid)).State).toBe("pending");
    expect(await ok(...VDIFF, "stop", uuid)).toBe("VDiff stop completed\n");
    expect((await showJson(uuid)).State).toBe("stopped");
    expect(await ok(...VDIFF, "resume", uuid)).toBe("VDiff resume scheduled\n");
    await waitFor("the resumed vdiff to complete", async () => (await showJson(uuid)).State === "completed", {
      timeoutMs: 60_000,
    });
    const all = JSON.parse(await ok(...VDIFF, "show", "all", "--format=json")) as {
      UUID: string;
      State: string;
    }[];
    expect(all.map((l) => l.UUID)).toContain(uuid);
    expect(await ok(...VDIFF, "delete", uuid, "--format=json")).toBe(
      '{\n\t"Action": "delete",\n\t"Status": "completed"\n}\n',
    );
    expect(await fails(...VDIFF, "show", uuid)).toMatch(new RegExp(`vdiff ${uuid} not found`));
    expect(await ok(...VDIFF, "delete", "all")).toBe("VDiff delete completed\n");
    expect(await fails(...VDIFF, "show", "last")).toMatch(/no previous vdiff found/);
    expect(await ok(...VDIFF, "show", "all")).toBe("No vdiffs found for customer.commerce2customer\n");
  }, 120_000);

  it("a VDiff in error shows the shard's error, and --auto-retry runs it again once the cause is gone", async () => {
    const created = await ok(...VDIFF, "create", "--tablet-types", "spare");
    const uuid = UUID.exec(created)?.[1] as string;
    const failed = await waitFor("the vdiff to fail: no spare source tablet", async () => {
      const summary = JSON.parse(await ok(...VDIFF, "show", uuid, "--format=json"));
      return summary.State === "error" ? summary : undefined;
    });
    expect(failed.Errors["0"]).toMatch(/no tablet of types SPARE for commerce\/0/);
    expect(await ok(...VDIFF, "show", uuid)).toMatch(
      /State: {8}error\n {14}Error: \(shard 0\) table corder: .*SPARE/,
    );
    await ok("ChangeTabletType", "zone1-101", "spare");
    try {
      const retried = await waitFor(
        "the auto-retry to complete the vdiff",
        async () => {
          const summary = JSON.parse(await ok(...VDIFF, "show", uuid, "--format=json"));
          return summary.State === "completed" ? summary : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 1_000 },
      );
      expect(retried).toMatchObject({ RowsCompared: 10, HasMismatch: false });
      expect(retried.Errors).toBeUndefined();
    } finally {
      await ok("ChangeTabletType", "zone1-101", "replica");
    }
    expect(await ok(...VDIFF, "delete", "all")).toBe("VDiff delete completed\n");
  }, 150_000);

  it("after SwitchTraffic the reverse workflow diffs clean (create --wait); complete deletes both workflows' VDiffs", async () => {
    const count = async (alias: string) =>
      Number(
        JSON.parse(await ok("ExecuteFetchAsDBA", "--json", alias, "select count(*) from _vt.vdiff"))
          .rows[0][0],
      );
    await diffToCompletion();
    expect(await count("zone1-200")).toBe(1);
    await ok("MoveTables", ...WORKFLOW, "SwitchTraffic");
    expect(await fails(...VDIFF, "create")).toMatch(/is Stopped \(FROZEN\); VDiff needs running streams/);
    const reverse = ["VDiff", "--target-keyspace", "commerce", "--workflow", "commerce2customer_reverse"];
    const waited = await ok(
      ...reverse,
      "create",
      "--wait",
      "--wait-update-interval",
      "200ms",
      "--format=json",
    );
    const last = JSON.parse(waited.slice(waited.lastIndexOf('{\n\t"Workflow"')));
    expect(last).toMatchObject({
      Workflow: "commerce2customer_reverse",
      Keyspace: "commerce",
      State: "completed",
      RowsCompared: 10,
      HasMismatch: false,
    });
    expect(await count("zone1-100")).toBe(1);
    await ok("MoveTables", ...WORKFLOW, "complete");
    expect(await count("zone1-200")).toBe(0);
    expect(await count("zone1-100")).toBe(0);
    expect(await fails(...VDIFF, "show", "last")).toMatch(
      /workflow commerce2customer not found in keyspace customer/,
    );
  }, 120_000);
});
