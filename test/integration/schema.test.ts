import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CommerceCluster, startCommerceCluster, startShardTablets } from "../harness/cluster.js";
import type { CliResult } from "../harness/vtctld.js";
import { waitFor } from "../harness/wait.js";

const DEPLOY = join(resolve(dirname(fileURLToPath(import.meta.url)), "../.."), "deploy/local");
const TABLETS = ["zone1-100", "zone1-101", "zone1-102"];

let cluster: CommerceCluster | undefined;

const client = (...args: string[]): Promise<CliResult> => cluster!.client(...args);

/** The command's stdout; fails the test with its stderr when it did not exit 0. */
async function ok(...args: string[]): Promise<string> {
  const result = await client(...args);
  expect(result.code, `${args.join(" ")} failed: ${result.stderr}`).toBe(0);
  return result.stdout;
}

/** The command must fail (exit 1); returns its stderr. */
async function fails(...args: string[]): Promise<string> {
  const result = await client(...args);
  expect(result.code, `${args.join(" ")} should have failed: ${result.stdout}`).toBe(1);
  return result.stderr;
}

/** GetSchema of every tablet, for before/after comparisons. */
const schemas = () => Promise.all(TABLETS.map((alias) => ok("GetSchema", "--include-views", alias)));

/** The tablet's schema once it has `table` (replication may be a moment behind). */
async function waitForTable(alias: string, table: string, present = true): Promise<void> {
  await waitFor(`${table} ${present ? "on" : "gone from"} ${alias}`, async () => {
    const names = (await ok("GetSchema", "--table-names-only", alias)).trim().split("\n");
    return names.includes(table) === present;
  });
}

beforeAll(async () => {
  cluster = await startCommerceCluster("schema");
  // A second cell in the same etcd, for the canary of RebuildVSchemaGraph --cells.
  await cluster.addCell("zone2");
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
});

