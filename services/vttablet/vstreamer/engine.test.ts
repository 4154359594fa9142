import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { encodePosition } from "../../../libs/mysql/replication/index.js";
import {
  Filter,
  type VEvent,
  VEventType,
  VStreamOptions,
  VStreamRequest,
  type VStreamResponse,
} from "../../../libs/proto/binlogdata.js";
import { type Field, Type } from "../../../libs/proto/query.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import { VStreamerEngine } from "./engine.js";
import type { TableSchema } from "./plan-builder.js";
import type { SchemaSource } from "./schema-source.js";
import { BIGINT, FakeBinlog, insertTransaction, tableMap, VARCHAR } from "./testing/binlog-events.js";
import { HEARTBEAT_OVERRIDE, parseDurationMs, parseStartPosition } from "./vstream.js";

const T = tableMap(1, "t", [
  { name: "id", type: BIGINT },
  { name: "v", type: VARCHAR },
]);

function field(name: string, type: Type): Field {
  return {
    name,
    type,
    table: "t",
    orgTable: "t",
    database: "vt_ks",
    orgName: name,
    columnLength: 0,
    charset: 0,
    decimals: 0,
    flags: 0,
    columnType: "",
  };
}

const SCHEMA: SchemaSource = {
  cached: (name) => (name === "t" ? TABLE : undefined),
  fresh: async (name) => (name === "t" ? TABLE : undefined),
  changed: () => undefined,
};
const TABLE: TableSchema = {
  name: "t",
  fields: [field("id", Type.INT64), field("v", Type.VARCHAR)],
  pkColumns: [0],
};
const TARGET = { keyspace: "ks", shard: "0", tabletType: TabletType.REPLICA, cell: "zone1" };

function engine(binlog: FakeBinlog, packetSize?: number): VStreamerEngine {
  return new VStreamerEngine({
    alias: { cell: "zone1", uid: 100 },
    keyspace: "ks",
    shard: "0",
    dbName: () => "vt_ks",
    target: () => TARGET,
    address: { socket: "/nonexistent" },
    user: "vt_filtered",
    password: "",
    schema: SCHEMA,
    vindexes: async () => {
      throw new Error("no vschema here");
    },
    heartbeatIntervalMs: 50,
    packetSize,
    logger: pino({ enabled: false }),
    openStream: binlog.open,
  });
}

