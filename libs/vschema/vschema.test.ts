import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TabletType } from "../proto/topodata.js";
import { createDefaultVindexRegistry, isSingleColumn } from "../vindexes/index.js";
import { Code, isVtError } from "../vterrors/index.js";
import { parseKeyspaceVSchema, parseSrvVSchema } from "./json.js";
import { buildVSchema } from "./vschema.js";

const registry = createDefaultVindexRegistry();
const seedJson = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`./testdata/${file}`, import.meta.url), "utf8"));

function seedVSchema(routingRules?: unknown) {
  return buildVSchema(
    parseSrvVSchema({
      keyspaces: {
        commerce: seedJson("seed-commerce-seq.json"),
        customer: seedJson("seed-customer-sharded.json"),
      },
      ...(routingRules === undefined ? {} : { routing_rules: routingRules }),
    }),
    registry,
  );
}

describe("buildVSchema", () => {
  it("builds seed 000: customer sharded by hash, sequences in commerce", () => {
    const vschema = seedVSchema();
    expect(vschema.errors()).toEqual([]);
    const customer = vschema.findTable(undefined, "customer")!;
    expect(customer.keyspace).toEqual({ name: "customer", sharded: true });
    expect(customer.columnVindexes.map((cv) => [cv.columns, cv.name, cv.type, cv.isUnique, cv.cost])).toEqual(
      [[["customer_id"], "hash", "hash", true, 1]],
    );
    expect(customer.autoIncrement?.column).toBe("customer_id");
    expect(customer.autoIncrement?.sequence.name).toBe("customer_seq");
    expect(customer.autoIncrement?.sequence.keyspace.name).toBe("commerce");
    expect(customer.autoIncrement?.sequence.type).toBe("sequence");
    expect(vschema.findTable(undefined, "corder")!.autoIncrement?.sequence.name).toBe("order_seq");

    const primary = customer.columnVindexes[0]!.vindex;
    if (!isSingleColumn(primary)) throw new Error("hash is functional");
    const [destination] = primary.map([{ type: 265, value: Buffer.from("4") }]);
    expect(destination?.kind === "keyspaceId" && Buffer.from(destination.id).toString("hex")).toBe(
      "d2fd8867d50d2dfe",
    );
  });

  it("finds tables by keyspace, globally, and makes up tables of unsharded keyspaces", () => {
    const vschema = seedVSchema();
    expect(vschema.findTable("commerce", "product")!.keyspace.name).toBe("commerce");
    expect(vschema.findTable("commerce", "not_listed")).toMatchObject({ name: "not_listed", implicit: true });
    expect(vschema.findTable("customer", "not_listed")).toBeUndefined();
    expect(vschema.findTable(undefined, "nowhere")).toBeUndefined();
    expect(vschema.findTable("customer", "dual")!.type).toBe("reference");
    expect(() => vschema.findTable("nope", "t")).toThrow("Unknown database 'nope' in vschema");
  });

  it("reports a name several keyspaces have, naming them", () => {
    const vschema = buildVSchema(
      parseSrvVSchema({
        keyspaces: {
          commerce: seedJson("seed-commerce-initial.json"),
          customer: seedJson("seed-customer-sharded.json"),
        },
      }),
      registry,
    );
    try {
      vschema.findTable(undefined, "customer");
      expect.unreachable();
    } catch (err) {
      expect(isVtError(err, Code.FAILED_PRECONDITION)).toBe(true);
      expect((err as Error).message).toBe(
        "ambiguous table reference: customer (in keyspaces commerce, customer)",
      );
    }
    expect(vschema.findTable(undefined, "product")!.keyspace.name).toBe("commerce");
  });

  it("keeps keyspaces that require explicit routing out of global names", () => {
    const vschema = buildVSchema(
      parseSrvVSchema({
        keyspaces: {
          commerce: seedJson("seed-commerce-initial.json"),
          hidden: { require_explicit_routing: true, tables: { customer: {} } },
        },
      }),
      registry,
    );
    expect(vschema.findTable(undefined, "customer")!.keyspace.name).toBe("commerce");
  });

  it("collects errors per keyspace; a broken keyspace does not break the others", () => {
    const vschema = buildVSchema(
      parseSrvVSchema({
        keyspaces: {
          commerce: seedJson("seed-commerce-seq.json"),
          broken: {
            sharded: true,
            vindexes: { h: { type: "hsh" } },
            tables: { t: { column_vindexes: [{ column: "id", name: "h" }] }, u: {} },
          },
        },
      }),
      registry,
    );
    expect(vschema.keyspaces.get("commerce")!.errors).toEqual([]);
    expect(vschema.keyspaces.get("broken")!.errors.map((i) => `${i.path}: ${i.error.message}`)).toEqual([
      'vindexes.h: vindex type "hsh" not found',
      "tables.t.column_vindexes[0].name: vindex h of table t could not be created",
      "tables.u.column_vindexes: missing primary col vindex for table: u",
    ]);
    expect(vschema.findTable("commerce", "product")).toBeDefined();
    expect(() => vschema.findTable("broken", "t")).toThrow(
      "table t of keyspace broken has a broken VSchema: tables.t.column_vindexes[0].name: vindex h of table t could not be created",
    );
  });

  it("removes a table whose sequence cannot be resolved, as Vitess", () => {
    const customer = seedJson("seed-customer-sharded.json") as {
      tables: { customer: { auto_increment: { sequence: string } } };
    };
    customer.tables.customer.auto_increment.sequence = "missing_seq";
    const vschema = buildVSchema(
      parseSrvVSchema({ keyspaces: { commerce: seedJson("seed-commerce-seq.json"), customer } }),
      registry,
    );
    expect(vschema.keyspaces.get("customer")!.errors.map((i) => i.error.message)).toEqual([
      "cannot resolve sequence missing_seq: table missing_seq not found",
    ]);
    expect(() => vschema.findTable("customer", "customer")).toThrow(
      /broken VSchema: .*cannot resolve sequence missing_seq/,
    );
    expect(vschema.findTable(undefined, "customer")).toBeUndefined();
    expect(vschema.findTable("customer", "corder")).toBeDefined();
  });

  it("resolves routing rules, with tablet type suffixes and keyspace qualifiers", () => {
    const vschema = seedVSchema({
      rules: [
        { from_table: "customer", to_tables: ["commerce.product"] },
        { from_table: "customer@replica", to_tables: ["customer.customer"] },
        { from_table: "customer.customer@rdonly", to_tables: ["commerce.product"] },
        { from_table: "disabled", to_tables: [] },
        { from_table: "bad", to_tables: ["unqualified"] },
        { from_table: "two", to_tables: ["commerce.a", "commerce.b"] },
        { from_table: "gone", to_tables: ["customer.nope"] },
      ],
    });
    expect(vschema.findRoutedTable(undefined, "customer", TabletType.PRIMARY)!.name).toBe("product");
    expect(vschema.findRoutedTable(undefined, "customer", TabletType.REPLICA)!.keyspace.name).toBe(
      "customer",
    );
    expect(vschema.findRoutedTable("customer", "customer", TabletType.RDONLY)!.name).toBe("product");
    expect(vschema.findRoutedTable("customer", "customer", TabletType.PRIMARY)!.name).toBe("customer");
    expect(vschema.findRoutedTable(undefined, "corder")!.keyspace.name).toBe("customer");
    expect(() => vschema.findRoutedTable(undefined, "disabled")).toThrow("table disabled has been disabled");
    expect(() => vschema.findRoutedTable(undefined, "bad")).toThrow(
      "invalid table name: unqualified, it must be of the qualified form <keyspace_name>.<table_name>",
    );
    expect(() => vschema.findRoutedTable(undefined, "two")).toThrow(
      "table two has more than one target: [commerce.a commerce.b]",
    );
    expect(() => vschema.findRoutedTable(undefined, "gone")).toThrow("table nope not found");
  });

  it("finds vindexes as tables", () => {
    const vschema = seedVSchema();
    const found = vschema.findTableOrVindex(undefined, "hash");
    expect("vindex" in found && found.vindex.type).toBe("hash");
    expect("table" in vschema.findTableOrVindex("customer", "customer")).toBe(true);
    expect(vschema.findVindex("customer", "hash")!.name).toBe("hash");
    expect(() => vschema.findTableOrVindex("customer", "nothing")).toThrow("table nothing not found");
  });

  it("reports an ambiguous vindex name", () => {
    const sharded = seedJson("seed-customer-sharded.json");
    const vschema = buildVSchema(parseSrvVSchema({ keyspaces: { a: sharded, b: sharded } }), registry);
    expect(() => vschema.findVindex(undefined, "hash")).toThrow("ambiguous vindex reference: hash");
    expect(vschema.findVindex("a", "hash")).toBeDefined();
  });

  it("orders column vindexes by cost and marks owned lookups", () => {
    const ks = parseKeyspaceVSchema({
      sharded: true,
      vindexes: {
        hash: { type: "hash" },
        email_idx: {
          type: "consistent_lookup_unique",
          params: { table: "commerce.email_idx", from: "email", to: "keyspace_id" },
          owner: "customer",
        },
      },
      tables: {
        customer: {
          column_vindexes: [
            { column: "customer_id", name: "hash" },
            { column: "email", name: "email_idx" },
          ],
        },
      },
    });
    const vschema = buildVSchema(parseSrvVSchema({ keyspaces: { customer: ks } }), registry);
    const table = vschema.findTable("customer", "customer")!;
    expect(table.ordered.map((cv) => cv.name)).toEqual(["hash", "email_idx"]);
    expect(table.owned.map((cv) => cv.name)).toEqual(["email_idx"]);
    expect(table.columnVindexes[1]!.owned).toBe(true);
  });
});
