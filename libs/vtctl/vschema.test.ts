import { beforeEach, describe, expect, it } from "vitest";
import type { Keyspace as KeyspaceVSchema } from "../proto/vschema.js";
import { getRoutingRules, getSrvVSchema, getVSchema } from "../topo/index.js";
import { parseKeyspaceVSchema, parseRoutingRules } from "../vschema/index.js";
import { Code, isVtError } from "../vterrors/index.js";
import { createTestVtctld, snapshotTopo, type TestVtctld } from "./testing/fixtures.js";

const CELLS = ["zone1", "zone2"];
let vtctld: TestVtctld;

beforeEach(async () => {
  vtctld = await createTestVtctld(CELLS);
  await vtctld.call("createKeyspace", { name: "commerce" });
  await vtctld.call("createKeyspace", { name: "customer" });
});

const vschema = (json: unknown): KeyspaceVSchema => parseKeyspaceVSchema(json);
const COMMERCE = vschema({
  tables: { customer_seq: { type: "sequence" }, order_seq: { type: "sequence" }, product: {} },
});
const CUSTOMER = vschema({
  sharded: true,
  vindexes: { hash: { type: "hash" } },
  tables: {
    customer: {
      column_vindexes: [{ column: "customer_id", name: "hash" }],
      auto_increment: { column: "customer_id", sequence: "customer_seq" },
    },
  },
});

/** Expects `action` to fail with `code` and a message matching `message`, leaving the topology unchanged. */
async function refused(action: () => Promise<unknown>, code: Code, message: RegExp): Promise<void> {
  const before = await snapshotTopo(vtctld.ts, CELLS);
  const err = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isVtError(err), `expected a VtError, got ${String(err)}`).toBe(true);
  expect(Code[(err as { code: Code }).code]).toBe(Code[code]);
  expect((err as Error).message).toMatch(message);
  expect(await snapshotTopo(vtctld.ts, CELLS)).toEqual(before);
}

describe("CreateKeyspace", () => {
  it("puts the new keyspace into every cell's SrvVSchema", async () => {
    for (const cell of CELLS) {
      expect(Object.keys((await getSrvVSchema(vtctld.ts, cell)).keyspaces).sort()).toEqual([
        "commerce",
        "customer",
      ]);
    }
  });
});

