import { beforeEach, describe, expect, it } from "vitest";
import { emptyQueryResult, packRows } from "../mysql/query-result.js";
import type { ApplySchemaRequest as TabletApplySchemaRequest } from "../proto/tabletmanagerdata.js";
import type { ApplySchemaRequest } from "../proto/vtctldata.js";
import { updateShardFields } from "../topo/index.js";
import { Code, isVtError, VtError } from "../vterrors/index.js";
import { createTestVtctld, snapshotTopo, type TestVtctld } from "./testing/fixtures.js";
import { addKeyspaceWithShards, schemaDef, tableDef } from "./testing/schema-fixtures.js";

let vtctld: TestVtctld;

beforeEach(async () => {
  vtctld = await createTestVtctld(["zone1"]);
  await addKeyspaceWithShards(vtctld, "commerce", ["-80", "80-"]);
});

/** Calls ApplySchema; expects a VtError with `code`; checks the topology is as it was. */
async function refused(request: Partial<ApplySchemaRequest>, code: Code): Promise<string> {
  const before = await snapshotTopo(vtctld.ts);
  const err = await vtctld.call("applySchema", { keyspace: "commerce", ...request }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isVtError(err), `expected a VtError, got ${String(err)}`).toBe(true);
  expect(Code[(err as VtError).code]).toBe(Code[code]);
  expect(await snapshotTopo(vtctld.ts)).toEqual(before);
  return (err as Error).message;
}

const applied = () =>
  vtctld.tmc.callsOf("applySchema").map((c) => `${c.alias} ${(c.request as TabletApplySchemaRequest).sql}`);

/** Primaries report `customer` with `rows` rows (estimated); an exact count answers `exact`. */
function tableWithRows(rows: number, exact = rows): void {
  vtctld.tmc.respond("getSchema", "*", () => ({
    schemaDefinition: schemaDef(tableDef("customer", { rowCount: rows })),
  }));
  vtctld.tmc.respond("executeFetchAsDba", "*", () => ({
    result: { ...emptyQueryResult(), rows: packRows([[Buffer.from(String(exact))]]) },
  }));
}

