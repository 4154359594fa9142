import { beforeEach, describe, expect, it } from "vitest";
import { packRows } from "../../mysql/query-result.js";
import { VReplicationWorkflowState } from "../../proto/binlogdata.js";
import { QueryResult } from "../../proto/query.js";
import { TabletType } from "../../proto/topodata.js";
import { Keyspace as KeyspaceVSchema, RoutingRules } from "../../proto/vschema.js";
import { marshalProtoJson } from "../../proto-json/index.js";
import { getRoutingRules, getShard, getVSchema } from "../../topo/index.js";
import { Code, isVtError, VtError } from "../../vterrors/index.js";
import { FakeVReplication } from "../testing/fake-vreplication.js";
import { createTestVtctld, snapshotTopo, type TestVtctld } from "../testing/fixtures.js";
import { addKeyspaceWithShards } from "../testing/schema-fixtures.js";
import { readArtifacts } from "./artifacts.js";
import { rfc822 } from "./switch-traffic.js";

let vtctld: TestVtctld;
let vrepl: FakeVReplication;

const COMMERCE = "zone1-0000000100";
const CUSTOMER = "zone1-0000000200";

beforeEach(async () => {
  vtctld = await createTestVtctld(["zone1"]);
  await addKeyspaceWithShards(vtctld, "commerce", ["0"], 100);
  await addKeyspaceWithShards(vtctld, "customer", ["0"], 200);
  await vtctld.call("applyVSchema", {
    keyspace: "commerce",
    vSchema: KeyspaceVSchema.fromPartial({ tables: { customer: {}, corder: {}, product: {} } }),
  });
  vrepl = new FakeVReplication(vtctld.tmc);
  vrepl.setTables(COMMERCE, "customer", "corder", "product");
});

const create = (request: Record<string, unknown> = {}) =>
  vtctld.call("moveTablesCreate", {
    workflow: "commerce2customer",
    sourceKeyspace: "commerce",
    targetKeyspace: "customer",
    includeTables: ["customer", "corder"],
    autoStart: true,
    ...request,
  });

const switchTraffic = (request: Record<string, unknown> = {}) =>
  vtctld.call("workflowSwitchTraffic", {
    keyspace: "customer",
    workflow: "commerce2customer",
    enableReverseReplication: true,
    ...request,
  });

async function rulesJson(): Promise<string> {
  return marshalProtoJson(RoutingRules, await getRoutingRules(vtctld.ts));
}

async function expectRefused(call: Promise<unknown>, code: Code, message: RegExp): Promise<void> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isVtError(err)).toBe(true);
  expect((err as VtError).code).toBe(code);
  expect((err as VtError).message).toMatch(message);
}

/** Seed 004's 16 rules after create (Go prints them in map order; we keep table by table). */
const SEED_RULES_AFTER_CREATE = [
  "customer.customer@rdonly",
  "commerce.corder@rdonly",
  "customer",
  "customer.customer@replica",
  "corder@replica",
  "customer.corder",
  "commerce.corder@replica",
  "customer@rdonly",
  "commerce.customer@replica",
  "corder",
  "corder@rdonly",
  "customer.corder@rdonly",
  "customer@replica",
  "customer.customer",
  "commerce.customer@rdonly",
  "customer.corder@replica",
];

