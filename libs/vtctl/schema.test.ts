import { beforeEach, describe, expect, it } from "vitest";
import type { ApplySchemaRequest as TabletApplySchemaRequest } from "../proto/tabletmanagerdata.js";
import { updateShardFields } from "../topo/index.js";
import { Code, isVtError, VtError } from "../vterrors/index.js";
import { createTestVtctld, type TestVtctld } from "./testing/fixtures.js";
import { addKeyspaceWithShards, schemaDef, tableDef } from "./testing/schema-fixtures.js";

let vtctld: TestVtctld;

beforeEach(async () => {
  vtctld = await createTestVtctld(["zone1"]);
  await addKeyspaceWithShards(vtctld, "commerce", ["0"]);
});

const commerce = schemaDef(tableDef("corder"), tableDef("customer", { rowCount: 7 }), tableDef("product"));

describe("GetSchema", () => {
  beforeEach(() => {
    vtctld.tmc.respond("getSchema", "*", () => ({ schemaDefinition: structuredClone(commerce) }));
  });

  it("returns the tablet's schema, passing the filters on", async () => {
    const { schema } = await vtctld.call("getSchema", {
      tabletAlias: { cell: "zone1", uid: 101 },
      tables: ["/^c/"],
      excludeTables: ["corder"],
      includeViews: true,
    });
    expect(schema?.tableDefinitions.map((t) => t.name)).toEqual(["corder", "customer", "product"]);
    expect(vtctld.tmc.steps()).toEqual(["getSchema zone1-0000000101"]);
    expect(vtctld.tmc.calls[0]?.request).toEqual({
      tables: ["/^c/"],
      excludeTables: ["corder"],
      includeViews: true,
      tableSchemaOnly: false,
    });
  });

  it("keeps only names, or only sizes, when asked", async () => {
    const names = await vtctld.call("getSchema", {
      tabletAlias: { cell: "zone1", uid: 101 },
      tableNamesOnly: true,
    });
    expect(names.schema?.tableDefinitions[1]).toEqual({
      name: "customer",
      schema: "",
      columns: [],
      primaryKeyColumns: [],
      type: "",
      dataLength: 0,
      rowCount: 0,
      fields: [],
    });
    expect(vtctld.tmc.calls[0]?.request).toMatchObject({ tableSchemaOnly: true });
    const sizes = await vtctld.call("getSchema", {
      tabletAlias: { cell: "zone1", uid: 101 },
      tableSizesOnly: true,
    });
    expect(sizes.schema?.tableDefinitions[1]).toMatchObject({
      name: "customer",
      schema: "",
      type: "BASE TABLE",
      rowCount: 7,
      dataLength: 16384,
    });
  });

  it("answers NOT_FOUND for an unknown tablet and names the tablet when it fails", async () => {
    await expect(vtctld.call("getSchema", { tabletAlias: { cell: "zone1", uid: 999 } })).rejects.toThrow(
      /tablet zone1-0000000999 not found/,
    );
    vtctld.tmc.fail(
      "getSchema",
      "zone1-0000000101",
      new VtError(Code.UNAVAILABLE, "localhost:16101: connection refused"),
    );
    const err = await vtctld
      .call("getSchema", { tabletAlias: { cell: "zone1", uid: 101 } })
      .catch((e: unknown) => e);
    expect(isVtError(err, Code.UNAVAILABLE)).toBe(true);
    expect((err as Error).message).toBe("GetSchema(zone1-0000000101) failed: connection refused");
  });
});

