import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defineFlags } from "../../../libs/flags/index.js";
import { Code, isVtError } from "../../../libs/vterrors/index.js";
import type { VtctldClient } from "../framework.js";
import { findCommand } from "./index.js";

const globals = defineFlags({ server: { type: "string", default: "", help: "server" } });

/** Runs a command line against a fake client answering `answers`; returns what was sent and printed. */
async function run(
  argv: string[],
  answers: Partial<Record<keyof VtctldClient, (request: never) => unknown>> = {},
) {
  const sent: { method: string; request: unknown }[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const client = new Proxy(
    {},
    {
      get: (_target, method: string) =>
        // Not a thenable: `await io.client()` must resolve to the client itself.
        method === "then"
          ? undefined
          : async (request: unknown) => {
              sent.push({ method, request });
              const answer = answers[method as keyof VtctldClient];
              return answer ? answer(request as never) : {};
            },
    },
  ) as VtctldClient;
  const [name, ...rest] = argv;
  const command = findCommand(name as string);
  if (!command) throw new Error(`no command ${name}`);
  let error: unknown;
  try {
    await command.parse(rest, globals).run({
      client: async () => client,
      print: (text) => out.push(text),
      printErr: (text) => err.push(text),
    });
  } catch (e) {
    error = e;
  }
  return { sent, stdout: out.join("\n"), stderr: err.join("\n"), error };
}

describe("ApplySchema", () => {
  it("splits --sql values (repeatable, commas kept) into statements and prints the (empty) uuid list", async () => {
    const { sent, stdout, error } = await run(
      [
        "ApplySchema",
        "--sql",
        "create table a (x int, y int); create table b (id int)",
        "--sql",
        "drop table c",
        "commerce",
      ],
      { applySchema: () => ({ uuidList: [], rowsAffectedByShard: {} }) },
    );
    expect(error).toBeUndefined();
    expect(sent[0]?.request).toMatchObject({
      keyspace: "commerce",
      sql: ["create table a (x int, y int)", "create table b (id int)", "drop table c"],
      allowLongUnavailability: false,
      ddlStrategy: "direct",
      waitReplicasTimeout: { seconds: 10, nanos: 0 },
    });
    expect(stdout).toBe("");
  });

  it("reads --sql-file and passes --allow-long-unavailability and --caller-id", async () => {
    const dir = mkdtempSync(join(tmpdir(), "applyschema-"));
    const file = join(dir, "schema.sql");
    writeFileSync(file, "create table if not exists product(\n  sku varbinary(128)\n);\n-- done\n");
    const { sent } = await run(
      ["ApplySchema", "--sql-file", file, "--allow-long-unavailability", "--caller-id", "me", "commerce"],
      { applySchema: () => ({ uuidList: [] }) },
    );
    expect(sent[0]?.request).toMatchObject({
      sql: ["create table if not exists product(\n  sku varbinary(128)\n)"],
      allowLongUnavailability: true,
      callerId: { principal: "me" },
    });
  });

  it("wants exactly one of --sql and --sql-file", async () => {
    expect(String((await run(["ApplySchema", "commerce"])).error)).toContain(
      "Exactly one of --sql and --sql-file",
    );
    const both = await run(["ApplySchema", "--sql", "drop table t", "--sql-file", "x.sql", "commerce"]);
    expect(String(both.error)).toContain("not both");
    expect(both.sent).toEqual([]);
  });
});

describe("GetSchema", () => {
  const schema = {
    databaseSchema: "CREATE DATABASE `{{.DatabaseName}}`",
    tableDefinitions: [
      {
        name: "corder",
        schema: "",
        columns: [],
        primaryKeyColumns: [],
        type: "",
        dataLength: 0,
        rowCount: 0,
        fields: [],
      },
      {
        name: "customer",
        schema: "",
        columns: [],
        primaryKeyColumns: [],
        type: "",
        dataLength: 0,
        rowCount: 3,
        fields: [],
      },
    ],
  };

  it("prints one name per line with --table-names-only, protojson otherwise", async () => {
    const names = await run(["GetSchema", "--table-names-only", "zone1-101"], {
      getSchema: () => ({ schema }),
    });
    expect(names.stdout).toBe("corder\ncustomer");
    expect(names.sent[0]?.request).toMatchObject({
      tabletAlias: { cell: "zone1", uid: 101 },
      tableNamesOnly: true,
    });
    const json = JSON.parse(
      (await run(["GetSchema", "zone1-101"], { getSchema: () => ({ schema }) })).stdout,
    );
    expect(json.database_schema).toBe("CREATE DATABASE `{{.DatabaseName}}`");
    expect(json.table_definitions[1]).toMatchObject({
      name: "customer",
      row_count: "3",
      primary_key_columns: [],
    });
  });
});

describe("ValidateSchemaShard / ValidateSchemaKeyspace", () => {
  const results = ["zone1-0000000101 has an extra table named t"];

  it("ValidateSchemaShard prints the results as JSON and fails when there are any", async () => {
    const clean = await run(["ValidateSchemaShard", "commerce/0"], {
      validateSchemaKeyspace: () => ({ results: [], resultsByShard: { "0": { results: [] } } }),
    });
    expect(clean.error).toBeUndefined();
    expect(clean.sent[0]?.request).toMatchObject({ keyspace: "commerce", shards: ["0"] });
    expect(JSON.parse(clean.stdout)).toEqual({ results: [], results_by_shard: { "0": { results: [] } } });
    const dirty = await run(["ValidateSchemaShard", "commerce/0"], {
      validateSchemaKeyspace: () => ({ results, resultsByShard: { "0": { results } } }),
    });
    expect(JSON.parse(dirty.stdout).results).toEqual(results);
    expect((dirty.error as Error).message).toBe(results[0]);
  });

  it("ValidateSchemaKeyspace prints nothing and fails with the differences", async () => {
    const dirty = await run(["ValidateSchemaKeyspace", "commerce"], {
      validateSchemaKeyspace: () => ({ results: [...results, "second"], resultsByShard: {} }),
    });
    expect(dirty.stdout).toBe("");
    expect((dirty.error as Error).message).toBe(`${results[0]}\nsecond`);
  });
});

describe("ApplyVSchema / GetVSchema", () => {
  const stored = {
    sharded: false,
    vindexes: {},
    tables: {},
    requireExplicitRouting: false,
    foreignKeyMode: 0,
    multiTenantSpec: undefined,
  };

  it("refuses invalid JSON with INVALID_ARGUMENT naming the problem, sending nothing", async () => {
    const bad = await run([
      "ApplyVSchema",
      "--vschema",
      '{"tables": {"t": {"column_vindex": []}}}',
      "commerce",
    ]);
    expect(isVtError(bad.error, Code.INVALID_ARGUMENT)).toBe(true);
    expect((bad.error as Error).message).toMatch(
      /^code = InvalidArgument desc = --vschema: .*tables\.t.*column_vindex/,
    );
    expect(bad.sent).toEqual([]);
    const syntax = await run(["ApplyVSchema", "--vschema", "{tables:", "commerce"]);
    expect(isVtError(syntax.error, Code.INVALID_ARGUMENT)).toBe(true);
  });

  it("prints the applied VSchema as Vitess does", async () => {
    const { stdout, sent } = await run(
      ["ApplyVSchema", "--vschema", '{"tables": {}}', "--skip-rebuild", "commerce"],
      {
        applyVSchema: () => ({ vSchema: stored, unknownVindexParams: {} }),
      },
    );
    expect(sent[0]?.request).toMatchObject({ keyspace: "commerce", skipRebuild: true, sql: "" });
    expect(stdout).toMatch(/^New VSchema object:\n\{\n {2}"sharded": false,\n/);
    expect(stdout).toMatch(
      /\nIf this is not what you expected, check the input data \(as JSON parsing will skip unexpected fields\)\.$/,
    );
    const dry = await run(["ApplyVSchema", "--vschema", "{}", "--dry-run", "commerce"], {
      applyVSchema: () => ({ vSchema: stored, unknownVindexParams: {} }),
    });
    expect(dry.stdout).toMatch(/^Dry run: Skipping update of VSchema. New VSchema would be: \{/);
    expect(dry.sent[0]?.request).toMatchObject({ dryRun: true });
  });

  it("wants exactly one source of VSchema", async () => {
    expect(String((await run(["ApplyVSchema", "commerce"])).error)).toContain("must be specified");
    expect(
      String((await run(["ApplyVSchema", "--vschema", "{}", "--sql", "x", "commerce"])).error),
    ).toContain("only one of");
  });
});

describe("routing rules and SrvVSchemas", () => {
  it('GetRoutingRules prints {"rules": []} when there are none', async () => {
    expect(
      (await run(["GetRoutingRules"], { getRoutingRules: () => ({ routingRules: { rules: [] } }) })).stdout,
    ).toBe('{\n  "rules": []\n}');
  });

  it("ApplyRoutingRules checks the rules before anything is sent, and --dry-run sends nothing", async () => {
    const rules = '{"rules": [{"from_table": "customer", "to_tables": ["commerce.customer"]}]}';
    const dry = await run(["ApplyRoutingRules", "--rules", rules, "--dry-run"]);
    expect(dry.sent).toEqual([]);
    expect(dry.stdout).toBe(
      '[DRY RUN] Would have saved new RoutingRules object:\n{\n  "rules": [\n    {\n      "from_table": "customer",\n      "to_tables": [\n        "commerce.customer"\n      ]\n    }\n  ]\n}\n[DRY RUN] Would have rebuilt the VSchema graph in all cells',
    );
    const applied = await run(["ApplyRoutingRules", "--rules", rules, "--cells", "zone1"]);
    expect(applied.sent[0]?.request).toMatchObject({ rebuildCells: ["zone1"], skipRebuild: false });
    expect(applied.stdout).toMatch(/^New RoutingRules object:/);
    const bad = await run(["ApplyRoutingRules", "--rules", '{"rules": [{"from_table": "a.b.c"}]}']);
    expect(isVtError(bad.error, Code.INVALID_ARGUMENT)).toBe(true);
    expect(bad.sent).toEqual([]);
  });

  it("GetSrvVSchemas prints [] for no cells; RebuildVSchemaGraph says ok", async () => {
    expect((await run(["GetSrvVSchemas"], { getSrvVSchemas: () => ({ srvVSchemas: {} }) })).stdout).toBe(
      "[]",
    );
    const rebuilt = await run(["RebuildVSchemaGraph", "--cells", "zone1"]);
    expect(rebuilt.sent[0]?.request).toEqual({ cells: ["zone1"] });
    expect(rebuilt.stdout).toBe("RebuildVSchemaGraph: ok");
  });
});
