import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Keyspace } from "../proto/vschema.js";
import { createDefaultVindexRegistry } from "../vindexes/index.js";
import { parseKeyspaceVSchema, parseMirrorRules, parseRoutingRules } from "./json.js";
import {
  formatIssues,
  validateKeyspaceVSchema,
  validateMirrorRules,
  validateRoutingRules,
} from "./validate.js";

const registry = createDefaultVindexRegistry();
const seed = (file: string) =>
  parseKeyspaceVSchema(readFileSync(new URL(`./testdata/${file}`, import.meta.url), "utf8"));

function check(ks: unknown, all?: Record<string, Keyspace>, name = "ks") {
  const result = validateKeyspaceVSchema(name, parseKeyspaceVSchema(ks), registry, all);
  return {
    errors: result.errors.map((i) => `${i.path}: ${i.error.message}`),
    warnings: result.warnings.map((i) => `${i.path}: ${i.error.message}`),
  };
}

const HASH = { hash: { type: "hash" } };
const sharded = (tables: unknown, vindexes: unknown = HASH) => ({ sharded: true, vindexes, tables });

describe("validateKeyspaceVSchema", () => {
  it("accepts seed 000's VSchemas", () => {
    const commerce = seed("seed-commerce-seq.json");
    const customer = seed("seed-customer-sharded.json");
    expect(validateKeyspaceVSchema("commerce", commerce, registry, { customer })).toEqual({
      errors: [],
      warnings: [],
    });
    expect(validateKeyspaceVSchema("customer", customer, registry, { commerce })).toEqual({
      errors: [],
      warnings: [],
    });
    expect(validateKeyspaceVSchema("commerce", seed("seed-commerce-initial.json"), registry).errors).toEqual(
      [],
    );
  });

  it("knows vindex types and checks their params", () => {
    expect(
      check(sharded({ t: { column_vindexes: [{ column: "id", name: "hash" }] } }, { hash: { type: "hsh" } }))
        .errors,
    ).toEqual([
      'vindexes.hash: vindex type "hsh" not found',
      "tables.t.column_vindexes[0].name: vindex hash of table t could not be created",
    ]);
    expect(check({ vindexes: { l: { type: "lookup", params: { table: "t", from: "a" } } } }).errors).toEqual([
      "vindexes.l: vindex l (lookup): missing required param 'to'",
    ]);
  });

  it("requires column vindexes to name declared vindexes", () => {
    expect(check(sharded({ t: { column_vindexes: [{ column: "id", name: "hash" }] } })).errors).toEqual([]);
    expect(check(sharded({ t: { column_vindexes: [{ column: "id", name: "hashh" }] } })).errors).toEqual([
      "tables.t.column_vindexes[0].name: vindex hashh not found for table t",
    ]);
  });

  it("requires a primary vindex on sharded tables, unless reference or pinned", () => {
    expect(check(sharded({ t: {} })).errors).toEqual([
      "tables.t.column_vindexes: missing primary col vindex for table: t",
    ]);
    expect(check(sharded({ t: { type: "reference" }, p: { pinned: "80" } })).errors).toEqual([]);
    expect(check({ tables: { t: {} } }).errors).toEqual([]);
  });

  it("requires the primary vindex to be unique and not owned", () => {
    const lookup = {
      type: "lookup",
      params: { table: "t_idx", from: "name", to: "keyspace_id" },
      owner: "t",
    };
    const unique = {
      type: "lookup_unique",
      params: { table: "t_idx", from: "name", to: "keyspace_id" },
      owner: "t",
    };
    expect(
      check(sharded({ t: { column_vindexes: [{ column: "name", name: "l" }] } }, { l: lookup })).errors,
    ).toEqual(["tables.t.column_vindexes[0].name: primary vindex l is not Unique for table t"]);
    expect(
      check(sharded({ t: { column_vindexes: [{ column: "name", name: "u" }] } }, { u: unique })).errors,
    ).toEqual(["tables.t.column_vindexes[0].name: primary vindex u cannot be owned for table t"]);
    const ok = sharded(
      {
        t: {
          column_vindexes: [
            { column: "id", name: "hash" },
            { column: "name", name: "l" },
          ],
        },
      },
      { ...HASH, l: lookup },
    );
    expect(check(ok).errors).toEqual([]);
  });

  it("requires column or columns, not both", () => {
    expect(check(sharded({ t: { column_vindexes: [{ name: "hash" }] } })).errors).toEqual([
      "tables.t.column_vindexes[0]: must specify at least one column for vindex (hash) and table (t)",
    ]);
    expect(
      check(sharded({ t: { column_vindexes: [{ column: "a", columns: ["b"], name: "hash" }] } })).errors,
    ).toEqual([
      "tables.t.column_vindexes[0]: can't use column and columns at the same time in vindex (hash) and table (t)",
    ]);
  });

  it("accepts sequence tables only in unsharded keyspaces (or pinned)", () => {
    expect(check({ tables: { s: { type: "sequence" } } }).errors).toEqual([]);
    expect(check(sharded({ s: { type: "sequence" } })).errors).toEqual([
      "tables.s.type: sequence table has to be in an unsharded keyspace or must be pinned: s",
      "tables.s.column_vindexes: missing primary col vindex for table: s",
    ]);
    expect(check(sharded({ s: { type: "sequence", pinned: "00" } })).errors).toEqual([]);
  });

  it("knows table types, pinned hex and unique column names", () => {
    expect(check({ tables: { t: { type: "view" } } }).errors).toEqual([
      "tables.t.type: unidentified table type view",
    ]);
    expect(check({ tables: { t: { pinned: "zz" } } }).errors[0]).toMatch(
      /^tables.t.pinned: could not decode the keyspace id for pin/,
    );
    expect(check({ tables: { t: { columns: [{ name: "a" }, { name: "A" }] } } }).errors).toEqual([
      "tables.t.columns[1].name: duplicate column name 'A' for table: t",
    ]);
  });

  it("checks the owner columns of consistent lookups", () => {
    const cl = {
      type: "consistent_lookup_unique",
      params: { table: "e_idx", from: "a,b", to: "keyspace_id" },
      owner: "t",
    };
    const ks = sharded(
      {
        t: {
          column_vindexes: [
            { column: "id", name: "hash" },
            { column: "email", name: "cl" },
          ],
        },
      },
      { ...HASH, cl },
    );
    expect(check(ks).errors).toEqual([
      "tables.t.column_vindexes[1]: owner table column count does not match vindex cl",
    ]);
    const good = sharded(
      {
        t: {
          column_vindexes: [
            { column: "id", name: "hash" },
            { columns: ["a", "b"], name: "cl" },
          ],
        },
      },
      { ...HASH, cl },
    );
    expect(check(good).errors).toEqual([]);
  });

  describe("auto_increment", () => {
    const commerce = seed("seed-commerce-seq.json");
    const withSequence = (sequence: string) =>
      sharded({
        t: { column_vindexes: [{ column: "id", name: "hash" }], auto_increment: { column: "id", sequence } },
      });

    it("finds the sequence in another keyspace, qualified or not", () => {
      expect(check(withSequence("customer_seq"), { commerce }).errors).toEqual([]);
      expect(check(withSequence("commerce.customer_seq"), { commerce }).errors).toEqual([]);
    });

    it("refuses a missing sequence, naming the keyspaces searched", () => {
      expect(check(withSequence("cust_seq"), { commerce }).errors).toEqual([
        "tables.t.auto_increment: auto_increment of table t: sequence table cust_seq not found in any keyspace (commerce, ks)",
      ]);
      expect(check(withSequence("nope.customer_seq"), { commerce }).errors).toEqual([
        "tables.t.auto_increment: auto_increment of table t: sequence nope.customer_seq names unknown keyspace nope",
      ]);
    });

    it("refuses a table that is not declared as a sequence", () => {
      expect(check(withSequence("product"), { commerce }).errors).toEqual([
        'tables.t.auto_increment: auto_increment of table t: table commerce.product is not a sequence (declare it with "type": "sequence")',
      ]);
    });

    it("refuses an ambiguous unqualified sequence", () => {
      expect(check(withSequence("customer_seq"), { commerce, other: commerce }).errors[0]).toMatch(
        /sequence customer_seq is ambiguous \(in keyspaces commerce, other\)/,
      );
    });

    it("only warns when the other keyspaces are not given", () => {
      const result = check(withSequence("customer_seq"));
      expect(result.errors).toEqual([]);
      expect(result.warnings).toEqual([
        "tables.t.auto_increment: auto_increment of table t: sequence customer_seq is not in keyspace ks; other keyspaces not checked",
      ]);
    });
  });

  it("warns about unknown vindex params and vindexes on unsharded tables", () => {
    const result = check({
      vindexes: { x: { type: "xxhash", params: { hello: "world" } } },
      tables: { t: { column_vindexes: [{ column: "id", name: "x" }] } },
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      "vindexes.x.params: vindex x has unknown params: hello",
      "tables.t.column_vindexes: table t is in an unsharded keyspace: its column vindexes are not used for routing",
    ]);
  });

  it("formats issues into one message", () => {
    const result = validateKeyspaceVSchema("ks", parseKeyspaceVSchema(sharded({ t: {} })), registry);
    expect(formatIssues(result.errors)).toBe(
      "tables.t.column_vindexes: missing primary col vindex for table: t",
    );
  });
});