describe("MoveTables create", () => {
  it("copies the schema, extends the target VSchema, writes the 16 routing rules and one stream per target", async () => {
    const status = await create();
    const rules = await getRoutingRules(vtctld.ts);
    expect(rules.rules.map((r) => r.fromTable).sort()).toEqual([...SEED_RULES_AFTER_CREATE].sort());
    for (const rule of rules.rules)
      expect(rule.toTables).toEqual([`commerce.${rule.fromTable.split("@")[0]?.split(".").pop()}`]);
    expect(await rulesJson()).toMatchSnapshot();
    expect([...(vrepl.tables.get(CUSTOMER) ?? [])].sort()).toEqual(["corder", "customer"]);
    expect(Object.keys((await getVSchema(vtctld.ts, "customer")).tables).sort()).toEqual([
      "corder",
      "customer",
    ]);
    const streams = vrepl.streamsOf(CUSTOMER, "commerce2customer");
    expect(streams).toHaveLength(1);
    expect(streams[0]?.bls.keyspace).toBe("commerce");
    expect(streams[0]?.bls.filter?.rules.map((r) => [r.match, r.filter])).toEqual([
      ["customer", "select * from customer"],
      ["corder", "select * from corder"],
    ]);
    expect(status.trafficState).toBe("Reads Not Switched. Writes Not Switched");
    expect(Object.keys(status.shardStreams)).toEqual(["customer/0"]);
    expect(status.shardStreams["customer/0"]?.streams[0]).toMatchObject({
      sourceShard: "commerce/0",
      status: "Running",
      info: "VStream Lag: 0s",
    });
    const artifacts = await readArtifacts(vtctld.ts, "customer", "commerce2customer");
    expect(artifacts?.createdTables).toEqual({ "0": ["customer", "corder"] });
    expect(artifacts?.routingRules).toHaveLength(16);
  });

  it.each([
    ["an unknown source keyspace", { sourceKeyspace: "nope" }, Code.NOT_FOUND, /keyspace nope not found/],
    ["an unknown target keyspace", { targetKeyspace: "nope" }, Code.NOT_FOUND, /keyspace nope not found/],
    [
      "an unknown table",
      { includeTables: ["customer", "nope"] },
      Code.NOT_FOUND,
      /not found in source keyspace commerce: nope/,
    ],
    ["an empty table list", { includeTables: [] }, Code.INVALID_ARGUMENT, /no tables to move/],
  ])("refuses %s, changing nothing", async (_what, request, code, message) => {
    const before = await snapshotTopo(vtctld.ts);
    await expectRefused(create(request), code, message);
    expect(await snapshotTopo(vtctld.ts)).toEqual(before);
    expect(vtctld.tmc.callsOf("applySchema")).toHaveLength(0);
  });

  it("refuses a table that already exists in the target, changing nothing", async () => {
    vrepl.setTables(CUSTOMER, "corder");
    const before = await snapshotTopo(vtctld.ts);
    await expectRefused(create(), Code.ALREADY_EXISTS, /already exist in target keyspace customer: corder/);
    expect(await snapshotTopo(vtctld.ts)).toEqual(before);
  });

  it("refuses a second workflow with the same name, changing nothing", async () => {
    await create();
    const before = await snapshotTopo(vtctld.ts);
    await expectRefused(
      create(),
      Code.ALREADY_EXISTS,
      /workflow commerce2customer already exists in keyspace customer/,
    );
    expect(await snapshotTopo(vtctld.ts)).toEqual(before);
  });

  it("removes exactly what it made when creating the stream fails", async () => {
    vrepl.setTables(CUSTOMER, "other");
    vtctld.tmc.fail("createVReplicationWorkflow", CUSTOMER);
    const before = await snapshotTopo(vtctld.ts);
    await expectRefused(create(), Code.UNAVAILABLE, /createVReplicationWorkflow/);
    expect(await snapshotTopo(vtctld.ts)).toEqual(before);
    expect([...(vrepl.tables.get(CUSTOMER) ?? [])]).toEqual(["other"]);
  });
});

describe("status and show", () => {
  it("shows the workflow as seed 004 does", async () => {
    await create();
    const { workflows } = await vtctld.call("getWorkflows", {
      keyspace: "customer",
      workflow: "commerce2customer",
    });
    expect(workflows).toHaveLength(1);
    const workflow = workflows[0];
    expect(workflow?.source).toEqual({ keyspace: "commerce", shards: ["0"] });
    expect(workflow?.target).toEqual({ keyspace: "customer", shards: ["0"] });
    expect(workflow?.workflowType).toBe("MoveTables");
    expect(workflow?.workflowSubType).toBe("None");
    expect(Object.keys(workflow?.shardStreams ?? {})).toEqual([`0/${CUSTOMER}`]);
    expect(workflow?.shardStreams[`0/${CUSTOMER}`]?.isPrimaryServing).toBe(true);
    const names = await vtctld.call("getWorkflows", { keyspace: "customer", nameOnly: true });
    expect(names.workflows.map((w) => w.name)).toEqual(["commerce2customer"]);
    expect((await vtctld.call("getWorkflows", { keyspace: "commerce", nameOnly: true })).workflows).toEqual(
      [],
    );
  });

  it("flags a stream without progress as stalled, and reports unknown workflows", async () => {
    await create();
    const stream = vrepl.streamsOf(CUSTOMER)[0];
    if (stream) stream.lagSeconds = 120;
    const status = await vtctld.call("workflowStatus", {
      keyspace: "customer",
      workflow: "commerce2customer",
    });
    expect(status.shardStreams["customer/0"]?.streams[0]?.info).toMatch(/stalled: no progress for 1(19|20)s/);
    await expectRefused(
      vtctld.call("workflowStatus", { keyspace: "customer", workflow: "nope" }),
      Code.NOT_FOUND,
      /workflow nope not found in keyspace customer/,
    );
  });
});

