import { describe, expect, it } from "vitest";
import type { BinlogEvent } from "../../../libs/mysql/binlog/index.js";
import { encodePosition, type Position } from "../../../libs/mysql/replication/index.js";
import { TailRegistry } from "./binlog-tail.js";
import { EventSource, TICK } from "./event-source.js";
import { BIGINT, FakeBinlog, insertTransaction, tableMap, VARCHAR } from "./testing/binlog-events.js";

const T = tableMap(1, "t", [
  { name: "id", type: BIGINT },
  { name: "v", type: VARCHAR },
]);

function append(binlog: FakeBinlog, sequence: number): void {
  binlog.append(insertTransaction(sequence, T, [[String(sequence), `v${sequence}`]]));
}

/** Reads events until `count` transaction events (GTID, TABLE_MAP, ROWS, XID) came; labels them `seq:kind`. */
async function readTransactionEvents(
  source: EventSource,
  count: number,
  state = { sequence: 0 },
): Promise<string[]> {
  const labels: string[] = [];
  while (labels.length < count) {
    const item = await source.next();
    if (item === TICK) continue;
    const event: BinlogEvent = item;
    if (event.kind === "gtid" && event.gtid.flavor === "MariaDB")
      state.sequence = Number(event.gtid.sequence);
    if (["gtid", "tableMap", "rows", "xid"].includes(event.kind))
      labels.push(`${state.sequence}:${event.kind}`);
  }
  return labels;
}

function expected(from: number, to: number): string[] {
  const out: string[] = [];
  for (let s = from; s <= to; s++) out.push(`${s}:gtid`, `${s}:tableMap`, `${s}:rows`, `${s}:xid`);
  return out;
}

function positionAfter(binlog: FakeBinlog, count: number): Position {
  const partial = new FakeBinlog();
  for (const transaction of binlog.transactions.slice(0, count)) partial.append(transaction);
  return partial.position;
}

describe("EventSource and the shared binlog tail", () => {
  it("streams starting at 'current' share one binlog connection", async () => {
    const binlog = new FakeBinlog();
    append(binlog, 1);
    append(binlog, 2);
    const tails = new TailRegistry(binlog.open);
    const a = new EventSource({ tails, openStream: binlog.open }, { kind: "current" });
    expect(encodePosition(await a.open())).toBe("MariaDB/0-100-2");
    append(binlog, 3);
    expect(await readTransactionEvents(a, 4)).toEqual(expected(3, 3));

    const b = new EventSource({ tails, openStream: binlog.open }, { kind: "current" });
    expect(encodePosition(await b.open())).toBe("MariaDB/0-100-3");
    append(binlog, 4);
    expect(await readTransactionEvents(a, 4)).toEqual(expected(4, 4));
    expect(await readTransactionEvents(b, 4)).toEqual(expected(4, 4));
    expect(encodePosition(a.position)).toBe("MariaDB/0-100-4");
    expect(encodePosition(b.position)).toBe("MariaDB/0-100-4");
    expect(binlog.streams).toHaveLength(1);
    expect(tails.current?.subscriberCount).toBe(2);

    await a.close();
    expect(tails.current?.subscriberCount).toBe(1);
    await b.close();
    expect(tails.current).toBeUndefined();
    expect(binlog.streams[0]!.closed).toBe(true);
  });

  it("a stream from an old position reads alone, starts the tail once caught up; others join it there", async () => {
    const binlog = new FakeBinlog();
    for (let s = 1; s <= 3; s++) append(binlog, s);
    const tails = new TailRegistry(binlog.open);
    const a = new EventSource(
      { tails, openStream: binlog.open },
      { kind: "position", position: positionAfter(binlog, 1) },
    );
    await a.open();
    expect(a.onTail).toBe(false);
    expect(await readTransactionEvents(a, 8)).toEqual(expected(2, 3));
    // Nothing left: the server says so with a heartbeat.
    expect(((await a.next()) as BinlogEvent).kind).toBe("heartbeat");
    append(binlog, 4);
    expect(await readTransactionEvents(a, 4)).toEqual(expected(4, 4));
    expect(a.onTail).toBe(true);
    expect(binlog.streams).toHaveLength(2);
    expect(binlog.streams[0]!.closed).toBe(true);

    // A stream resuming exactly where the tail is joins it without a connection of its own.
    const b = new EventSource(
      { tails, openStream: binlog.open },
      { kind: "position", position: binlog.position },
    );
    await b.open();
    expect(b.onTail).toBe(true);
    append(binlog, 5);
    expect(await readTransactionEvents(a, 4)).toEqual(expected(5, 5));
    expect(await readTransactionEvents(b, 4)).toEqual(expected(5, 5));
    expect(binlog.streams).toHaveLength(2);
    await a.close();
    await b.close();
  });

  it("a slow stream is detached mid-transaction, resumes alone without loss or repeats, and rejoins", async () => {
    const binlog = new FakeBinlog();
    append(binlog, 1);
    const tails = new TailRegistry(binlog.open, { subscriberBufferBytes: 250 });
    const fast = new EventSource({ tails, openStream: binlog.open }, { kind: "current" });
    const slow = new EventSource({ tails, openStream: binlog.open }, { kind: "current" });
    await fast.open();
    await slow.open();
    for (let s = 2; s <= 6; s++) append(binlog, s);
    expect(await readTransactionEvents(fast, 20)).toEqual(expected(2, 6));
    // The slow stream's queue passed 250 bytes within transaction 2: it was let go after three events.
    expect(await readTransactionEvents(slow, 20)).toEqual(expected(2, 6));
    expect(encodePosition(slow.position)).toBe("MariaDB/0-100-6");
    expect(slow.switchCount).toBeGreaterThanOrEqual(1);
    // Caught up again at the tail's position: back on the tail after its next transaction boundary.
    append(binlog, 7);
    expect(await readTransactionEvents(fast, 4)).toEqual(expected(7, 7));
    expect(await readTransactionEvents(slow, 4)).toEqual(expected(7, 7));
    append(binlog, 8);
    expect(await readTransactionEvents(slow, 4)).toEqual(expected(8, 8));
    expect(slow.onTail).toBe(true);
    expect(slow.switchCount).toBe(2);
    await fast.close();
    await slow.close();
  });

  it("poke() interrupts a wait with TICK and keeps the event for the next call", async () => {
    const binlog = new FakeBinlog();
    const tails = new TailRegistry(binlog.open);
    for (const share of [true, false]) {
      const source = new EventSource(
        { tails, openStream: binlog.open, share },
        { kind: "position", position: binlog.position },
      );
      await source.open();
      // Drain the preamble and the idle heartbeat.
      for (let i = 0; i < 2; i++) await source.next();
      const waiting = source.next();
      source.poke();
      expect(await waiting).toBe(TICK);
      append(binlog, binlog.transactions.length + 1);
      const sequence = binlog.transactions.length;
      expect(await readTransactionEvents(source, 4)).toEqual(expected(sequence, sequence));
      await source.close();
    }
  });

  it("without sharing every stream has its own connection", async () => {
    const binlog = new FakeBinlog();
    append(binlog, 1);
    const tails = new TailRegistry(binlog.open);
    const sources = [0, 1].map(
      () => new EventSource({ tails, openStream: binlog.open, share: false }, { kind: "current" }),
    );
    for (const source of sources) await source.open();
    append(binlog, 2);
    for (const source of sources) expect(await readTransactionEvents(source, 4)).toEqual(expected(2, 2));
    expect(binlog.streams).toHaveLength(2);
    expect(tails.current).toBeUndefined();
    for (const source of sources) await source.close();
  });
});