describe("validateRoutingRules", () => {
  const issues = (rules: unknown, keyspaces?: string[]) =>
    validateRoutingRules(parseRoutingRules(rules), keyspaces).map((i) => `${i.path}: ${i.error.message}`);

  it("accepts well-formed rules", () => {
    const rules = {
      rules: [
        { from_table: "customer", to_tables: ["commerce.customer"] },
        { from_table: "customer.customer@replica", to_tables: ["commerce.customer"] },
        { from_table: "customer@rdonly", to_tables: ["`commerce`.`customer`"] },
      ],
    };
    expect(issues(rules, ["commerce", "customer"])).toEqual([]);
  });

  it("names what is wrong", () => {
    expect(
      issues(
        {
          rules: [
            { from_table: "customer@primaryy", to_tables: ["commerce.customer"] },
            { from_table: "a.b.c", to_tables: ["commerce.customer"] },
            { from_table: "t", to_tables: ["commerce.t", "customer.t"] },
            { from_table: "u", to_tables: ["u"] },
            { from_table: "v", to_tables: ["nope.v"] },
            { from_table: "v", to_tables: ["commerce.v"] },
          ],
        },
        ["commerce", "customer"],
      ),
    ).toEqual([
      "rules[0].from_table: invalid routing rule source customer@primaryy: unknown tablet type primaryy (expected one of @unknown, @primary, @replica, @rdonly, @spare, @experimental, @backup, @restore, @drained)",
      "rules[1].from_table: invalid table name: a.b.c, it must be of the unqualified form <table_name> or the qualified form <keyspace_name>.<table_name> (dots are not allowed in either name)",
      "rules[2].to_tables: table t has more than one target: [commerce.t customer.t]",
      "rules[3].to_tables[0]: invalid table name: u, it must be of the qualified form <keyspace_name>.<table_name> (dots are not allowed in either name)",
      "rules[4].to_tables[0]: routing rule target nope.v names unknown keyspace nope",
      "rules[5].from_table: duplicate rule for entry v",
    ]);
  });
});

describe("mirror rules", () => {
  const issues = (json: string) =>
    formatIssues(validateMirrorRules(parseMirrorRules(json), ["commerce", "customer"]));

  it("accepts keyspace-qualified rules into another keyspace", () => {
    expect(
      issues(
        '{"rules":[{"from_table":"commerce.customer@replica","to_table":"customer.customer","percent":5.5}]}',
      ),
    ).toBe("");
  });

  it("names each broken rule: unqualified, unknown keyspace, same keyspace, duplicate, percent", () => {
    const text = issues(
      JSON.stringify({
        rules: [
          { from_table: "customer", to_table: "customer.customer", percent: 1 },
          { from_table: "commerce.t", to_table: "nope.t", percent: 1 },
          { from_table: "commerce.t", to_table: "commerce.t", percent: 0 },
        ],
      }),
    );
    expect(text).toContain("mirror rule table customer must be qualified with its keyspace");
    expect(text).toContain("mirror rule table nope.t names unknown keyspace nope");
    expect(text).toContain("mirror rule commerce.t mirrors into its own keyspace commerce");
    expect(text).toContain("duplicate mirror rule for commerce.t");
    expect(text).toContain("mirror rule percent must be in (0, 100], got 0");
  });
});