describe("copy progress", () => {
  it("reports rows copied against the source estimate per table, and an ETA from the observed rate", async () => {
    vrepl.startState = VReplicationWorkflowState.Copying;
    await create();
    let copied = 100;
    vtctld.tmc
      .respond("vReplicationExec", CUSTOMER, () => ({
        result: QueryResult.fromPartial({ rows: packRows([[Buffer.from("customer")]]) }),
      }))
      .respond("executeFetchAsDba", "*", (_request, tablet) => {
        const value = tablet.alias?.uid === 200 ? String(copied) : "1000";
        return { result: QueryResult.fromPartial({ rows: packRows([[Buffer.from(value)]]) }) };
      });
    const first = await vtctld.call("workflowStatus", {
      keyspace: "customer",
      workflow: "commerce2customer",
    });
    expect(first.tableCopyState).toEqual({
      customer: {
        rowsCopied: 100,
        rowsTotal: 1000,
        rowsPercentage: 10,
        bytesCopied: 0,
        bytesTotal: 0,
        bytesPercentage: 0,
      },
    });
    expect(first.shardStreams["customer/0"]?.streams[0]?.info).toBe(
      "Copying: 100/1000 rows (10%), ETA unknown",
    );
    await new Promise((r) => setTimeout(r, 200));
    copied = 400;
    const second = await vtctld.call("workflowStatus", {
      keyspace: "customer",
      workflow: "commerce2customer",
    });
    expect(second.shardStreams["customer/0"]?.streams[0]?.info).toMatch(
      /^Copying: 400\/1000 rows \(40%\), ETA \ds$/,
    );
    expect(second.shardStreams["customer/0"]?.streams[0]?.status).toBe("Copying");
  });
});

