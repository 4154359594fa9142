import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.js";
import { FlagError, HelpRequested } from "./errors.js";
import { defineFlags, flagUsage, parseFlags } from "./flags.js";

const spec = defineFlags({
  port: { type: "int", default: 15000, help: "HTTP port" },
  cell: { type: "string", default: "", help: "cell name" },
  "dry-run": { type: "bool", default: false, help: "only print" },
  timeout: { type: "duration", default: 30_000, help: "how long to wait" },
  tables: { type: "strings", default: [], help: "tables" },
});

describe("parseFlags", () => {
  it("returns defaults when nothing is given", () => {
    const { values, positionals, given } = parseFlags(spec, []);
    expect(values).toEqual({ port: 15000, cell: "", "dry-run": false, timeout: 30_000, tables: [] });
    expect(positionals).toEqual([]);
    expect(given.size).toBe(0);
  });

  it("accepts --name value, --name=value, single dash and underscores", () => {
    const { values, given } = parseFlags(spec, [
      "--port",
      "15100",
      "-cell=zone1",
      "--dry_run",
      "--timeout=1m30s",
    ]);
    expect(values.port).toBe(15100);
    expect(values.cell).toBe("zone1");
    expect(values["dry-run"]).toBe(true);
    expect(values.timeout).toBe(90_000);
    expect([...given].sort()).toEqual(["cell", "dry-run", "port", "timeout"]);
  });

  it("splits and appends string lists", () => {
    const { values } = parseFlags(spec, ["--tables", "customer,corder", "--tables=product"]);
    expect(values.tables).toEqual(["customer", "corder", "product"]);
  });

  it("keeps each value of a string array whole, commas included", () => {
    const arrays = defineFlags({ sql: { type: "stringArray", default: [], help: "statements" } });
    const { values } = parseFlags(arrays, ["--sql", "create table t (a int, b int)", "--sql=drop table u"]);
    expect(values.sql).toEqual(["create table t (a int, b int)", "drop table u"]);
    expect(flagUsage(arrays)).toContain("--sql stringArray");
  });

  it("keeps positionals interspersed, or stops at the first one for subcommands", () => {
    expect(parseFlags(spec, ["a", "--port", "1", "b"]).positionals).toEqual(["a", "b"]);
    const sub = parseFlags(spec, ["--port", "1", "GetTablets", "--keyspace", "x"], {
      stopAtFirstPositional: true,
    });
    expect(sub.values.port).toBe(1);
    expect(sub.positionals).toEqual(["GetTablets", "--keyspace", "x"]);
  });

  it("names the unknown flag", () => {
    expect(() => parseFlags(spec, ["--prot", "1"])).toThrow(new FlagError("unknown flag: --prot", "prot"));
  });

  it("names a malformed value and its flag", () => {
    expect(() => parseFlags(spec, ["--port", "abc"])).toThrow(/invalid argument "abc" for "--port" flag/);
    expect(() => parseFlags(spec, ["--dry-run=maybe"])).toThrow(/"--dry-run"/);
    expect(() => parseFlags(spec, ["--timeout", "10"])).toThrow(/invalid duration "10" for --timeout/);
    expect(() => parseFlags(spec, ["--cell"])).toThrow(/flag needs an argument: --cell/);
  });

  it("signals --help", () => {
    expect(() => parseFlags(spec, ["--help"])).toThrow(HelpRequested);
    expect(() => parseFlags(spec, ["-h"])).toThrow(HelpRequested);
  });
});

describe("parseDuration", () => {
  it("parses Go durations", () => {
    expect(parseDuration("0")).toBe(0);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(() => parseDuration("s")).toThrow(FlagError);
    expect(() => parseDuration("")).toThrow(FlagError);
  });
});

describe("flagUsage", () => {
  it("lists every flag with its type and default", () => {
    const usage = flagUsage(spec);
    expect(usage).toMatch(/--port int\s+HTTP port \(default 15000\)/);
    expect(usage).toMatch(/--timeout duration\s+how long to wait \(default 30s\)/);
    expect(usage).toMatch(/--dry-run\s+only print$/m);
    expect(usage.split("\n")).toHaveLength(5);
  });
});

describe("flagUsage with long names", () => {
  it("keeps two spaces between a long flag and its help", () => {
    const long = defineFlags({
      "queryserver-config-max-result-size": {
        type: "int",
        default: 10000,
        help: "most rows a query may return",
      },
    });
    expect(flagUsage(long)).toBe(
      "  --queryserver-config-max-result-size int  most rows a query may return (default 10000)",
    );
  });
});