describe("ApplyVSchema", () => {
  it("stores a valid VSchema, rebuilds every cell and returns the stored one", async () => {
    await vtctld.call("applyVSchema", { keyspace: "commerce", vSchema: COMMERCE });
    const response = await vtctld.call("applyVSchema", { keyspace: "customer", vSchema: CUSTOMER });
    expect(response.vSchema).toEqual(CUSTOMER);
    expect(response.unknownVindexParams).toEqual({});
    expect(await getVSchema(vtctld.ts, "customer")).toEqual(CUSTOMER);
    for (const cell of CELLS) {
      const srv = await getSrvVSchema(vtctld.ts, cell);
      expect(srv.keyspaces.customer).toEqual(CUSTOMER);
      expect(srv.keyspaces.commerce).toEqual(COMMERCE);
    }
    expect((await vtctld.call("getVSchema", { keyspace: "customer" })).vSchema).toEqual(CUSTOMER);
  });

  it("refuses an unknown vindex type, naming it, and keeps the stored VSchema", async () => {
    await vtctld.call("applyVSchema", { keyspace: "commerce", vSchema: COMMERCE });
    await refused(
      () =>
        vtctld.call("applyVSchema", {
          keyspace: "customer",
          vSchema: vschema({
            sharded: true,
            vindexes: { hash: { type: "hsh" } },
            tables: { customer: { column_vindexes: [{ column: "id", name: "hash" }] } },
          }),
        }),
      Code.INVALID_ARGUMENT,
      /^invalid VSchema for keyspace customer: vindexes\.hash: vindex type "hsh" not found/,
    );
  });

  it("refuses a column vindex naming an undeclared vindex, and a sharded table without a primary vindex", async () => {
    await refused(
      () =>
        vtctld.call("applyVSchema", {
          keyspace: "customer",
          vSchema: vschema({
            sharded: true,
            vindexes: { hash: { type: "hash" } },
            tables: { customer: { column_vindexes: [{ column: "id", name: "nope" }] } },
          }),
        }),
      Code.INVALID_ARGUMENT,
      /tables\.customer\.column_vindexes\[0\]\.name: .*nope/,
    );
    await refused(
      () =>
        vtctld.call("applyVSchema", {
          keyspace: "customer",
          vSchema: vschema({ sharded: true, vindexes: { hash: { type: "hash" } }, tables: { customer: {} } }),
        }),
      Code.INVALID_ARGUMENT,
      /tables\.customer\.column_vindexes: missing primary col vindex for table: customer/,
    );
  });

  it("checks that auto_increment names a table declared as a sequence, in any keyspace", async () => {
    await refused(
      () => vtctld.call("applyVSchema", { keyspace: "customer", vSchema: CUSTOMER }),
      Code.INVALID_ARGUMENT,
      /tables\.customer\.auto_increment: .*customer_seq not found/,
    );
    await vtctld.call("applyVSchema", {
      keyspace: "commerce",
      vSchema: vschema({ tables: { customer_seq: {}, product: {} } }),
    });
    await refused(
      () => vtctld.call("applyVSchema", { keyspace: "customer", vSchema: CUSTOMER }),
      Code.INVALID_ARGUMENT,
      /is not a sequence \(declare it with "type": "sequence"\)/,
    );
    await vtctld.call("applyVSchema", { keyspace: "commerce", vSchema: COMMERCE });
    await vtctld.call("applyVSchema", { keyspace: "customer", vSchema: CUSTOMER });
  });

  it("refuses an unknown keyspace, no VSchema at all, VSchema DDL and unknown cells", async () => {
    await refused(
      () => vtctld.call("applyVSchema", { keyspace: "nope", vSchema: COMMERCE }),
      Code.NOT_FOUND,
      /keyspace\(nope\) doesn't exist/,
    );
    await refused(
      () => vtctld.call("applyVSchema", { keyspace: "commerce" }),
      Code.INVALID_ARGUMENT,
      /exactly one of req.VSchema and req.Sql/,
    );
    await refused(
      () => vtctld.call("applyVSchema", { keyspace: "commerce", sql: "alter vschema add table t" }),
      Code.UNIMPLEMENTED,
      /VSchema DDL/,
    );
    await refused(
      () => vtctld.call("applyVSchema", { keyspace: "commerce", vSchema: COMMERCE, cells: ["zone9"] }),
      Code.NOT_FOUND,
      /cell zone9 not found/,
    );
  });

  it("reports unknown vindex params, and refuses them with strict", async () => {
    const withParams = vschema({
      sharded: true,
      vindexes: { hash: { type: "hash", params: { colour: "blue" } } },
      tables: { customer: { column_vindexes: [{ column: "id", name: "hash" }] } },
    });
    await refused(
      () => vtctld.call("applyVSchema", { keyspace: "customer", vSchema: withParams, strict: true }),
      Code.INVALID_ARGUMENT,
      /unknown vindex params: hash \(colour\)/,
    );
    const response = await vtctld.call("applyVSchema", { keyspace: "customer", vSchema: withParams });
    expect(response.unknownVindexParams).toEqual({ hash: { params: ["colour"] } });
  });

  it("changes nothing on a dry run", async () => {
    const before = await snapshotTopo(vtctld.ts, CELLS);
    const response = await vtctld.call("applyVSchema", {
      keyspace: "commerce",
      vSchema: COMMERCE,
      dryRun: true,
    });
    expect(response.vSchema).toEqual(COMMERCE);
    expect(await snapshotTopo(vtctld.ts, CELLS)).toEqual(before);
  });

  it("with skip_rebuild leaves every SrvVSchema as it was until RebuildVSchemaGraph", async () => {
    const before = await getSrvVSchema(vtctld.ts, "zone1");
    await vtctld.call("applyVSchema", { keyspace: "commerce", vSchema: COMMERCE, skipRebuild: true });
    expect(await getVSchema(vtctld.ts, "commerce")).toEqual(COMMERCE);
    expect(await getSrvVSchema(vtctld.ts, "zone1")).toEqual(before);
    await vtctld.call("rebuildVSchemaGraph", {});
    expect((await getSrvVSchema(vtctld.ts, "zone1")).keyspaces.commerce).toEqual(COMMERCE);
  });

  it("rebuilds only the cells named, the others keep their SrvVSchema (the canary)", async () => {
    const zone2 = (await vtctld.call("getSrvVSchema", { cell: "zone2" })).srvVSchema;
    await vtctld.call("applyVSchema", { keyspace: "commerce", vSchema: COMMERCE, cells: ["zone1"] });
    expect((await getSrvVSchema(vtctld.ts, "zone1")).keyspaces.commerce).toEqual(COMMERCE);
    expect(await getSrvVSchema(vtctld.ts, "zone2")).toEqual(zone2);
    await vtctld.call("applyVSchema", { keyspace: "customer", vSchema: CUSTOMER, skipRebuild: true });
    await vtctld.call("rebuildVSchemaGraph", { cells: ["zone1"] });
    expect((await getSrvVSchema(vtctld.ts, "zone1")).keyspaces.customer).toEqual(CUSTOMER);
    expect(await getSrvVSchema(vtctld.ts, "zone2")).toEqual(zone2);
    await refused(
      () => vtctld.call("rebuildVSchemaGraph", { cells: ["zone1", "zone9"] }),
      Code.NOT_FOUND,
      /zone9/,
    );
  });
});