describe("SwitchTraffic", () => {
  it("switches reads then writes, creates the reverse workflow and points every rule at the target", async () => {
    await create();
    vtctld.tmc.calls.length = 0;
    const response = await switchTraffic();
    expect(response.summary).toBe("SwitchTraffic was successful for workflow customer.commerce2customer");
    expect(response.startState).toBe("Reads Not Switched. Writes Not Switched");
    expect(response.currentState).toBe("All Reads Switched. Writes Switched");
    const rules = await getRoutingRules(vtctld.ts);
    expect(rules.rules).toHaveLength(16);
    for (const rule of rules.rules) expect(rule.toTables[0]).toMatch(/^customer\./);
    expect(rules.rules.map((r) => r.fromTable)).toContain("commerce.customer");
    expect(rules.rules.map((r) => r.fromTable)).not.toContain("customer.customer");
    expect(vtctld.tmc.steps().filter((s) => !s.startsWith("read"))).toEqual([
      `refreshState ${COMMERCE}`,
      `executeFetchAsDba ${COMMERCE}`,
      `primaryPosition ${COMMERCE}`,
      `vReplicationWaitForPos ${CUSTOMER}`,
      `vReplicationExec ${CUSTOMER}`,
      `primaryPosition ${CUSTOMER}`,
      `createVReplicationWorkflow ${COMMERCE}`,
      `vReplicationExec ${COMMERCE}`,
      `refreshState ${CUSTOMER}`,
      `vReplicationExec ${COMMERCE}`,
    ]);
    const source = await getShard(vtctld.ts, "commerce", "0");
    expect(source.shard.tabletControls).toEqual([
      { tabletType: TabletType.PRIMARY, cells: [], deniedTables: ["corder", "customer"], frozen: false },
    ]);
    const reverse = vrepl.streamsOf(COMMERCE, "commerce2customer_reverse");
    expect(reverse).toHaveLength(1);
    expect(reverse[0]).toMatchObject({ pos: "MariaDB/0-200-10", state: VReplicationWorkflowState.Running });
    expect(reverse[0]?.bls.filter?.rules[0]?.filter).toBe("select * from `customer`");
    expect(vrepl.streamsOf(CUSTOMER)[0]).toMatchObject({
      state: VReplicationWorkflowState.Stopped,
      message: "FROZEN",
    });
    const shown = await vtctld.call("getWorkflows", {
      keyspace: "commerce",
      workflow: "commerce2customer_reverse",
    });
    expect(shown.workflows[0]?.shardStreams[`0/${COMMERCE}`]?.tabletControls[0]?.deniedTables).toEqual([
      "corder",
      "customer",
    ]);
  });

  it("switches read types one at a time, with Vitess's state strings", async () => {
    await create();
    const replica = await switchTraffic({ tabletTypes: [TabletType.REPLICA] });
    expect(replica.currentState).toBe(
      "Reads partially switched. All Replica Reads Switched. Rdonly not switched. Writes Not Switched",
    );
    const rdonly = await switchTraffic({ tabletTypes: [TabletType.RDONLY] });
    expect(rdonly.currentState).toBe("All Reads Switched. Writes Not Switched");
    const back = await switchTraffic({ tabletTypes: [TabletType.RDONLY, TabletType.REPLICA], direction: 1 });
    expect(back.summary).toBe("ReverseTraffic was successful for workflow customer.commerce2customer");
    expect(back.currentState).toBe("Reads Not Switched. Writes Not Switched");
  });

  it("refuses writes before reads, before the copy finished, and beyond the allowed lag, changing nothing", async () => {
    await create();
    const before = await snapshotTopo(vtctld.ts);
    await expectRefused(
      switchTraffic({ tabletTypes: [TabletType.PRIMARY] }),
      Code.FAILED_PRECONDITION,
      /before reads: switch reads first/,
    );
    const stream = vrepl.streamsOf(CUSTOMER)[0];
    if (!stream) throw new Error("no stream");
    stream.state = VReplicationWorkflowState.Copying;
    await expectRefused(switchTraffic(), Code.FAILED_PRECONDITION, /the copy phase has not finished/);
    stream.state = VReplicationWorkflowState.Running;
    stream.lagSeconds = 45;
    await expectRefused(
      switchTraffic({ maxReplicationLagAllowed: { seconds: 30, nanos: 0 } }),
      Code.FAILED_PRECONDITION,
      /replication lag 4[45]s is higher than allowed lag 30s/,
    );
    expect(await snapshotTopo(vtctld.ts)).toEqual(before);
  });

  it("rolls everything back when the targets do not catch up", async () => {
    await create();
    await switchTraffic({ tabletTypes: [TabletType.RDONLY, TabletType.REPLICA] });
    const before = await snapshotTopo(vtctld.ts);
    vtctld.tmc.fail(
      "vReplicationWaitForPos",
      CUSTOMER,
      new VtError(Code.DEADLINE_EXCEEDED, "position not reached"),
    );
    await expectRefused(
      switchTraffic({ tabletTypes: [TabletType.PRIMARY] }),
      Code.DEADLINE_EXCEEDED,
      /previous state was restored: .*position not reached/,
    );
    expect(await snapshotTopo(vtctld.ts)).toEqual(before);
    expect(vrepl.streamsOf(CUSTOMER)[0]?.state).toBe(VReplicationWorkflowState.Running);
    expect(vrepl.streamsOf(COMMERCE)).toEqual([]);
  });

  it("prints the steps on --dry-run and changes nothing", async () => {
    await create();
    const before = await snapshotTopo(vtctld.ts);
    const response = await switchTraffic({ dryRun: true });
    expect(response.dryRunResults).toContain(
      "Create reverse vreplication workflow commerce2customer_reverse",
    );
    expect(response.summary).toMatch(
      /^SwitchTraffic dry run results for workflow customer.commerce2customer at \d\d [A-Z][a-z]{2} \d\d \d\d:\d\d UTC$/,
    );
    expect(rfc822(new Date(Date.UTC(2023, 9, 17, 17, 42)))).toBe("17 Oct 23 17:42 UTC");
    expect(await snapshotTopo(vtctld.ts)).toEqual(before);
  });

  it("ReverseTraffic reuses the reverse stream and restarts the forward one", async () => {
    await create();
    await switchTraffic();
    const response = await switchTraffic({ direction: 1 });
    expect(response.currentState).toBe("Reads Not Switched. Writes Not Switched");
    const rules = await getRoutingRules(vtctld.ts);
    for (const rule of rules.rules) expect(rule.toTables[0]).toMatch(/^commerce\./);
    expect(rules.rules.map((r) => r.fromTable).sort()).toEqual([...SEED_RULES_AFTER_CREATE].sort());
    expect(vrepl.streamsOf(COMMERCE, "commerce2customer_reverse")[0]?.message).toBe("FROZEN");
    expect(vrepl.streamsOf(CUSTOMER, "commerce2customer")[0]).toMatchObject({
      state: VReplicationWorkflowState.Running,
      pos: "MariaDB/0-100-10",
    });
    expect((await getShard(vtctld.ts, "commerce", "0")).shard.tabletControls).toEqual([]);
    expect((await getShard(vtctld.ts, "customer", "0")).shard.tabletControls[0]?.deniedTables).toEqual([
      "corder",
      "customer",
    ]);
    await switchTraffic();
    expect(vrepl.streamsOf(COMMERCE, "commerce2customer_reverse")).toHaveLength(1);
  });
});

