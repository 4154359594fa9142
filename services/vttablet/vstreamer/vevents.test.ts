import { describe, expect, it } from "vitest";
import type { BinlogEvent } from "../../../libs/mysql/binlog/index.js";
import { TransactionTracker } from "../../../libs/mysql/binlog/index.js";
import { appendGtid, type Position, ZERO_POSITION } from "../../../libs/mysql/replication/index.js";
import { Filter, type VEvent, VEventType } from "../../../libs/proto/binlogdata.js";
import { type Field, Type } from "../../../libs/proto/query.js";
import { compileFilter } from "./filter-rules.js";
import type { TableSchema } from "./plan-builder.js";
import type { SchemaSource } from "./schema-source.js";
import {
  BIGINT,
  gtidEvent,
  INT,
  queryEvent,
  rotateEvent,
  rowsEvent,
  tableMap,
  tableMapEvent,
  VARCHAR,
  xidEvent,
} from "./testing/binlog-events.js";
import { statementCategory, VEventBuilder } from "./vevents.js";
import type { VindexResolver } from "./vindex-resolver.js";

const NO_VINDEXES: VindexResolver = {
  primaryVindex: () => {
    throw new Error("no vindexes");
  },
  findOrCreate: () => {
    throw new Error("no vindexes");
  },
};

function schemaField(name: string, type: Type, columnType: string): Field {
  return {
    name,
    type,
    table: "t",
    orgTable: "t",
    database: "vt_ks",
    orgName: name,
    columnLength: 11,
    charset: 63,
    decimals: 0,
    flags: 0,
    columnType,
  };
}

/** A schema source over a mutable map, counting reads from "mysqld". */
class FakeSchema implements SchemaSource {
  readonly tables = new Map<string, TableSchema>();
  freshReads = 0;
  changes = 0;
  cached(table: string): TableSchema | undefined {
    return this.tables.get(table);
  }
  async fresh(table: string): Promise<TableSchema | undefined> {
    this.freshReads++;
    return this.tables.get(table);
  }
  changed(): void {
    this.changes++;
  }
}

const T2 = tableMap(10, "t", [
  { name: "id", type: BIGINT },
  { name: "v", type: VARCHAR },
]);
const T3 = tableMap(11, "t", [
  { name: "id", type: BIGINT },
  { name: "v", type: VARCHAR },
  { name: "extra", type: INT },
]);
const OTHER = tableMap(12, "other", [{ name: "id", type: BIGINT }]);

/** Runs events through a builder the way the stream loop does; returns the VEvents. */
async function run(
  events: BinlogEvent[],
  filter: { match: string; filter: string }[],
  schema = new FakeSchema(),
): Promise<VEvent[]> {
  let position: Position = ZERO_POSITION;
  const builder = new VEventBuilder({
    keyspace: "ks",
    shard: "0",
    dbName: "vt_ks",
    rules: compileFilter(Filter.fromPartial({ rules: filter })).rules,
    vindexes: NO_VINDEXES,
    schema,
    position: () => position,
  });
  const out: VEvent[] = [];
  // The event source's bookkeeping: the position moves when a transaction's last event is delivered.
  const tracker = new TransactionTracker();
  for (const event of events) {
    if (tracker.observe(event) === "commit" && tracker.groupGtid !== undefined) {
      position = appendGtid(position, tracker.groupGtid);
    }
    const wait = builder.add(event, out);
    if (wait !== undefined) await wait;
  }
  return out;
}

function summary(events: VEvent[]): string[] {
  return events.map((event) => {
    switch (event.type) {
      case VEventType.GTID:
        return `GTID ${event.gtid}`;
      case VEventType.FIELD:
        return `FIELD ${event.fieldEvent!.tableName}(${event.fieldEvent!.fields.map((f) => f.name).join(",")})`;
      case VEventType.ROW:
        return `ROW ${event.rowEvent!.tableName} ${event
          .rowEvent!.rowChanges.map((c) => `${text(c.before)}->${text(c.after)}`)
          .join(" ")}`;
      case VEventType.DDL:
        return `DDL ${event.statement}`;
      default:
        return VEventType[event.type]!;
    }
  });
}

function text(row: { lengths: number[]; values: Buffer } | undefined): string {
  if (row === undefined) return "_";
  let offset = 0;
  return `[${row.lengths
    .map((length) => {
      if (length < 0) return "NULL";
      const value = row.values.subarray(offset, offset + length).toString();
      offset += length;
      return value;
    })
    .join(",")}]`;
}

const ALL = [{ match: "t", filter: "select * from t" }];

