import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMON_DIR, LocalExample } from "../harness/local-example.js";
import { isLiveProcess } from "../harness/processes.js";
import { waitFor } from "../harness/wait.js";

const UIDS = [100, 101, 102, 200, 201, 202] as const;

let example: LocalExample;

beforeAll(async () => {
  example = await LocalExample.create("local-example-movetables", UIDS);
});

afterAll(() => example.killLeftovers());

describe("the local example's MoveTables steps (201-205, seed 004)", () => {
  it("101 and the sample data", async () => {
    await example.script("101_initial_cluster.sh");
    await example.mysql([], join(COMMON_DIR, "insert_commerce_data.sql"));
  }, 300_000);

  it("201 starts the customer tablets with zone1-200 as primary", async () => {
    await example.script("201_customer_tablets.sh");
    const tablets = (await example.vtctldclient("GetTablets", "--keyspace", "customer"))
      .trim()
      .split("\n")
      .map((line) => line.split(" ").slice(0, 4).join(" "));
    expect(tablets).toEqual([
      "zone1-0000000200 customer 0 primary",
      "zone1-0000000201 customer 0 replica",
      "zone1-0000000202 customer 0 rdonly",
    ]);
  }, 300_000);

  it("202 creates the workflow and waits until it replicates; the 16 rules point at commerce", async () => {
    const out = await example.script("202_move_tables.sh");
    expect(out).toMatch(/^The following vreplication streams exist for workflow customer.commerce2customer:/);
    const rules = JSON.parse(await example.vtctldclient("GetRoutingRules")) as {
      rules: { to_tables: string[] }[];
    };
    expect(rules.rules).toHaveLength(16);
    for (const rule of rules.rules) expect(rule.to_tables[0]).toMatch(/^commerce\./);
  }, 300_000);

  it("VDiff create, then show last: 10 rows compared, no mismatch (seed 004)", async () => {
    const vdiff = ["VDiff", "--target-keyspace", "customer", "--workflow", "commerce2customer"];
    const created = await example.vtctldclient(...vdiff, "create");
    const uuid = /^VDiff ([0-9a-f-]{36}) scheduled on target shards, use show to view progress\n$/.exec(
      created,
    )?.[1];
    expect(uuid, created).toBeDefined();
    const report = await waitFor(
      "the vdiff to complete",
      async () => {
        const json = JSON.parse(
          await example.vtctldclient(
            "VDiff",
            "--format=json",
            ...vdiff.slice(1),
            "show",
            "last",
            "--verbose",
          ),
        );
        return json.State === "completed" ? json : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(report).toMatchObject({
      Workflow: "commerce2customer",
      Keyspace: "customer",
      State: "completed",
      UUID: uuid,
      RowsCompared: 10,
      HasMismatch: false,
      Shards: "0",
    });
    const counts = {
      State: "completed",
      RowsCompared: 5,
      MatchingRows: 5,
      MismatchedRows: 0,
      ExtraRowsSource: 0,
      ExtraRowsTarget: 0,
    };
    expect(report.TableSummary).toEqual({
      corder: { TableName: "corder", ...counts },
      customer: { TableName: "customer", ...counts },
    });
    const shard = {
      ProcessedRows: 5,
      MatchingRows: 5,
      MismatchedRows: 0,
      ExtraRowsSource: 0,
      ExtraRowsTarget: 0,
    };
    expect(report.Reports).toEqual({
      corder: { "0": { TableName: "corder", ...shard } },
      customer: { "0": { TableName: "customer", ...shard } },
    });
    expect(Object.keys(report)).toEqual([
      "Workflow",
      "Keyspace",
      "State",
      "UUID",
      "RowsCompared",
      "HasMismatch",
      "Shards",
      "StartedAt",
      "CompletedAt",
      "TableSummary",
      "Reports",
    ]);
  }, 120_000);

  it("203 switches reads, 204 writes; customer/0 serves the moved rows", async () => {
    expect(await example.script("203_switch_reads.sh")).toContain(
      "Current State: All Reads Switched. Writes Not Switched",
    );
    expect(await example.script("204_switch_writes.sh")).toContain(
      "Current State: All Reads Switched. Writes Switched",
    );
    const out = await example.mysql(["--table"], join(COMMON_DIR, "select_customer0_data.sql"));
    expect(out).toContain("Using customer/0");
    expect(out).toContain("| eve@domain.com");
  }, 300_000);

  it("205 completes: rules and workflows are gone", async () => {
    expect(await example.script("205_clean_commerce.sh")).toContain(
      "Successfully completed the commerce2customer workflow in the customer keyspace",
    );
    expect(await example.vtctldclient("GetRoutingRules")).toBe('{\n  "rules": []\n}\n');
    expect(await example.vtctldclient("Workflow", "--keyspace", "customer", "list")).toBe("[]\n");
  }, 300_000);

  it("401_teardown.sh stops every process", async () => {
    const stdout = await example.script("401_teardown.sh");
    expect(stdout).toContain("All good! It looks like every process has shut down");
    for (const process of example.started) {
      expect(isLiveProcess(process.pid, process.marker), `${process.name} still running`).toBe(false);
    }
  }, 180_000);
});