describe("ValidateSchemaShard and ValidateSchemaKeyspace", () => {
  it("find nothing when every tablet has the primary's schema", async () => {
    vtctld.tmc.respond("getSchema", "*", () => ({ schemaDefinition: commerce }));
    expect(await vtctld.call("validateSchemaShard", { keyspace: "commerce", shard: "0" })).toEqual({
      results: [],
    });
    expect(await vtctld.call("validateSchemaKeyspace", { keyspace: "commerce" })).toEqual({
      results: [],
      resultsByShard: { "0": { results: [] } },
    });
    expect(
      vtctld.tmc
        .callsOf("getSchema")
        .map((c) => c.alias)
        .slice(0, 3)
        .sort(),
    ).toEqual(["zone1-0000000100", "zone1-0000000101", "zone1-0000000102"]);
  });

  it("name the tablet and the table of each difference", async () => {
    vtctld.tmc.respond("getSchema", "*", () => ({ schemaDefinition: commerce }));
    vtctld.tmc.respond("getSchema", "zone1-0000000101", () => ({
      schemaDefinition: schemaDef(...commerce.tableDefinitions, tableDef("only_here")),
    }));
    vtctld.tmc.respond("getSchema", "zone1-0000000102", () => ({
      schemaDefinition: schemaDef(
        tableDef("corder", { schema: "CREATE TABLE `corder` (`id` int)" }),
        tableDef("customer"),
      ),
    }));
    const { results } = await vtctld.call("validateSchemaShard", { keyspace: "commerce", shard: "0" });
    expect(results).toEqual([
      "zone1-0000000101 has an extra table named only_here",
      `zone1-0000000100 and zone1-0000000102 disagree on schema for table corder:\n${tableDef("corder").schema}\n differs from:\nCREATE TABLE \`corder\` (\`id\` int)`,
      "zone1-0000000100 has an extra table named product (missing on zone1-0000000102)",
    ]);
    const keyspace = await vtctld.call("validateSchemaKeyspace", { keyspace: "commerce" });
    expect(keyspace.results).toEqual(results);
    expect(keyspace.resultsByShard["0"]?.results).toEqual(results);
    // Excluded tables are not compared.
    expect(vtctld.tmc.callsOf("getSchema")[0]?.request).toMatchObject({ excludeTables: [] });
  });

  it("compare every shard with the first shard's primary", async () => {
    await addKeyspaceWithShards(vtctld, "customer", ["-80", "80-"], 200);
    vtctld.tmc.respond("getSchema", "*", () => ({ schemaDefinition: commerce }));
    vtctld.tmc.respond("getSchema", "zone1-0000000300", () => ({
      schemaDefinition: schemaDef(tableDef("customer")),
    }));
    const { results, resultsByShard } = await vtctld.call("validateSchemaKeyspace", { keyspace: "customer" });
    expect(resultsByShard["-80"]?.results).toEqual([]);
    expect(resultsByShard["80-"]?.results).toEqual([
      "zone1-0000000200 has an extra table named corder (missing on zone1-0000000300)",
      "zone1-0000000200 has an extra table named product (missing on zone1-0000000300)",
    ]);
    expect(results).toHaveLength(2);
    expect(vtctld.tmc.callsOf("getSchema").map((c) => c.alias)).not.toContain("zone1-0000000100");
  });

  it("report shards without a primary and tablets that cannot be read as results", async () => {
    vtctld.tmc.respond("getSchema", "*", () => ({ schemaDefinition: commerce }));
    vtctld.tmc.fail("getSchema", "zone1-0000000102", new VtError(Code.UNAVAILABLE, "down"));
    expect((await vtctld.call("validateSchemaShard", { keyspace: "commerce", shard: "0" })).results).toEqual([
      "GetSchema(zone1-0000000102) failed: down",
    ]);
    await updateShardFields(vtctld.ts, "commerce", "0", (shard) => {
      shard.primaryAlias = undefined;
    });
    expect((await vtctld.call("validateSchemaKeyspace", { keyspace: "commerce" })).results).toEqual([
      "no primary in shard commerce/0",
    ]);
    expect(
      (await vtctld.call("validateSchemaKeyspace", { keyspace: "commerce", skipNoPrimary: true })).results,
    ).toEqual([]);
  });

  it("with --include-vschema, list the tables the VSchema lacks", async () => {
    vtctld.tmc.respond("getSchema", "*", () => ({ schemaDefinition: commerce }));
    await vtctld.call("applyVSchema", {
      keyspace: "commerce",
      vSchema: {
        sharded: false,
        vindexes: {},
        tables: {
          product: {
            type: "",
            columnVindexes: [],
            autoIncrement: undefined,
            columns: [],
            pinned: "",
            columnListAuthoritative: false,
            source: "",
          },
        },
        requireExplicitRouting: false,
        foreignKeyMode: 0,
        multiTenantSpec: undefined,
      },
    });
    const { results } = await vtctld.call("validateSchemaKeyspace", {
      keyspace: "commerce",
      includeVschema: true,
    });
    expect(results).toEqual(["0 has tables that are not in the vschema: [corder customer]"]);
  });

  it("refuse unknown keyspaces and shards", async () => {
    await expect(vtctld.call("validateSchemaKeyspace", { keyspace: "nope" })).rejects.toThrow(
      /keyspace nope not found/,
    );
    await expect(vtctld.call("validateSchemaShard", { keyspace: "commerce", shard: "80-" })).rejects.toThrow(
      /shard commerce\/80- not found/,
    );
    await expect(
      vtctld.call("validateSchemaKeyspace", { keyspace: "commerce", shards: ["9"] }),
    ).rejects.toThrow(/not found/);
  });
});