describe("VEventBuilder: binlog events to VEvents", () => {
  it("a transaction: BEGIN, FIELD on first use, ROW, then GTID (position after it) and COMMIT", async () => {
    const events = await run(
      [
        rotateEvent(),
        gtidEvent(1),
        tableMapEvent(T2),
        rowsEvent("insert", T2, [{ after: ["1", "a"] }, { after: ["2", null] }]),
        xidEvent(),
        gtidEvent(2),
        tableMapEvent(T2),
        rowsEvent("update", T2, [{ before: ["1", "a"], after: ["1", "b"] }]),
        rowsEvent("delete", T2, [{ before: ["2", null] }]),
        xidEvent(),
      ],
      ALL,
    );
    expect(summary(events)).toEqual([
      "BEGIN",
      "FIELD t(id,v)",
      "ROW t _->[1,a] _->[2,NULL]",
      "GTID MariaDB/0-100-1",
      "COMMIT",
      "BEGIN",
      "ROW t [1,a]->[1,b]",
      "ROW t [2,NULL]->_",
      "GTID MariaDB/0-100-2",
      "COMMIT",
    ]);
    for (const event of events) {
      expect(event.keyspace).toBe("ks");
      expect(event.shard).toBe("0");
      expect(event.timestamp).toBe(1_700_000_000);
      expect(BigInt(event.currentTime)).toBeGreaterThan(0n);
    }
    expect(events[1]!.fieldEvent).toMatchObject({ keyspace: "ks", shard: "0", tableName: "t" });
  });

  it("fields come from the schema cache when it matches the table map, else from the table map", async () => {
    const schema = new FakeSchema();
    schema.tables.set("t", {
      name: "t",
      fields: [schemaField("id", Type.INT64, "bigint(20)"), schemaField("v", Type.VARCHAR, "varchar(255)")],
      pkColumns: [0],
    });
    const matched = await run([gtidEvent(1), tableMapEvent(T2)], ALL, schema);
    expect(matched[1]!.fieldEvent!.fields.map((f) => f.columnType)).toEqual(["bigint(20)", "varchar(255)"]);
    expect(schema.freshReads).toBe(0);

    // The binlog has a third column the cache does not know: mysqld is asked, then the table map decides.
    const stale = await run([gtidEvent(1), tableMapEvent(T3)], ALL, schema);
    expect(schema.freshReads).toBe(1);
    expect(stale[1]!.fieldEvent!.fields.map((f) => [f.name, f.type])).toEqual([
      ["id", Type.INT64],
      ["v", Type.VARCHAR],
      ["extra", Type.INT32],
    ]);
  });

  it("DDL: GTID and DDL, then FIELD again with the new columns, then rows with them", async () => {
    const events = await run(
      [
        gtidEvent(1),
        tableMapEvent(T2),
        rowsEvent("insert", T2, [{ after: ["1", "a"] }]),
        xidEvent(),
        gtidEvent(2, true),
        queryEvent("ALTER TABLE t ADD COLUMN extra INT"),
        gtidEvent(3),
        tableMapEvent(T3),
        rowsEvent("insert", T3, [{ after: ["2", "b", "7"] }]),
        xidEvent(),
      ],
      ALL,
    );
    expect(summary(events)).toEqual([
      "BEGIN",
      "FIELD t(id,v)",
      "ROW t _->[1,a]",
      "GTID MariaDB/0-100-1",
      "COMMIT",
      "GTID MariaDB/0-100-2",
      "DDL ALTER TABLE t ADD COLUMN extra INT",
      "BEGIN",
      "FIELD t(id,v,extra)",
      "ROW t _->[2,b,7]",
      "GTID MariaDB/0-100-3",
      "COMMIT",
    ]);
  });

  it("FIELD is sent again after a DDL even when the table id is reused", async () => {
    const events = await run(
      [
        gtidEvent(1),
        tableMapEvent(T2),
        xidEvent(),
        gtidEvent(2, true),
        queryEvent("alter table t comment 'x'"),
        gtidEvent(3),
        tableMapEvent(T2),
        xidEvent(),
      ],
      ALL,
    );
    expect(summary(events).filter((s) => s.startsWith("FIELD"))).toHaveLength(2);
  });

  it("a DDL on a table the filter leaves out, or of another database, is OTHER; other statements too", async () => {
    const events = await run(
      [
        gtidEvent(1, true),
        queryEvent("create table unrelated (id int)"),
        gtidEvent(2, true),
        queryEvent("alter table t add column x int", "other_db"),
        gtidEvent(3, true),
        queryEvent("create database foo"),
        gtidEvent(4, true),
        queryEvent("GRANT SELECT ON *.* TO 'x'@'%'"),
        gtidEvent(5, true),
        queryEvent("drop table `t`"),
      ],
      ALL,
    );
    expect(summary(events)).toEqual([
      "GTID MariaDB/0-100-1",
      "OTHER",
      "GTID MariaDB/0-100-2",
      "OTHER",
      "GTID MariaDB/0-100-3",
      "OTHER",
      "GTID MariaDB/0-100-4",
      "OTHER",
      "GTID MariaDB/0-100-5",
      "DDL drop table `t`",
    ]);
  });

  it("rows of tables the filter leaves out disappear, the transaction's boundaries stay", async () => {
    const events = await run(
      [gtidEvent(1), tableMapEvent(OTHER), rowsEvent("insert", OTHER, [{ after: ["9"] }]), xidEvent()],
      ALL,
    );
    expect(summary(events)).toEqual(["BEGIN", "GTID MariaDB/0-100-1", "COMMIT"]);
  });

  it("tables of other databases and online-DDL shadow tables are left out", async () => {
    const elsewhere = tableMap(
      20,
      "t",
      [
        { name: "id", type: BIGINT },
        { name: "v", type: VARCHAR },
      ],
      "other_db",
    );
    const shadow = tableMap(21, "_t_gho", [{ name: "id", type: BIGINT }]);
    const events = await run(
      [
        gtidEvent(1),
        tableMapEvent(elsewhere),
        rowsEvent("insert", elsewhere, [{ after: ["1", "a"] }]),
        tableMapEvent(shadow),
        rowsEvent("insert", shadow, [{ after: ["1"] }]),
        xidEvent(),
      ],
      [{ match: "/.*/", filter: "" }],
    );
    expect(summary(events)).toEqual(["BEGIN", "GTID MariaDB/0-100-1", "COMMIT"]);
  });

  it("filters rows and columns; an update whose images both fail the filter is dropped", async () => {
    const events = await run(
      [
        gtidEvent(1),
        tableMapEvent(T2),
        rowsEvent("update", T2, [
          { before: ["1", "a"], after: ["1", "b"] },
          { before: ["50", "a"], after: ["60", "b"] },
          { before: ["2", "c"], after: ["20", "c"] },
        ]),
        xidEvent(),
      ],
      [{ match: "t", filter: "select v, id from t where id < 10" }],
    );
    expect(summary(events)).toEqual([
      "BEGIN",
      "FIELD t(v,id)",
      "ROW t [a,1]->[b,1] [c,2]->_",
      "GTID MariaDB/0-100-1",
      "COMMIT",
    ]);
  });

  it("MySQL-style groups: a BEGIN query opens, COMMIT query closes with the position", async () => {
    const events = await run([queryEvent("BEGIN"), queryEvent("SAVEPOINT `a`"), queryEvent("COMMIT")], ALL);
    expect(summary(events)).toEqual(["BEGIN", "GTID ", "COMMIT"]);
  });

  it("a FIELD-building failure is the stream's error", async () => {
    await expect(
      run([gtidEvent(1), tableMapEvent(OTHER)], [{ match: "other", filter: "select nope from other" }]),
    ).rejects.toThrow(/column nope not found in table other/);
  });

  it("heartbeats carry the time", () => {
    const builder = new VEventBuilder({
      keyspace: "ks",
      shard: "-80",
      dbName: "vt_ks",
      rules: [],
      vindexes: NO_VINDEXES,
      schema: new FakeSchema(),
      position: () => ZERO_POSITION,
    });
    const heartbeat = builder.heartbeat();
    expect(heartbeat.type).toBe(VEventType.HEARTBEAT);
    expect(heartbeat.shard).toBe("-80");
    expect(Math.abs(heartbeat.timestamp - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe("statementCategory", () => {
  it.each([
    ["BEGIN", "begin"],
    ["START TRANSACTION", "begin"],
    ["COMMIT", "commit"],
    ["ROLLBACK", "rollback"],
    ["ROLLBACK TO SAVEPOINT a", "savepoint"],
    ["SAVEPOINT a", "savepoint"],
    ["/* x */ ALTER TABLE t ADD c INT", "ddl"],
    ["create table t (id int)", "ddl"],
    ["TRUNCATE t", "ddl"],
    ["insert into t values (1)", "insert"],
    ["REPLACE INTO t VALUES (1)", "replace"],
    ["SET @a = 1", "other"],
    ["FLUSH PRIVILEGES", "other"],
  ])("%s", (sql, category) => {
    expect(statementCategory(sql)).toBe(category);
  });
});
