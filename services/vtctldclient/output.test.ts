import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Level } from "../../libs/proto/logutil.js";
import { QueryResult, Type } from "../../libs/proto/query.js";
import { Status } from "../../libs/proto/replicationdata.js";
import { Tablet, TabletType } from "../../libs/proto/topodata.js";
import {
  eventString,
  mapAwk,
  queryResultJson,
  queryResultTable,
  sortedReplicatingTablets,
  tabletAwk,
} from "./output.js";

const originalTz = process.env.TZ;
beforeEach(() => {
  process.env.TZ = "UTC";
});
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

function tablet(uid: number, type: TabletType, extra: Partial<Tablet> = {}): Tablet {
  return Tablet.fromPartial({
    alias: { cell: "zone1", uid },
    hostname: "localhost",
    portMap: { vt: 15000 + uid, grpc: 16000 + uid },
    keyspace: "commerce",
    shard: "0",
    type,
    mysqlHostname: "localhost",
    mysqlPort: 17000 + uid,
    ...extra,
  });
}

describe("tabletAwk (MarshalTabletAWK)", () => {
  it("prints alias, keyspace, shard, lower-case type, addresses, tags and primary term start", () => {
    expect(tabletAwk(tablet(100, TabletType.REPLICA))).toBe(
      "zone1-0000000100 commerce 0 replica localhost:15100 localhost:17100 [] <null>",
    );
    const primary = tablet(101, TabletType.PRIMARY, {
      primaryTermStartTime: { seconds: 1_695_919_069, nanoseconds: 5 },
      tags: { zone: "b", app: "x y" },
    });
    expect(tabletAwk(primary)).toBe(
      'zone1-0000000101 commerce 0 primary localhost:15101 localhost:17101 [app: "x y" zone: "b"] 2023-09-28T16:37:49Z',
    );
    expect(tabletAwk(Tablet.fromPartial({ alias: { cell: "zone1", uid: 7 }, type: TabletType.SPARE }))).toBe(
      "zone1-0000000007 <null> <null> spare :0 :0 [] <null>",
    );
    expect(mapAwk({})).toBe("[]");
  });
});

describe("eventString (logutil.EventString)", () => {
  it("prints glog-style lines, and CONSOLE events bare", () => {
    const time = { seconds: 1_695_919_069, nanoseconds: 123_456_789 };
    expect(
      eventString({ time, level: Level.INFO, file: "planned_reparenter.ts", line: 0, value: "hello" }),
    ).toBe("I0928 16:37:49.123456 planned_reparenter.ts:0] hello");
    expect(eventString({ time, level: Level.WARNING, file: "f", line: 3, value: "w" })).toMatch(/^W0928 /);
    expect(eventString({ time, level: Level.CONSOLE, file: "f", line: 3, value: "plain" })).toBe("plain");
  });
});

describe("sortedReplicatingTablets", () => {
  it("puts tablets without status first, then the primary, then replicas by position", () => {
    const map = {
      "zone1-0000000100": tablet(100, TabletType.PRIMARY),
      "zone1-0000000101": tablet(101, TabletType.REPLICA),
      "zone1-0000000102": tablet(102, TabletType.REPLICA),
      "zone1-0000000103": tablet(103, TabletType.REPLICA),
    };
    const statuses = {
      "zone1-0000000100": Status.fromPartial({ position: "MariaDB/0-100-9" }),
      "zone1-0000000101": Status.fromPartial({ position: "MariaDB/0-100-9" }),
      "zone1-0000000102": Status.fromPartial({ position: "MariaDB/0-100-3" }),
    };
    expect(sortedReplicatingTablets(map, statuses).map((r) => r.tablet.alias?.uid)).toEqual([
      103, 100, 102, 101,
    ]);
  });
});

describe("query results", () => {
  const result = QueryResult.fromPartial({
    fields: [
      { name: "id", type: Type.INT64 },
      { name: "email", type: Type.VARCHAR },
      { name: "note", type: Type.TEXT },
    ],
    rows: [
      { lengths: [1, 17, -1], values: Buffer.from("1alice@domain.com") },
      { lengths: [2, 3, 2], values: Buffer.from("12bobhi") },
    ],
  });

  it("prints a tablewriter table: centered headers, numbers right-aligned", () => {
    expect(queryResultTable(result)).toBe(
      [
        "+----+------------------+------+",
        "| id |      email       | note |",
        "+----+------------------+------+",
        "|  1 | alice@domain.com |      |",
        "| 12 | bob              | hi   |",
        "+----+------------------+------+",
      ].join("\n"),
    );
    expect(queryResultTable(QueryResult.create())).toBeUndefined();
  });

  it("prints --json like sqltypes.Result: numbers bare, text quoted, NULL null", () => {
    const json = JSON.parse(queryResultJson(result));
    expect(json.fields[0]).toEqual({ name: "id", type: Type.INT64 });
    expect(json.rows).toEqual([
      [1, "alice@domain.com", null],
      [12, "bob", "hi"],
    ]);
    expect(json.rows_affected).toBe(0);
  });
});
