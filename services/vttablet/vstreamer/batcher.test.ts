import { describe, expect, it } from "vitest";
import { type VEvent, VEventType } from "../../../libs/proto/binlogdata.js";
import { EventBatcher, eventRowBytes } from "./batcher.js";

function vevent(type: VEventType, rowBytes = 0): VEvent {
  const values = Buffer.alloc(rowBytes, 0x61);
  return {
    type,
    timestamp: 0,
    gtid: "",
    statement: "",
    rowEvent:
      type === VEventType.ROW
        ? {
            tableName: "t",
            rowChanges: [
              {
                before: undefined,
                after: { lengths: [rowBytes], values },
                dataColumns: undefined,
                jsonPartialValues: undefined,
              },
            ],
            keyspace: "ks",
            shard: "0",
            flags: 0,
            isInternalTable: false,
          }
        : undefined,
    fieldEvent: undefined,
    vgtid: undefined,
    journal: undefined,
    dml: "",
    currentTime: "0",
    lastPKEvent: undefined,
    keyspace: "ks",
    shard: "0",
    throttled: false,
    throttledReason: "",
  };
}

function feed(batcher: EventBatcher, events: VEvent[]): VEventType[][] {
  const packets: VEventType[][] = [];
  for (const event of events) {
    const packet = batcher.add(event);
    if (packet !== undefined) packets.push(packet.map((e) => e.type));
  }
  return packets;
}

const { BEGIN, FIELD, ROW, GTID, COMMIT, DDL, OTHER, HEARTBEAT } = VEventType;

describe("EventBatcher", () => {
  it("sends a small transaction as one packet, closed by COMMIT", () => {
    const batcher = new EventBatcher(1000);
    const events = [BEGIN, FIELD, ROW, ROW, GTID, COMMIT].map((type) => vevent(type, type === ROW ? 10 : 0));
    expect(feed(batcher, events)).toEqual([[BEGIN, FIELD, ROW, ROW, GTID, COMMIT]]);
    expect(batcher.pending).toBe(0);
  });

  it("DDL, OTHER and HEARTBEAT go out at once, with what waits before them", () => {
    const batcher = new EventBatcher(1000);
    expect(
      feed(batcher, [vevent(GTID), vevent(DDL), vevent(GTID), vevent(OTHER), vevent(HEARTBEAT)]),
    ).toEqual([[GTID, DDL], [GTID, OTHER], [HEARTBEAT]]);
  });

  it("chunks a large transaction by row bytes: no packet above the limit unless one row is", () => {
    const batcher = new EventBatcher(1000);
    const events = [vevent(BEGIN), vevent(FIELD)];
    for (let i = 0; i < 25; i++) events.push(vevent(ROW, 300));
    events.push(vevent(ROW, 5000), vevent(ROW, 10), vevent(GTID), vevent(COMMIT));
    const packets: VEvent[][] = [];
    for (const event of events) {
      const packet = batcher.add(event);
      if (packet !== undefined) packets.push(packet);
    }
    expect(packets.flat().map((e) => e.type)).toEqual(events.map((e) => e.type));
    const sizes = packets.map((packet) => packet.reduce((sum, e) => sum + eventRowBytes(e), 0));
    expect(sizes.slice(0, 8)).toEqual([900, 900, 900, 900, 900, 900, 900, 900]);
    expect(sizes).toContain(5000);
    for (const size of sizes) expect(size === 5000 || size <= 1000).toBe(true);
    expect(packets[0]!.map((e) => e.type).slice(0, 2)).toEqual([BEGIN, FIELD]);
    expect(packets.at(-1)!.map((e) => e.type)).toEqual([ROW, GTID, COMMIT]);
  });
});