describe("CopySchemaShard", () => {
  beforeEach(async () => {
    await addKeyspaceWithShards(vtctld, "customer", ["-80"], 200);
  });

  it("creates the source's missing tables on the destination primary, in the destination's database, then verifies", async () => {
    let destination = schemaDef(tableDef("customer"));
    vtctld.tmc.respond("getSchema", "zone1-0000000101", () => ({ schemaDefinition: commerce }));
    vtctld.tmc.respond("getSchema", "zone1-0000000200", () => ({ schemaDefinition: destination }));
    vtctld.tmc.respond("applySchema", "zone1-0000000200", () => {
      destination = commerce;
      return { beforeSchema: undefined, afterSchema: undefined };
    });
    await vtctld.call("copySchemaShard", {
      sourceTabletAlias: { cell: "zone1", uid: 101 },
      destinationKeyspace: "customer",
      destinationShard: "-80",
      includeViews: true,
    });
    const sql = vtctld.tmc.callsOf("applySchema").map((c) => (c.request as TabletApplySchemaRequest).sql);
    // The database and the two missing tables; customer is already there with the same definition.
    expect(sql).toEqual([
      "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `vt_customer` /*!40100 DEFAULT CHARACTER SET utf8mb4 */",
      tableDef("corder").schema.replace("CREATE TABLE `", "CREATE TABLE `vt_customer`.`"),
      tableDef("product").schema.replace("CREATE TABLE `", "CREATE TABLE `vt_customer`.`"),
    ]);
    expect(vtctld.tmc.callsOf("applySchema")[0]?.request).toMatchObject({ allowReplication: true });
  });

  it("does nothing when the destination already has the schema; fails when the copy does not verify", async () => {
    vtctld.tmc.respond("getSchema", "*", () => ({ schemaDefinition: commerce }));
    await vtctld.call("copySchemaShard", {
      sourceTabletAlias: { cell: "zone1", uid: 100 },
      destinationKeyspace: "customer",
      destinationShard: "-80",
    });
    expect(vtctld.tmc.callsOf("applySchema")).toEqual([]);
    vtctld.tmc.respond("getSchema", "zone1-0000000200", () => ({ schemaDefinition: schemaDef() }));
    await expect(
      vtctld.call("copySchemaShard", {
        sourceTabletAlias: { cell: "zone1", uid: 101 },
        destinationKeyspace: "customer",
        destinationShard: "-80",
      }),
    ).rejects.toThrow(/schemas are different:\nsource has an extra table named corder/);
  });

  it("refuses a destination without a primary and explains a table that exists with another definition", async () => {
    vtctld.tmc.respond("getSchema", "zone1-0000000101", () => ({ schemaDefinition: commerce }));
    vtctld.tmc.respond("getSchema", "zone1-0000000200", () => ({
      schemaDefinition: schemaDef(tableDef("corder", { schema: "CREATE TABLE `corder` (x int)" })),
    }));
    vtctld.tmc.fail(
      "applySchema",
      "zone1-0000000200",
      new VtError(Code.ALREADY_EXISTS, "Table 'corder' already exists (errno 1050) (sqlstate 42S01)"),
    );
    await expect(
      vtctld.call("copySchemaShard", {
        sourceTabletAlias: { cell: "zone1", uid: 101 },
        destinationKeyspace: "customer",
        destinationShard: "-80",
      }),
    ).rejects.toThrow(
      /Most likely some tables already exist on the destination.*Table 'corder' already exists/,
    );
    await updateShardFields(vtctld.ts, "customer", "-80", (shard) => {
      shard.primaryAlias = undefined;
    });
    await expect(
      vtctld.call("copySchemaShard", {
        sourceTabletAlias: { cell: "zone1", uid: 101 },
        destinationKeyspace: "customer",
        destinationShard: "-80",
      }),
    ).rejects.toThrow(/no primary in shard record customer\/-80/);
  });
});

describe("ReloadSchema", () => {
  it("reloads one tablet, or every tablet of a shard, reporting failures as events", async () => {
    await vtctld.call("reloadSchema", { tabletAlias: { cell: "zone1", uid: 101 } });
    expect(vtctld.tmc.steps()).toEqual(["reloadSchema zone1-0000000101"]);
    vtctld.tmc.calls.length = 0;
    vtctld.tmc.fail("reloadSchema", "zone1-0000000102", new VtError(Code.UNAVAILABLE, "down"));
    const { events } = await vtctld.call("reloadSchemaShard", { keyspace: "commerce", shard: "0" });
    expect(vtctld.tmc.steps().sort()).toEqual([
      "reloadSchema zone1-0000000101",
      "reloadSchema zone1-0000000102",
    ]);
    expect(events.map((e) => e.value)).toEqual([
      "Failed to reload schema on replica tablet zone1-0000000102 in commerce/0 (position: none): down",
    ]);
    vtctld.tmc.calls.length = 0;
    await vtctld.call("reloadSchemaKeyspace", { keyspace: "commerce", includePrimary: true });
    expect(vtctld.tmc.steps()).toHaveLength(3);
  });
});