describe("ApplySchema, GetSchema, ValidateSchema* on commerce/0", () => {
  it("applies seed 000's commerce schema on the primary; the replicas get it and the keyspace validates", async () => {
    const applied = await ok(
      "ApplySchema",
      "--sql-file",
      join(DEPLOY, "create_commerce_schema.sql"),
      "commerce",
    );
    expect(applied).toBe("\n"); // Vitess prints the (empty) list of online DDL uuids
    // ApplySchema waits for the replicas to replicate the change and reload their schema.
    expect(await ok("GetSchema", "--table-names-only", "zone1-101")).toBe("corder\ncustomer\nproduct\n");
    const replica = JSON.parse(await ok("GetSchema", "zone1-101"));
    expect(replica.database_schema).toContain("`{{.DatabaseName}}`");
    expect(replica.table_definitions.map((t: { name: string }) => t.name)).toEqual([
      "corder",
      "customer",
      "product",
    ]);
    expect(replica.table_definitions[1]).toMatchObject({
      name: "customer",
      columns: ["customer_id", "email"],
      primary_key_columns: ["customer_id"],
      type: "BASE TABLE",
    });
    expect(replica.table_definitions[1].schema).toMatch(/^CREATE TABLE `customer` \(/);
    await ok("ValidateSchemaKeyspace", "commerce");
    expect(JSON.parse(await ok("ValidateSchemaShard", "commerce/0"))).toEqual({
      results: [],
      results_by_shard: { "0": { results: [] } },
    });
    // The replica's schema cache (shown on its status page) was refreshed by the change.
    const status = await (
      await fetch(`http://127.0.0.1:${cluster!.tablets[1]!.httpPort}/debug/status`)
    ).text();
    expect(status).toContain("3 tables");
    expect(status).toContain("customer_id, email");
    // Applying the same file again is harmless: every statement says IF NOT EXISTS.
    await ok("ApplySchema", "--sql-file", join(DEPLOY, "create_commerce_schema.sql"), "commerce");
  });

  it("refuses statements that are not table, view or index DDL, naming them", async () => {
    const stderr = await fails("ApplySchema", "--sql", "insert into product (sku) values ('x')", "commerce");
    expect(stderr).toContain("code = InvalidArgument");
    expect(stderr).toContain("ApplySchema does not allow INSERT");
    expect(stderr).toContain("insert into product (sku) values ('x')");
    expect(await ok("ExecuteFetchAsDBA", "zone1-100", "SELECT COUNT(*) AS n FROM product")).toContain(
      "| 0 |",
    );
  });

  it("a statement that fails in pre-flight changes no tablet", async () => {
    // A view too: the pre-flight copies views into its temporary database after the tables.
    await ok("ApplySchema", "--sql", "create view product_skus as select sku from product", "commerce");
    const view = JSON.parse(
      await ok("GetSchema", "--include-views", "--tables", "product_skus", "zone1-101"),
    );
    expect(view.table_definitions[0]).toMatchObject({ name: "product_skus", type: "VIEW" });
    expect(view.table_definitions[0].schema).not.toContain("vt_commerce");
    await ok("ValidateSchemaKeyspace", "--include-views", "commerce");
    const before = await schemas();
    const stderr = await fails(
      "ApplySchema",
      "--sql",
      "alter table product add column weight int; alter table customer drop column no_such_column",
      "commerce",
    );
    expect(stderr).toContain("schema change failed in pre-flight, nothing was applied");
    expect(stderr).toContain("shard commerce/0 (zone1-0000000100)");
    expect(stderr).toContain("preflight of change 2 of 2");
    expect(stderr).toMatch(/no_such_column.*\(errno 1091\)/);
    // Not even the first, valid, statement was applied.
    expect(await schemas()).toEqual(before);
    // The pre-flight's temporary database is gone, on the primary and (never replicated) on the replicas.
    for (const alias of TABLETS) {
      expect(await ok("ExecuteFetchAsDBA", alias, "SHOW DATABASES LIKE '\\_vt\\_preflight%'")).toBe("");
    }
  });

  it("refuses an ALTER of a table over 100,000 rows, allows it with --allow-long-unavailability, and always allows a DROP", async () => {
    await ok("ApplySchema", "--sql", "create table big (id bigint not null, primary key (id))", "commerce");
    await ok("ExecuteFetchAsDBA", "zone1-100", "INSERT INTO big (id) SELECT seq FROM seq_1_to_100001");
    const before = await schemas();
    const stderr = await fails(
      "ApplySchema",
      "--sql",
      "alter table big add column note varchar(10)",
      "commerce",
    );
    expect(stderr).toContain("big schema change detected, nothing was applied");
    expect(stderr).toContain("ALTER statements are only allowed on tables with at most 100,000 rows");
    expect(stderr).toContain(
      "ALTER TABLE on table big: it has 100001 rows on shard commerce/0 (zone1-0000000100)",
    );
    expect(stderr).toContain("--allow-long-unavailability");
    expect(await schemas()).toEqual(before);

    await ok(
      "ApplySchema",
      "--allow-long-unavailability",
      "--sql",
      "alter table big add column note varchar(10)",
      "commerce",
    );
    for (const alias of TABLETS) {
      const big = JSON.parse(await ok("GetSchema", "--tables", "big", alias)).table_definitions[0];
      expect(big.columns, alias).toEqual(["id", "note"]);
    }
    await ok("ApplySchema", "--sql", "drop table big", "commerce");
    for (const alias of TABLETS) await waitForTable(alias, "big", false);
    await ok("ValidateSchemaKeyspace", "commerce");
  });

  it("reports a table created only on the replica, with binary logging off, naming the replica and the table", async () => {
    await ok(
      "ExecuteFetchAsDBA",
      "--disable-binlogs",
      "zone1-101",
      "CREATE TABLE only_on_replica (id bigint not null, primary key (id))",
    );
    try {
      const result = await client("ValidateSchemaShard", "commerce/0");
      expect(result.code).toBe(1);
      const difference = "zone1-0000000101 has an extra table named only_on_replica";
      expect(JSON.parse(result.stdout)).toEqual({
        results: [difference],
        results_by_shard: { "0": { results: [difference] } },
      });
      expect(result.stderr).toContain(difference);
      expect(await fails("ValidateSchemaKeyspace", "commerce")).toContain(difference);
    } finally {
      await ok("ExecuteFetchAsDBA", "--disable-binlogs", "zone1-101", "DROP TABLE only_on_replica");
    }
    await ok("ValidateSchemaShard", "commerce/0");
  });
});

describe("ApplyVSchema, GetVSchema, RebuildVSchemaGraph, GetSrvVSchema, routing rules", () => {
  const initial = join(DEPLOY, "vschema_commerce_initial.json");

  it("applies seed 000's VSchema and rebuilds every cell's SrvVSchema", async () => {
    const applied = await ok("ApplyVSchema", "--vschema-file", initial, "commerce");
    expect(applied).toMatch(/^New VSchema object:\n\{\n {2}"sharded": false,/);
    expect(applied).toContain(
      "If this is not what you expected, check the input data (as JSON parsing will skip unexpected fields).",
    );
    const stored = JSON.parse(await ok("GetVSchema", "commerce"));
    expect(Object.keys(stored.tables).sort()).toEqual(["corder", "customer", "product"]);
    for (const cell of ["zone1", "zone2"]) {
      const srv = JSON.parse(await ok("GetSrvVSchema", cell));
      expect(Object.keys(srv.keyspaces.commerce.tables).sort(), cell).toEqual([
        "corder",
        "customer",
        "product",
      ]);
    }
  });

  it("refuses an unknown vindex type, an undeclared vindex and invalid JSON with InvalidArgument, keeping the stored VSchema", async () => {
    const before = await ok("GetVSchema", "commerce");
    const srvBefore = await ok("GetSrvVSchema", "zone1");
    const unknownType = await fails(
      "ApplyVSchema",
      "--vschema",
      '{"sharded": true, "vindexes": {"hash": {"type": "hsh"}}, "tables": {"customer": {"column_vindexes": [{"column": "customer_id", "name": "hash"}]}}}',
      "commerce",
    );
    expect(unknownType).toContain("code = InvalidArgument");
    expect(unknownType).toContain('vindexes.hash: vindex type "hsh" not found');

    const undeclared = await fails(
      "ApplyVSchema",
      "--vschema",
      '{"sharded": true, "vindexes": {"hash": {"type": "hash"}}, "tables": {"customer": {"column_vindexes": [{"column": "customer_id", "name": "no_such_vindex"}]}}}',
      "commerce",
    );
    expect(undeclared).toContain("code = InvalidArgument");
    expect(undeclared).toContain("tables.customer.column_vindexes[0].name: vindex no_such_vindex not found");

    const badJson = await fails("ApplyVSchema", "--vschema", '{"tables": {"product": {}', "commerce");
    expect(badJson).toContain("code = InvalidArgument desc = --vschema:");
    const unknownKey = await fails("ApplyVSchema", "--vschema", '{"tabels": {}}', "commerce");
    expect(unknownKey).toContain("code = InvalidArgument");
    expect(unknownKey).toContain("tabels");

    expect(await ok("GetVSchema", "commerce")).toBe(before);
    expect(await ok("GetSrvVSchema", "zone1")).toBe(srvBefore);
  });

  it("with --skip-rebuild, GetSrvVSchema does not change until RebuildVSchemaGraph", async () => {
    const srvBefore = await ok("GetSrvVSchema", "zone1");
    const vschema = '{"tables": {"product": {}, "customer": {}, "corder": {}, "extra": {}}}';
    await ok("ApplyVSchema", "--vschema", vschema, "--skip-rebuild", "commerce");
    expect(Object.keys(JSON.parse(await ok("GetVSchema", "commerce")).tables)).toContain("extra");
    expect(await ok("GetSrvVSchema", "zone1")).toBe(srvBefore);
    expect(await ok("RebuildVSchemaGraph")).toBe("RebuildVSchemaGraph: ok\n");
    for (const cell of ["zone1", "zone2"]) {
      expect(
        Object.keys(JSON.parse(await ok("GetSrvVSchema", cell)).keyspaces.commerce.tables),
        cell,
      ).toContain("extra");
    }
  });

  it("RebuildVSchemaGraph --cells zone1 leaves zone2's SrvVSchema as it was (the canary)", async () => {
    const zone2Before = await ok("GetSrvVSchema", "zone2");
    await ok("ApplyVSchema", "--vschema-file", initial, "--skip-rebuild", "commerce");
    await ok("RebuildVSchemaGraph", "--cells", "zone1");
    expect(
      Object.keys(JSON.parse(await ok("GetSrvVSchema", "zone1")).keyspaces.commerce.tables),
    ).not.toContain("extra");
    expect(await ok("GetSrvVSchema", "zone2")).toBe(zone2Before);
    const all = JSON.parse(await ok("GetSrvVSchemas"));
    expect(Object.keys(all)).toEqual(["zone1", "zone2"]);
    expect(Object.keys(all.zone2.keyspaces.commerce.tables)).toContain("extra");
    expect(await fails("RebuildVSchemaGraph", "--cells", "zone9")).toContain("cell zone9 not found");
    await ok("RebuildVSchemaGraph");
  });

  it("stores routing rules, shows them as Vitess does and rolls them into the SrvVSchema", async () => {
    expect(await ok("GetRoutingRules")).toBe('{\n  "rules": []\n}\n');
    const rules = '{"rules": [{"from_table": "customer@replica", "to_tables": ["commerce.customer"]}]}';
    expect(await ok("ApplyRoutingRules", "--rules", rules)).toMatch(/^New RoutingRules object:\n/);
    expect(JSON.parse(await ok("GetRoutingRules"))).toEqual({
      rules: [{ from_table: "customer@replica", to_tables: ["commerce.customer"] }],
    });
    expect(JSON.parse(await ok("GetSrvVSchema", "zone2")).routing_rules.rules).toHaveLength(1);
    expect(
      await fails(
        "ApplyRoutingRules",
        "--rules",
        '{"rules": [{"from_table": "t", "to_tables": ["nope.t"]}]}',
      ),
    ).toContain("names unknown keyspace nope");
    await ok("ApplyRoutingRules", "--rules", '{"rules": []}');
    expect(await ok("GetRoutingRules")).toBe('{\n  "rules": []\n}\n');
  });

  it("RebuildKeyspaceGraph builds commerce's SrvKeyspace with a partition per tablet type", async () => {
    await ok("RebuildKeyspaceGraph", "commerce");
    const srv = JSON.parse(await ok("GetSrvKeyspaces", "commerce", "zone1"));
    expect(srv.zone1.partitions.map((p: { served_type: number }) => p.served_type)).toEqual([1, 2, 3]);
    for (const partition of srv.zone1.partitions) {
      expect(partition.shard_references.map((r: { name: string }) => r.name)).toEqual(["0"]);
    }
  });
});

describe("CopySchemaShard", () => {
  it("copies commerce/0's schema to the primary of another keyspace's shard, from where it replicates", async () => {
    const customer = await startShardTablets(cluster!, "customer", "0", [{ uid: 200 }, { uid: 201 }]);
    try {
      await ok("PlannedReparentShard", "customer/0", "--new-primary", "zone1-200");
      await ok("CopySchemaShard", "--exclude-tables", "corder", "commerce/0", "customer/0");
      const names = "customer\nproduct\nproduct_skus\n";
      expect(await ok("GetSchema", "--include-views", "--table-names-only", "zone1-200")).toBe(names);
      expect(await ok("GetSchema", "--include-views", "--table-names-only", "zone1-201")).toBe(names);
      const copied = JSON.parse(await ok("GetSchema", "--tables", "customer", "zone1-200"));
      const source = JSON.parse(await ok("GetSchema", "--tables", "customer", "zone1-100"));
      expect(copied.table_definitions[0].schema).toBe(source.table_definitions[0].schema);
      // Copying again finds nothing to do.
      await ok("CopySchemaShard", "--exclude-tables", "corder", "zone1-101", "customer/0");
    } finally {
      await customer.stop();
    }
  });
});