describe("ApplySchema", () => {
  it("checks sizes, pre-flights on every primary, applies each statement on every primary, then has replicas reload", async () => {
    tableWithRows(10);
    vtctld.tmc.respond("preflightSchema", "*", (request) => ({
      changeResults: request.changes.map((_, i) => ({
        beforeSchema: schemaDef(tableDef("customer")),
        afterSchema: schemaDef(tableDef("customer"), tableDef(`t${i}`)),
      })),
    }));
    vtctld.tmc.respond("primaryPosition", "*", () => ({ position: "MariaDB/0-100-7" }));
    const response = await vtctld.call("applySchema", {
      keyspace: "commerce",
      sql: ["create table t0 (id bigint primary key); alter table customer add column c int"],
    });
    expect(response.uuidList).toEqual([]);
    expect(response.rowsAffectedByShard).toEqual({ "-80": 0, "80-": 0 });
    const steps = vtctld.tmc.steps();
    const first = (step: string) => steps.findIndex((s) => s.startsWith(step));
    expect(first("getSchema")).toBeLessThan(first("preflightSchema"));
    expect(first("preflightSchema")).toBeLessThan(first("applySchema"));
    expect(
      vtctld.tmc
        .callsOf("preflightSchema")
        .map((c) => c.alias)
        .sort(),
    ).toEqual(["zone1-0000000100", "zone1-0000000200"]);
    expect(vtctld.tmc.callsOf("preflightSchema")[0]?.request).toEqual({
      changes: ["create table t0 (id bigint primary key)", "alter table customer add column c int"],
    });
    // Statement by statement, each on both primaries, with replication on.
    expect(applied()).toEqual([
      "zone1-0000000100 create table t0 (id bigint primary key)",
      "zone1-0000000200 create table t0 (id bigint primary key)",
      "zone1-0000000100 alter table customer add column c int",
      "zone1-0000000200 alter table customer add column c int",
    ]);
    const call = vtctld.tmc.callsOf("applySchema")[0]?.request as TabletApplySchemaRequest;
    expect(call.allowReplication).toBe(true);
    // Replicas and rdonly tablets reload once they have replicated the change.
    expect(vtctld.tmc.callsOf("reloadSchema").map((c) => [c.alias, c.request])).toEqual(
      expect.arrayContaining([
        ["zone1-0000000101", { waitPosition: "MariaDB/0-100-7" }],
        ["zone1-0000000102", { waitPosition: "MariaDB/0-100-7" }],
        ["zone1-0000000201", { waitPosition: "MariaDB/0-100-7" }],
        ["zone1-0000000202", { waitPosition: "MariaDB/0-100-7" }],
      ]),
    );
    expect(vtctld.tmc.callsOf("reloadSchema")).toHaveLength(4);
  });

  it("includes shards added by a resharding: a new shard without a primary stops the change", async () => {
    await vtctld.call("createShard", { keyspace: "commerce", shardName: "80-c0" });
    await expect(vtctld.call("applySchema", { keyspace: "commerce", sql: ["drop table t"] })).rejects.toThrow(
      /shard commerce\/80-c0 has no primary/,
    );
    expect(applied()).toEqual([]);
  });

  it("refuses statements that are not table, view or index DDL, naming the statement, before any tablet call", async () => {
    const message = await refused(
      { sql: ["create table a (id int)", "insert into customer values (1)"] },
      Code.INVALID_ARGUMENT,
    );
    expect(message).toContain("ApplySchema does not allow INSERT");
    expect(message).toContain("insert into customer values (1)");
    expect(await refused({ sql: ["grant all on *.* to x"] }, Code.INVALID_ARGUMENT)).toMatch(/GRANT|parse/);
    expect(await refused({ sql: ["alter tabel customer"] }, Code.INVALID_ARGUMENT)).toContain("alter tabel");
    expect(await refused({ sql: ["drop table vt_commerce.customer"] }, Code.INVALID_ARGUMENT)).toContain(
      "vt_commerce.customer",
    );
    expect(await refused({ sql: [] }, Code.INVALID_ARGUMENT)).toContain("non-empty");
    expect(await refused({ sql: ["drop table t"], ddlStrategy: "vitess" }, Code.UNIMPLEMENTED)).toContain(
      "vitess",
    );
    expect(vtctld.tmc.calls).toEqual([]);
  });

  it("refuses an unknown keyspace and a shard without a primary", async () => {
    await expect(vtctld.call("applySchema", { keyspace: "nope", sql: ["drop table t"] })).rejects.toThrow(
      /keyspace nope not found/,
    );
    await updateShardFields(vtctld.ts, "commerce", "80-", (shard) => {
      shard.primaryAlias = undefined;
    });
    expect(await refused({ sql: ["drop table t"] }, Code.FAILED_PRECONDITION)).toBe(
      "shard commerce/80- has no primary",
    );
    expect(vtctld.tmc.calls).toEqual([]);
  });

  it("refuses an ALTER of a table over 100,000 rows, naming the rule, table, count and shard", async () => {
    tableWithRows(100_500, 100_001);
    const message = await refused(
      { sql: ["alter table customer add column c int"] },
      Code.FAILED_PRECONDITION,
    );
    expect(message).toContain("ALTER statements are only allowed on tables with at most 100,000 rows");
    expect(message).toContain(
      "on table customer: it has 100001 rows on shard commerce/-80 (zone1-0000000100)",
    );
    expect(message).toContain("--allow-long-unavailability");
    // The estimate was close to the limit, so the rows were counted.
    expect(vtctld.tmc.callsOf("executeFetchAsDba")[0]?.request).toMatchObject({ maxRows: 1 });
    const count = vtctld.tmc.callsOf("executeFetchAsDba")[0]?.request as { query: Buffer } | undefined;
    expect(String(count?.query)).toBe("SELECT COUNT(*) FROM `vt_commerce`.`customer`");
    expect(vtctld.tmc.callsOf("preflightSchema")).toEqual([]);
    expect(applied()).toEqual([]);
  });

  it("accepts an ALTER at exactly 100,000 rows, and a big one with --allow-long-unavailability", async () => {
    tableWithRows(99_000, 100_000);
    await vtctld.call("applySchema", {
      keyspace: "commerce",
      sql: ["alter table customer add column c int"],
    });
    expect(applied()).toHaveLength(2);
    vtctld.tmc.calls.length = 0;
    tableWithRows(5_000_000);
    await vtctld.call("applySchema", {
      keyspace: "commerce",
      sql: ["alter table customer add column d int"],
      allowLongUnavailability: true,
    });
    expect(vtctld.tmc.callsOf("getSchema")).toEqual([]);
    expect(applied()).toHaveLength(2);
  });

  it("always accepts a DROP; measures other statements against 2,000,000 rows", async () => {
    tableWithRows(50_000_000);
    await vtctld.call("applySchema", { keyspace: "commerce", sql: ["drop table customer"] });
    expect(vtctld.tmc.callsOf("getSchema")).toEqual([]);
    expect(applied()).toHaveLength(2);
    const message = await refused({ sql: ["create index ix on customer (id)"] }, Code.FAILED_PRECONDITION);
    expect(message).toContain("it has about 50000000 rows");
    expect(message).toContain("at most 2,000,000 rows");
    // Far above the limit: the estimate is enough, nothing is counted.
    expect(vtctld.tmc.callsOf("executeFetchAsDba")).toEqual([]);
    // A table under the rule of ALTER but well under 2,000,000 may be renamed.
    tableWithRows(500_000);
    await vtctld.call("applySchema", { keyspace: "commerce", sql: ["rename table customer to customer2"] });
  });

  it("applies nothing anywhere when the pre-flight fails on one shard, naming shard and MySQL error", async () => {
    vtctld.tmc.fail(
      "preflightSchema",
      "zone1-0000000200",
      new VtError(
        Code.INVALID_ARGUMENT,
        `preflight of change 1 of 1 ("alter table customer drop column nope") failed: Can't DROP COLUMN \`nope\`; check that it exists (errno 1091) (sqlstate 42000)`,
        { mysql: { errno: 1091, sqlstate: "42000" } },
      ),
    );
    const message = await refused({ sql: ["alter table customer drop column nope"] }, Code.INVALID_ARGUMENT);
    expect(message).toBe(
      `schema change failed in pre-flight, nothing was applied: shard commerce/80- (zone1-0000000200): preflight of change 1 of 1 ("alter table customer drop column nope") failed: Can't DROP COLUMN \`nope\`; check that it exists (errno 1091) (sqlstate 42000)`,
    );
    expect(applied()).toEqual([]);
  });

  it("refuses a change that changes no table on any shard (unless IF [NOT] EXISTS)", async () => {
    vtctld.tmc.respond("preflightSchema", "*", (request) => ({
      changeResults: request.changes.map(() => ({
        beforeSchema: schemaDef(tableDef("customer")),
        afterSchema: schemaDef(tableDef("customer")),
      })),
    }));
    expect(await refused({ sql: ["alter table customer comment ''"] }, Code.INVALID_ARGUMENT)).toContain(
      "does not introduce any table definition change",
    );
    await vtctld.call("applySchema", {
      keyspace: "commerce",
      sql: ["create table if not exists customer (id int)"],
    });
    expect(applied()).toHaveLength(2);
  });

  it("reports a shard that fails to apply with its MySQL error and where the change did land", async () => {
    vtctld.tmc.respond("applySchema", "zone1-0000000100", () => ({
      beforeSchema: undefined,
      afterSchema: undefined,
    }));
    vtctld.tmc.fail(
      "applySchema",
      "zone1-0000000200",
      new VtError(Code.ALREADY_EXISTS, "Duplicate column name 'c' (errno 1060) (sqlstate 42S21)", {
        mysql: { errno: 1060, sqlstate: "42S21" },
      }),
    );
    const err = await vtctld
      .call("applySchema", {
        keyspace: "commerce",
        sql: ["alter table customer add column c int", "create table t (id int)"],
      })
      .catch((e: unknown) => e as VtError);
    expect(Code[(err as VtError).code]).toBe("ALREADY_EXISTS");
    expect((err as Error).message).toBe(
      `schema change failed: statement 1 of 2 ("alter table customer add column c int") failed on 1 of 2 shard(s): shard commerce/80- (zone1-0000000200): Duplicate column name 'c' (errno 1060) (sqlstate 42S21); it was applied on shard(s) -80; statement(s) 2-2 were not run`,
    );
    expect(applied()).toEqual([
      "zone1-0000000100 alter table customer add column c int",
      "zone1-0000000200 alter table customer add column c int",
    ]);
  });
});