describe("complete and cancel", () => {
  it("refuses complete until all traffic is switched, naming the missing step", async () => {
    await create();
    const before = await snapshotTopo(vtctld.ts);
    await expectRefused(
      vtctld.call("moveTablesComplete", { targetKeyspace: "customer", workflow: "commerce2customer" }),
      Code.FAILED_PRECONDITION,
      /reads have not been switched for tablet types rdonly,replica/,
    );
    await switchTraffic({ tabletTypes: [TabletType.RDONLY, TabletType.REPLICA] });
    await expectRefused(
      vtctld.call("moveTablesComplete", { targetKeyspace: "customer", workflow: "commerce2customer" }),
      Code.FAILED_PRECONDITION,
      /writes have not been switched/,
    );
    expect(vrepl.tables.get(COMMERCE)?.has("customer")).toBe(true);
    void before;
  });

  it("complete drops the source tables, removes rules, denied tables and both workflows", async () => {
    await create();
    await switchTraffic();
    const response = await vtctld.call("moveTablesComplete", {
      targetKeyspace: "customer",
      workflow: "commerce2customer",
    });
    expect(response.summary).toBe(
      "Successfully completed the commerce2customer workflow in the customer keyspace",
    );
    expect(await rulesJson()).toBe('{\n  "rules": []\n}');
    expect([...(vrepl.tables.get(COMMERCE) ?? [])]).toEqual(["product"]);
    expect((await getShard(vtctld.ts, "commerce", "0")).shard.tabletControls).toEqual([]);
    expect(vrepl.streamsOf(COMMERCE)).toEqual([]);
    expect(vrepl.streamsOf(CUSTOMER)).toEqual([]);
    expect(Object.keys((await getVSchema(vtctld.ts, "commerce")).tables)).toEqual(["product"]);
    expect(await readArtifacts(vtctld.ts, "customer", "commerce2customer")).toBeUndefined();
    expect((await vtctld.call("getWorkflows", { keyspace: "customer", nameOnly: true })).workflows).toEqual(
      [],
    );
  });

  it("complete --keep-data --keep-routing-rules leaves the tables and the rules", async () => {
    await create();
    await switchTraffic();
    const rules = await rulesJson();
    await vtctld.call("moveTablesComplete", {
      targetKeyspace: "customer",
      workflow: "commerce2customer",
      keepData: true,
      keepRoutingRules: true,
    });
    expect(await rulesJson()).toBe(rules);
    expect(vrepl.tables.get(COMMERCE)?.has("customer")).toBe(true);
  });

  it("cancel removes exactly the recorded artifacts", async () => {
    vrepl.setTables(CUSTOMER, "other");
    const before = await snapshotTopo(vtctld.ts);
    await create();
    await switchTraffic({ tabletTypes: [TabletType.REPLICA] });
    const response = await vtctld.call("workflowDelete", {
      keyspace: "customer",
      workflow: "commerce2customer",
    });
    expect(response.summary).toBe(
      "Successfully cancelled the commerce2customer workflow in the customer keyspace",
    );
    expect(await snapshotTopo(vtctld.ts)).toEqual(before);
    expect([...(vrepl.tables.get(CUSTOMER) ?? [])]).toEqual(["other"]);
    expect(vrepl.streamsOf(CUSTOMER)).toEqual([]);
  });

  it("cancel is refused once writes are switched", async () => {
    await create();
    await switchTraffic();
    await expectRefused(
      vtctld.call("workflowDelete", { keyspace: "customer", workflow: "commerce2customer" }),
      Code.FAILED_PRECONDITION,
      /writes have been switched/,
    );
  });

  it("stop and start update every target primary", async () => {
    await create();
    const response = await vtctld.call("workflowUpdate", {
      keyspace: "customer",
      tabletRequest: {
        workflow: "commerce2customer",
        cells: [],
        tabletTypes: [],
        shards: [],
        configOverrides: {},
        filterRules: [],
        state: VReplicationWorkflowState.Stopped,
      },
    });
    expect(response.details).toEqual([{ tablet: { cell: "zone1", uid: 200 }, changed: true }]);
    expect(vrepl.streamsOf(CUSTOMER)[0]?.state).toBe(VReplicationWorkflowState.Stopped);
  });
});