describe("GetSrvVSchema(s)", () => {
  it("returns one cell's, or several cells' (unknown cells left out)", async () => {
    const { srvVSchemas } = await vtctld.call("getSrvVSchemas", { cells: ["zone2", "zone9"] });
    expect(Object.keys(srvVSchemas)).toEqual(["zone2"]);
    expect(Object.keys((await vtctld.call("getSrvVSchemas", {})).srvVSchemas)).toEqual(CELLS);
    await expect(vtctld.call("getSrvVSchema", { cell: "zone9" })).rejects.toThrow(/cell zone9 not found/);
  });
});

describe("routing rules", () => {
  const RULES = parseRoutingRules({
    rules: [
      { from_table: "customer", to_tables: ["commerce.customer"] },
      { from_table: "customer.customer@replica", to_tables: ["commerce.customer"] },
    ],
  });

  it("are empty until applied, then stored and rolled into every SrvVSchema", async () => {
    expect((await vtctld.call("getRoutingRules", {})).routingRules).toEqual({ rules: [] });
    await vtctld.call("applyRoutingRules", { routingRules: RULES });
    expect(await getRoutingRules(vtctld.ts)).toEqual(RULES);
    expect((await vtctld.call("getRoutingRules", {})).routingRules).toEqual(RULES);
    for (const cell of CELLS) expect((await getSrvVSchema(vtctld.ts, cell)).routingRules).toEqual(RULES);
  });

  it("with skip_rebuild or rebuild_cells, leave the other SrvVSchemas alone", async () => {
    const zone2 = await getSrvVSchema(vtctld.ts, "zone2");
    await vtctld.call("applyRoutingRules", { routingRules: RULES, rebuildCells: ["zone1"] });
    expect((await getSrvVSchema(vtctld.ts, "zone1")).routingRules).toEqual(RULES);
    expect(await getSrvVSchema(vtctld.ts, "zone2")).toEqual(zone2);
    await vtctld.call("applyRoutingRules", { routingRules: { rules: [] }, skipRebuild: true });
    expect((await getSrvVSchema(vtctld.ts, "zone1")).routingRules).toEqual(RULES);
    expect((await vtctld.call("getRoutingRules", {})).routingRules).toEqual({ rules: [] });
  });

  it("refuse duplicates, several targets and unknown keyspaces, naming the rule", async () => {
    await refused(
      () =>
        vtctld.call("applyRoutingRules", {
          routingRules: { rules: [{ fromTable: "t", toTables: ["nope.t"] }] },
        }),
      Code.INVALID_ARGUMENT,
      /rules\[0\]\.to_tables\[0\]: routing rule target nope\.t names unknown keyspace nope/,
    );
    await refused(
      () =>
        vtctld.call("applyRoutingRules", {
          routingRules: {
            rules: [
              { fromTable: "t", toTables: ["commerce.t"] },
              { fromTable: "t", toTables: ["commerce.t", "customer.t"] },
            ],
          },
        }),
      Code.INVALID_ARGUMENT,
      /rules\[1\]\.from_table: duplicate rule for entry t; rules\[1\]\.to_tables: table t has more than one target/,
    );
  });
});