/** Reads a stream in the background; `stop()` cancels it like a gRPC caller. */
function read(vstreamer: VStreamerEngine, request: Partial<VStreamRequest>) {
  const controller = new AbortController();
  const responses: VStreamResponse[] = [];
  let error: unknown;
  const done = (async () => {
    try {
      for await (const response of vstreamer.vStream(VStreamRequest.fromPartial(request), {
        signal: controller.signal,
      })) {
        responses.push(response);
      }
    } catch (err) {
      error = err;
    }
  })();
  const events = (): VEvent[] => responses.flatMap((r) => r.events);
  const until = async (predicate: () => boolean) => {
    for (let i = 0; i < 400 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(predicate()).toBe(true);
  };
  return {
    responses,
    events,
    until,
    done,
    error: () => error,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

const RULES = Filter.fromPartial({ rules: [{ match: "t", filter: "select * from t" }] });

describe("VStreamerEngine", () => {
  it("streams transactions as batched responses, heartbeats when idle, and ends on cancel", async () => {
    const binlog = new FakeBinlog();
    binlog.append(insertTransaction(1, T, [["1", "a"]]));
    const vstreamer = engine(binlog);
    const stream = read(vstreamer, { target: TARGET, position: "current", filter: RULES });
    await stream.until(() => stream.events().some((e) => e.type === VEventType.HEARTBEAT));
    binlog.append(insertTransaction(2, T, [["2", "b"]]));
    await stream.until(() => stream.events().some((e) => e.type === VEventType.COMMIT));
    const transaction = stream.responses.find((r) => r.events.some((e) => e.type === VEventType.COMMIT))!;
    expect(transaction.events.map((e) => VEventType[e.type])).toEqual([
      "BEGIN",
      "FIELD",
      "ROW",
      "GTID",
      "COMMIT",
    ]);
    expect(transaction.events[3]!.gtid).toBe("MariaDB/0-100-2");
    expect(vstreamer.streamCount).toBe(1);
    expect(vstreamer.sharedTailSubscribers).toBe(1);
    await stream.stop();
    expect(stream.error()).toBeUndefined();
    expect(vstreamer.streamCount).toBe(0);
    expect(vstreamer.sharedTailSubscribers).toBe(0);
  });

  it("a stream from a position gets every transaction after it", async () => {
    const binlog = new FakeBinlog();
    for (let s = 1; s <= 3; s++) binlog.append(insertTransaction(s, T, [[String(s), "x"]]));
    const vstreamer = engine(binlog);
    const from = encodePosition(new FakeBinlog().position) || "";
    const stream = read(vstreamer, { target: TARGET, position: from, filter: RULES });
    await stream.until(() => stream.events().filter((e) => e.type === VEventType.COMMIT).length === 3);
    expect(
      stream
        .events()
        .filter((e) => e.type === VEventType.GTID)
        .map((e) => e.gtid),
    ).toEqual(["MariaDB/0-100-1", "MariaDB/0-100-2", "MariaDB/0-100-3"]);
    await stream.stop();
  });

  it("closing the engine ends its streams with UNAVAILABLE and refuses new ones", async () => {
    const binlog = new FakeBinlog();
    const vstreamer = engine(binlog);
    const stream = read(vstreamer, { target: TARGET, position: "current", filter: RULES });
    await stream.until(() => stream.events().length > 0);
    vstreamer.close();
    await stream.done;
    expect((stream.error() as VtError).code).toBe(Code.UNAVAILABLE);
    expect((stream.error() as VtError).message).toMatch(/shutting down/);
    const refused = read(vstreamer, { target: TARGET, position: "current", filter: RULES });
    await refused.done;
    expect((refused.error() as VtError).code).toBe(Code.UNAVAILABLE);
  });

  it("checks the target and the request before streaming", async () => {
    const vstreamer = engine(new FakeBinlog());
    const cases: [Partial<VStreamRequest>, Code, RegExp][] = [
      [
        { target: { ...TARGET, shard: "-80" }, position: "current", filter: RULES },
        Code.FAILED_PRECONDITION,
        /invalid target/,
      ],
      [
        { target: TARGET, position: "MariaDB/x", filter: RULES },
        Code.INVALID_ARGUMENT,
        /invalid VStream position/,
      ],
      [
        { target: TARGET, position: "nope", filter: RULES },
        Code.INVALID_ARGUMENT,
        /invalid VStream position/,
      ],
      [
        {
          target: TARGET,
          position: "current",
          filter: Filter.fromPartial({ rules: [{ match: "missing", filter: "" }] }),
        },
        Code.INVALID_ARGUMENT,
        /unknown table missing/,
      ],
      [
        {
          target: TARGET,
          position: "current",
          filter: Filter.fromPartial({ rules: [{ match: "t", filter: "update t set v = 1" }] }),
        },
        Code.INVALID_ARGUMENT,
        /not a select statement/,
      ],
      [
        {
          target: TARGET,
          position: "current",
          filter: RULES,
          tableLastPKs: [{ tableName: "nope", lastpk: undefined }],
        },
        Code.INVALID_ARGUMENT,
        /table_last_p_ks names nope, which no filter rule matches/,
      ],
    ];
    for (const [request, code, message] of cases) {
      const stream = read(vstreamer, request);
      await stream.done;
      const err = stream.error();
      expect(err, message.source).toBeInstanceOf(VtError);
      expect((err as VtError).code, (err as VtError).message).toBe(code);
      expect((err as VtError).message).toMatch(message);
      if (code !== Code.FAILED_PRECONDITION) {
        expect((err as VtError).message).toMatch(/^vttablet zone1-0000000100: vstream: /);
      }
    }
    expect(vstreamer.streamCount).toBe(0);
  });

  it("honours a heartbeat interval override", async () => {
    const binlog = new FakeBinlog();
    const vstreamer = engine(binlog);
    const started = Date.now();
    const stream = read(vstreamer, {
      target: TARGET,
      position: "current",
      filter: RULES,
      options: VStreamOptions.fromPartial({ configOverrides: { [HEARTBEAT_OVERRIDE]: "300ms" } }),
    });
    await stream.until(() => stream.events().some((e) => e.type === VEventType.HEARTBEAT));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await stream.stop();
  });
});

describe("request parsing", () => {
  it("positions", () => {
    expect(parseStartPosition("current")).toEqual({ kind: "current" });
    expect(parseStartPosition("")).toMatchObject({ kind: "position", position: { flavor: undefined } });
    expect(parseStartPosition("MariaDB/0-1-5")).toMatchObject({
      kind: "position",
      position: { flavor: "MariaDB" },
    });
  });

  it("durations", () => {
    expect(parseDurationMs("250")).toBe(250);
    expect(parseDurationMs("250ms")).toBe(250);
    expect(parseDurationMs("1.5s")).toBe(1500);
    expect(parseDurationMs("2m")).toBe(120_000);
    expect(() => parseDurationMs("soon")).toThrow(/invalid duration/);
  });
});
