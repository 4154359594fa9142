import { describe, expect, it } from "vitest";
import { mariadbGtid } from "../replication/index.js";
import type { BinlogEvent, EventHeader } from "./events.js";
import { TransactionTracker } from "./transaction-tracker.js";

const header: EventHeader = { timestamp: 0, typeCode: 0, serverId: 1, eventSize: 0, logPos: 0, flags: 0 };
const gtid = (sequence: bigint, standalone = false): BinlogEvent => ({
  kind: "gtid",
  header,
  gtid: mariadbGtid(0, 1, sequence),
  standalone,
});
const query = (sql: string): BinlogEvent => ({
  kind: "query",
  header,
  database: "d",
  sql,
  threadId: 1,
  executionTime: 0,
  errorCode: 0,
});
const xid: BinlogEvent = { kind: "xid", header, xid: 1n };
const rotate: BinlogEvent = { kind: "rotate", header, nextFile: "f", position: 4 };

function boundaries(events: BinlogEvent[]): string[] {
  const tracker = new TransactionTracker();
  return events.map((event) => tracker.observe(event));
}

describe("TransactionTracker", () => {
  it("a transaction: GTID, BEGIN, rows, XID", () => {
    const rows: BinlogEvent = { kind: "annotateRows", header, sql: "insert" };
    expect(boundaries([rotate, gtid(1n), query("BEGIN"), rows, xid, rotate])).toEqual([
      "outside",
      "begin",
      "inside",
      "inside",
      "commit",
      "outside",
    ]);
  });

  it("a DDL after its GTID is a whole group", () => {
    expect(
      boundaries([
        gtid(1n, true),
        query("CREATE TABLE t (id int)"),
        gtid(2n),
        query("begin"),
        query("COMMIT"),
      ]),
    ).toEqual(["begin", "commit", "begin", "inside", "commit"]);
  });

  it("a MariaDB transaction whose first statement is a SAVEPOINT query ends at its XID", () => {
    const rows: BinlogEvent = { kind: "annotateRows", header, sql: "insert" };
    expect(boundaries([gtid(1n), query("SAVEPOINT `a`"), rows, xid])).toEqual([
      "begin",
      "inside",
      "inside",
      "commit",
    ]);
  });

  it("keeps the group's GTID after it commits", () => {
    const tracker = new TransactionTracker();
    tracker.observe(gtid(7n));
    tracker.observe(query("BEGIN"));
    expect(tracker.currentGtid).toMatchObject({ sequence: 7n });
    tracker.observe(xid);
    expect(tracker.inTransaction).toBe(false);
    expect(tracker.groupGtid).toMatchObject({ sequence: 7n });
  });

  it("XA: XA START ... XA_PREPARE, then XA COMMIT as its own group", () => {
    const prepare: BinlogEvent = {
      kind: "xaPrepare",
      header,
      onePhase: false,
      xid: { formatId: 1, gtrid: Buffer.from("a"), bqual: Buffer.alloc(0) },
    };
    expect(
      boundaries([
        gtid(1n),
        query("XA START 'a'"),
        query("XA END 'a'"),
        prepare,
        gtid(2n, true),
        query("XA COMMIT 'a'"),
      ]),
    ).toEqual(["begin", "inside", "inside", "commit", "begin", "commit"]);
  });
});
