import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Type } from "../proto/query.js";
import { Code, isVtError } from "../vterrors/index.js";
import {
  formatKeyspaceVSchema,
  formatRoutingRules,
  keyspaceVSchemaToJson,
  parseKeyspaceVSchema,
  parseRoutingRules,
  parseSrvVSchema,
} from "./json.js";

const seed = (file: string) => readFileSync(new URL(`./testdata/${file}`, import.meta.url), "utf8");

function parseError(json: string): string {
  try {
    parseKeyspaceVSchema(json);
  } catch (err) {
    expect(isVtError(err, Code.INVALID_ARGUMENT)).toBe(true);
    return (err as Error).message;
  }
  throw new Error("expected a parse error");
}

describe("parseKeyspaceVSchema", () => {
  it("reads seed 000's sharded customer VSchema (snake_case keys)", () => {
    const ks = parseKeyspaceVSchema(seed("seed-customer-sharded.json"));
    expect(ks.sharded).toBe(true);
    expect(ks.vindexes.hash).toEqual({ type: "hash", params: {}, owner: "" });
    expect(ks.tables.customer!.columnVindexes).toEqual([
      { column: "customer_id", name: "hash", columns: [] },
    ]);
    expect(ks.tables.corder!.autoIncrement).toEqual({ column: "order_id", sequence: "order_seq" });
    expect(ks.tables.customer!.type).toBe("");
  });

  it("reads sequences and accepts lowerCamelCase and null as protojson does", () => {
    expect(parseKeyspaceVSchema(seed("seed-commerce-seq.json")).tables.customer_seq!.type).toBe("sequence");
    const ks = parseKeyspaceVSchema({
      tables: {
        t: { columnVindexes: [], autoIncrement: null, columns: [{ name: "c", type: "VARCHAR", size: "10" }] },
      },
      multi_tenant_spec: null,
      foreign_key_mode: "managed",
    });
    expect(ks.tables.t!.columns[0]).toMatchObject({ name: "c", type: Type.VARCHAR, size: 10 });
    expect(ks.foreignKeyMode).toBe(3);
  });

  it("names the path of a value of the wrong type", () => {
    expect(parseError('{"tables": {"customer": {"column_vindexes": [{"column": "id", "name": 5}]}}}')).toBe(
      "invalid VSchema JSON: tables.customer.column_vindexes[0].name: expected a string, got number 5",
    );
    expect(parseError('{"sharded": "true"}')).toBe(
      'invalid VSchema JSON: sharded: expected true or false, got string "true"',
    );
    expect(parseError('{"vindexes": {"l": {"type": "lookup", "params": {"autocommit": true}}}}')).toBe(
      "invalid VSchema JSON: vindexes.l.params.autocommit: expected a string, got boolean true",
    );
    expect(parseError('{"tables": []}')).toBe(
      "invalid VSchema JSON: tables: expected an object, got an array",
    );
    expect(parseError('{"foreign_key_mode": "sometimes"}')).toMatch(
      /foreign_key_mode: invalid enum value "sometimes"/,
    );
  });

  it("names unknown keys", () => {
    expect(parseError('{"tables": {"customer": {"colum_vindexes": []}}}')).toMatch(
      /^invalid VSchema JSON: tables.customer: unknown field "colum_vindexes" in Table/,
    );
    expect(parseError('{"shardedd": true}')).toMatch(
      /^invalid VSchema JSON: unknown field "shardedd" in Keyspace/,
    );
  });

  it("reports invalid JSON", () => {
    expect(parseError('{"sharded": tru}')).toMatch(/^invalid VSchema JSON: /);
    expect(parseError("[]")).toBe("invalid VSchema JSON: expected an object (Keyspace), got an array");
  });
});

describe("formatKeyspaceVSchema", () => {
  it("prints every field in proto order, as vtctldclient GetVSchema", () => {
    const ks = parseKeyspaceVSchema(seed("seed-customer-sharded.json"));
    const printed = JSON.parse(formatKeyspaceVSchema(ks)) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual([
      "sharded",
      "vindexes",
      "tables",
      "require_explicit_routing",
      "foreign_key_mode",
      "multi_tenant_spec",
    ]);
    expect(printed.foreign_key_mode).toBe("unspecified");
    expect(printed.multi_tenant_spec).toBeNull();
    expect(Object.keys(printed.tables as object)).toEqual(["corder", "customer"]);
    expect((printed.tables as Record<string, unknown>).customer).toEqual({
      type: "",
      column_vindexes: [{ column: "customer_id", name: "hash", columns: [] }],
      auto_increment: { column: "customer_id", sequence: "customer_seq" },
      columns: [],
      pinned: "",
      column_list_authoritative: false,
      source: "",
    });
  });

  it("round-trips, and compact output is the user's file", () => {
    const ks = parseKeyspaceVSchema(seed("seed-customer-sharded.json"));
    expect(parseKeyspaceVSchema(formatKeyspaceVSchema(ks))).toEqual(ks);
    expect(keyspaceVSchemaToJson(ks, { compact: true })).toEqual(
      JSON.parse(seed("seed-customer-sharded.json")),
    );
  });
});

describe("routing rules and SrvVSchema", () => {
  it("parse and print", () => {
    const rules = parseRoutingRules({
      rules: [{ from_table: "customer@replica", to_tables: ["commerce.customer"] }],
    });
    expect(rules.rules[0]).toEqual({ fromTable: "customer@replica", toTables: ["commerce.customer"] });
    expect(JSON.parse(formatRoutingRules(rules))).toEqual({
      rules: [{ from_table: "customer@replica", to_tables: ["commerce.customer"] }],
    });
    const srv = parseSrvVSchema({
      keyspaces: { commerce: JSON.parse(seed("seed-commerce-seq.json")) },
      routing_rules: rules,
    });
    expect(srv.keyspaces.commerce!.tables.order_seq!.type).toBe("sequence");
    expect(() => parseRoutingRules({ rules: [{ from_table: "a", to_tables: "b" }] })).toThrow(
      "invalid routing rules JSON: rules[0].to_tables: expected an array",
    );
  });
});
