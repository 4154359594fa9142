import { describe, expect, it } from "vitest";
import { OnDDLAction, VEventType } from "../../../libs/proto/binlogdata.js";
import { Type } from "../../../libs/proto/query.js";
import { play } from "./player.js";
import { field, playContext, RecordingDb, row, ScriptedSource, vevent } from "./testing.js";
import { NO_THROTTLE_LIMIT, StreamThrottler } from "./throttler.js";

const fieldEvent = vevent(VEventType.FIELD, {
  fieldEvent: {
    tableName: "customer",
    fields: [field("customer_id", Type.INT64), field("email", Type.VARCHAR)],
    keyspace: "commerce",
    shard: "0",
    enumSetStringValues: false,
    isInternalTable: false,
  },
});

function rowEvent(changes: { before?: (string | null)[]; after?: (string | null)[] }[]) {
  return vevent(VEventType.ROW, {
    rowEvent: {
      tableName: "customer",
      rowChanges: changes.map((change) => ({
        before: change.before ? row(...change.before) : undefined,
        after: change.after ? row(...change.after) : undefined,
        dataColumns: undefined,
        jsonPartialValues: undefined,
      })),
      keyspace: "commerce",
      shard: "0",
      flags: 0,
      isInternalTable: false,
    },
  });
}

function transaction(gtid: string, changes: Parameters<typeof rowEvent>[0]) {
  return [
    vevent(VEventType.BEGIN),
    rowEvent(changes),
    vevent(VEventType.GTID, { gtid }),
    vevent(VEventType.COMMIT, { timestamp: 1_700_000_000 }),
  ];
}

describe("player", () => {
  it("applies each source transaction with its position in one target transaction", async () => {
    const db = new RecordingDb();
    const source = new ScriptedSource([
      fieldEvent,
      ...transaction("MariaDB/0-1-5", [{ after: ["1", "a@x"] }]),
    ]);
    const end = await play(playContext(db, source), { startPos: "MariaDB/0-1-4", untilPos: "MariaDB/0-1-5" });
    expect(end).toEqual({ kind: "reached", pos: "MariaDB/0-1-5" });
    expect(source.vstreamRequests[0]?.position).toBe("MariaDB/0-1-4");
    expect(db.statements[0]).toBe("begin");
    expect(db.statements[1]).toBe("insert into `customer` (`customer_id`, `email`) values (1, 'a@x')");
    expect(db.statements[2]).toMatch(
      /^update _vt.vreplication set pos = 'MariaDB\/0-1-5', time_updated = \d+, transaction_timestamp = 1700000000 where id = 1$/,
    );
    expect(db.statements[3]).toBe("commit");
  });

  it("during the copy applies only changes to rows at or below lastpk", async () => {
    const db = new RecordingDb();
    const source = new ScriptedSource([
      fieldEvent,
      ...transaction("MariaDB/0-1-6", [
        { after: ["5", "in"] },
        { after: ["20", "out"] },
        { before: ["6", "x"], after: ["30", "moved"] },
        { before: ["40", "x"], after: ["7", "back"] },
      ]),
    ]);
    const lastpk = { fields: [{ name: "customer_id", type: Type.INT64 }], values: [Buffer.from("10")] };
    await play(playContext(db, source), {
      startPos: "MariaDB/0-1-5",
      untilPos: "MariaDB/0-1-6",
      copyState: new Map([["customer", lastpk]]),
    });
    expect(db.statements.slice(1, 4)).toEqual([
      "insert into `customer` (`customer_id`, `email`) values (5, 'in')",
      "delete from `customer` where `customer_id` = 6",
      "insert into `customer` (`customer_id`, `email`) values (7, 'back')",
    ]);
    expect(db.statements[4]).toMatch(/^update _vt.vreplication set pos = 'MariaDB\/0-1-6'/);
  });

  it("stops at a DDL with on_ddl STOP, and at stop_pos", async () => {
    const db = new RecordingDb();
    const ddl = [
      vevent(VEventType.GTID, { gtid: "MariaDB/0-1-7" }),
      vevent(VEventType.DDL, { statement: "alter table customer add column x int" }),
    ];
    const end = await play(playContext(db, new ScriptedSource(ddl), OnDDLAction.STOP), {
      startPos: "MariaDB/0-1-6",
    });
    expect(end).toEqual({ kind: "stopped", pos: "MariaDB/0-1-7" });
    expect(db.statements.at(-1)).toMatch(
      /state = 'Stopped', message = 'Stopped at DDL alter table customer add column x int'/,
    );

    const db2 = new RecordingDb();
    const end2 = await play(
      playContext(
        db2,
        new ScriptedSource([fieldEvent, ...transaction("MariaDB/0-1-8", [{ after: ["1", "a"] }])]),
      ),
      { startPos: "MariaDB/0-1-7", stopPos: "MariaDB/0-1-8" },
    );
    expect(end2.kind).toBe("stopped");
    expect(db2.statements.at(-1)).toMatch(/message = 'Reached stopping position, done playing logs'/);
  });

  it("skips DDL by default and fails when the source stream ends", async () => {
    const db = new RecordingDb();
    const source = new ScriptedSource([
      vevent(VEventType.GTID, { gtid: "MariaDB/0-1-9" }),
      vevent(VEventType.DDL, { statement: "drop table customer" }),
    ]);
    const end = await play(playContext(db, source), { startPos: "MariaDB/0-1-8", untilPos: "MariaDB/0-1-9" });
    expect(end.kind).toBe("reached");
    expect(db.statements.some((s) => s.startsWith("drop"))).toBe(false);
  });

  it("asks the throttler before each applied transaction and records the throttle (max_tps)", async () => {
    const db = new RecordingDb();
    const source = new ScriptedSource([
      fieldEvent,
      ...transaction("MariaDB/0-1-5", [{ after: ["1", "a"] }]),
      ...transaction("MariaDB/0-1-6", [{ after: ["2", "b"] }]),
      ...transaction("MariaDB/0-1-7", [{ after: ["3", "c"] }]),
    ]);
    let nowMs = 1_700_000_000_000;
    const sleeps: number[] = [];
    const context = {
      ...playContext(db, source),
      throttler: new StreamThrottler(
        { maxTps: 2, maxReplicationLag: NO_THROTTLE_LIMIT },
        {
          clock: {
            nowMs: () => nowMs,
            sleep: async (ms: number) => {
              sleeps.push(ms);
              nowMs += ms;
            },
          },
          lag: async () => undefined,
          record: async (component, nowS) => {
            await db.execute(`throttled ${component} ${nowS}`);
          },
        },
      ),
    };
    await play(context, { startPos: "MariaDB/0-1-4", untilPos: "MariaDB/0-1-7" });
    // Three transactions at two per second: the second and third each wait half a second.
    expect(sleeps).toEqual([500, 500]);
    // time_throttled is written at most once a second.
    expect(db.statements.filter((s) => s.startsWith("throttled"))).toEqual(["throttled vplayer 1700000000"]);
    const inserts = db.statements.filter((s) => s.startsWith("insert"));
    expect(inserts).toHaveLength(3);
  });
});
