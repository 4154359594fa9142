import { describe, expect, it } from "vitest";
import { packRows, rowsAsStrings } from "../../../libs/mysql/query-result.js";
import type { QueryResult } from "../../../libs/proto/query.js";
import { parseNextValues, type RunInTransaction, SequenceCache } from "./sequences.js";

/** A sequence table in memory: the SQL the cache sends, answered as MySQL would. */
function fakeTable(nextId: bigint, cache: bigint) {
  const state = { nextId, cache, updates: [] as bigint[] };
  const result = (rows: (string | null)[][]): QueryResult => ({
    fields: [],
    rowsAffected: 0,
    insertId: "0",
    rows: packRows(rows.map((r) => r.map((v) => (v === null ? null : Buffer.from(v))))),
    info: "",
    sessionStateChanges: "",
    insertIdChanged: false,
  });
  const run: RunInTransaction = (fn) =>
    fn(async (sql) => {
      if (sql.includes("information_schema")) return result([["vitess_sequence"]]);
      if (sql.startsWith("select next_id")) return result([[String(state.nextId), String(state.cache)]]);
      const m = /set next_id = (\d+)/.exec(sql);
      if (m) {
        state.nextId = BigInt(m[1] as string);
        state.updates.push(state.nextId);
        return result([]);
      }
      throw new Error(`unexpected ${sql}`);
    });
  return { state, run };
}

const first = (r: QueryResult) => rowsAsStrings(r)[0]?.[0];

describe("sequences", () => {
  it("parses `select next N values from seq`", () => {
    expect(parseNextValues("select next 5 values from customer_seq")).toEqual({
      table: "customer_seq",
      count: 5,
    });
    expect(parseNextValues("select next value from `order_seq`")).toEqual({ table: "order_seq", count: 1 });
    expect(parseNextValues("select * from customer_seq")).toBeUndefined();
  });

  it("reserves cache-sized blocks, persisting next_id before handing values out", async () => {
    const { state, run } = fakeTable(1000n, 100n);
    const seq = new SequenceCache(run);
    expect(first(await seq.next("s", 1, true))).toBe("1000");
    expect(state.updates).toEqual([1100n]);
    expect(first(await seq.next("s", 98, true))).toBe("1001");
    expect(first(await seq.next("s", 3, true))).toBe("1099");
    expect(state.updates).toEqual([1100n, 1200n]);
    expect(first(await seq.next("s", 250, true))).toBe("1102");
    expect(state.updates).toEqual([1100n, 1200n, 1400n]);
  });

  it("never reuses a value after a reset (reparent or restart): it starts from the table's next_id", async () => {
    const { run } = fakeTable(1000n, 100n);
    const seq = new SequenceCache(run);
    await seq.next("s", 5, true);
    seq.reset();
    expect(first(await seq.next("s", 1, true))).toBe("1100");
  });

  it("hands out distinct values to concurrent callers", async () => {
    const { run } = fakeTable(1n, 3n);
    const seq = new SequenceCache(run);
    const values = await Promise.all(Array.from({ length: 50 }, () => seq.next("s", 2, true).then(first)));
    expect(new Set(values).size).toBe(50);
  });

  it("is served by the primary only", async () => {
    const { run } = fakeTable(1n, 3n);
    await expect(new SequenceCache(run).next("s", 1, false)).rejects.toThrow(/served by the primary/);
  });
});