describe("MirrorTraffic", () => {
  const mirror = (request: Record<string, unknown> = {}) =>
    vtctld.call("workflowMirrorTraffic", {
      keyspace: "customer",
      workflow: "commerce2customer",
      percent: 5,
      ...request,
    });
  const mirrorRules = async () =>
    (await vtctld.call("getMirrorRules", {})).mirrorRules?.rules.map(
      (r) => `${r.fromTable} -> ${r.toTable} ${r.percent}`,
    );

  it("mirrors every tablet type of each moved table to the target and keeps other rules", async () => {
    await create();
    await vtctld.call("applyMirrorRules", {
      mirrorRules: { rules: [{ fromTable: "commerce.product", toTable: "customer.product", percent: 1 }] },
      skipRebuild: false,
      rebuildCells: [],
    });
    const response = await mirror();
    expect(response).toEqual({
      summary: "SwitchTraffic was successful for workflow customer.commerce2customer",
      startState: "Reads Not Switched. Writes Not Switched",
      currentState: "Reads Not Switched. Writes Not Switched",
    });
    expect(await mirrorRules()).toEqual([
      "commerce.product -> customer.product 1",
      "commerce.customer -> customer.customer 5",
      "commerce.customer@replica -> customer.customer 5",
      "commerce.customer@rdonly -> customer.customer 5",
      "commerce.corder -> customer.corder 5",
      "commerce.corder@replica -> customer.corder 5",
      "commerce.corder@rdonly -> customer.corder 5",
    ]);
    const srv = await vtctld.call("getSrvVSchema", { cell: "zone1" });
    expect(srv.srvVSchema?.mirrorRules?.rules).toHaveLength(7);
    await mirror({ percent: 0 });
    expect(await mirrorRules()).toEqual(["commerce.product -> customer.product 1"]);
  });

  it("SwitchTraffic drops the switched types' rules, cancel the rest", async () => {
    await create();
    await mirror({ percent: 50 });
    await switchTraffic({ tabletTypes: [TabletType.REPLICA] });
    expect(await mirrorRules()).not.toContain("commerce.customer@replica -> customer.customer 50");
    expect(await mirrorRules()).toContain("commerce.customer@rdonly -> customer.customer 50");
    await vtctld.call("workflowDelete", { keyspace: "customer", workflow: "commerce2customer" });
    expect(await mirrorRules()).toEqual([]);
  });

  it("refuses switched tablet types, reverse workflows, bad percents and bad rules, changing nothing", async () => {
    await create();
    await switchTraffic({ tabletTypes: [TabletType.RDONLY] });
    await expectRefused(
      mirror(),
      Code.FAILED_PRECONDITION,
      /cannot mirror \[rdonly\] traffic for workflow customer.commerce2customer at this time: traffic for those tablet types is switched/,
    );
    await expectRefused(
      mirror({ workflow: "commerce2customer_reverse" }),
      Code.INVALID_ARGUMENT,
      /invalid action for reverse workflow/,
    );
    await expectRefused(mirror({ percent: 150 }), Code.INVALID_ARGUMENT, /between 0 and 100, got 150/);
    await expectRefused(
      vtctld.call("applyMirrorRules", {
        mirrorRules: {
          rules: [{ fromTable: "commerce.customer", toTable: "commerce.customer", percent: 1 }],
        },
        skipRebuild: false,
        rebuildCells: [],
      }),
      Code.INVALID_ARGUMENT,
      /mirrors into its own keyspace commerce/,
    );
    expect(await mirrorRules()).toEqual([]);
  });
});
