import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ExecuteOptions, QueryResult, Row, Type } from "../../libs/proto/query.js";
import { Tablet, TabletAlias, TabletType } from "../../libs/proto/topodata.js";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const GENERATED = join(ROOT, "libs/proto");

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else out.push(relative(dir, path));
  }
  return out.map((p) => p.split("\\").join("/")).sort();
}

describe("libs/proto is up to date with proto/*.proto", () => {
  const tmp = mkdtempSync(join(tmpdir(), "vitess-ts-proto-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("regenerating gives byte-identical files", () => {
    const fresh = join(tmp, "out");
    execFileSync("bash", [join(ROOT, "proto/generate.sh"), fresh], { cwd: ROOT, stdio: "pipe" });

    const hint = "libs/proto is stale: run `make proto` and commit the result";
    const expected = listFiles(fresh);
    const actual = listFiles(GENERATED);
    expect(expected.length, "generation produced no files").toBeGreaterThan(0);
    expect(actual, `${hint} (files missing or extra)`).toEqual(expected);
    for (const file of expected) {
      const same = readFileSync(join(fresh, file)).equals(readFileSync(join(GENERATED, file)));
      expect(same, `${hint} (libs/proto/${file} differs)`).toBe(true);
    }
  });
});

describe("generated code round-trips Vitess messages", () => {
  const tablet: Tablet = {
    ...Tablet.fromPartial({}),
    alias: { cell: "zone1", uid: 100 },
    hostname: "localhost",
    portMap: { vt: 15100, grpc: 16100 },
    keyspace: "commerce",
    shard: "0",
    keyRange: { start: Buffer.from([0x80]), end: Buffer.alloc(0) },
    type: TabletType.PRIMARY,
    dbNameOverride: "",
    tags: { team: "a" },
    mysqlHostname: "127.0.0.1",
    mysqlPort: 17100,
    primaryTermStartTime: { seconds: 1_700_000_000, nanoseconds: 5 },
    defaultConnCollation: 255,
  };

  it("uses Vitess's field numbers on the wire", () => {
    // TabletAlias{cell: "zone1", uid: 100}: field 1 (bytes) then field 2 (varint).
    const bytes = TabletAlias.encode({ cell: "zone1", uid: 100 }).finish();
    expect(Buffer.from(bytes).toString("hex")).toBe("0a057a6f6e65311064");
  });

  it("encodes and decodes a topodata.Tablet", () => {
    const bytes = Tablet.encode(tablet).finish();
    const back = Tablet.decode(bytes);
    expect(back).toEqual(tablet);
    expect(back.type).toBe(TabletType.PRIMARY);
    expect(back.primaryTermStartTime).toEqual({ seconds: 1_700_000_000, nanoseconds: 5 });
  });

  it("encodes and decodes a query.QueryResult with packed rows", () => {
    // With env=node, bytes fields are Buffers.
    const row1 = Row.fromPartial({ lengths: [1, 5, -1], values: Buffer.from("1alice") });
    const row2 = Row.fromPartial({ lengths: [2, 0, 3], values: Buffer.from("42bob") });
    const result = QueryResult.fromPartial({
      fields: [
        { name: "id", type: Type.INT64 },
        { name: "name", type: Type.VARCHAR },
        { name: "note", type: Type.TEXT },
      ],
      rowsAffected: 2,
      insertId: "18446744073709551615",
      rows: [row1, row2],
    });

    // lengths is a packed sint64 field: tag 0x0a, byte length 3, zigzag(1)=2, zigzag(5)=10, zigzag(-1)=1.
    expect(Buffer.from(Row.encode(row1).finish()).subarray(0, 5).toString("hex")).toBe("0a03020a01");

    const back = QueryResult.decode(QueryResult.encode(result).finish());
    expect(back).toEqual(result);
    expect(back.rows[0]?.lengths).toEqual([1, 5, -1]);
    expect(back.insertId).toBe("18446744073709551615");
    expect(back.fields.map((f) => f.type)).toEqual([265, 6165, 6163]);
  });

  it("models oneofs as $case unions", () => {
    const opts = ExecuteOptions.fromPartial({ timeout: { $case: "authoritativeTimeout", value: 1500 } });
    const back = ExecuteOptions.decode(ExecuteOptions.encode(opts).finish());
    expect(back.timeout).toEqual({ $case: "authoritativeTimeout", value: 1500 });
  });

  it("toJSON uses lowerCamelCase protobuf JSON names and enum names", () => {
    // ts-proto emits the proto3 JSON mapping (lowerCamelCase keys, default values
    // omitted, 64-bit ints as numbers here). vtctldclient prints proto field names
    // (snake_case) with defaults included; that formatting is the CLI's job.
    const json = Tablet.toJSON(tablet) as Record<string, unknown>;
    expect(json.primaryTermStartTime).toEqual({ seconds: 1_700_000_000, nanoseconds: 5 });
    expect(json.portMap).toEqual({ vt: 15100, grpc: 16100 });
    expect(json.type).toBe("PRIMARY");
    expect(json.keyRange).toEqual({ start: "gA==" });
    expect(json).not.toHaveProperty("primary_term_start_time");
    expect(json).not.toHaveProperty("dbNameOverride");
    expect(Tablet.fromJSON(json)).toEqual(tablet);
  });
});
