import { describe, expect, it } from "vitest";
import type { RawRow } from "../../../libs/mysql/query-result.js";
import { Field, Type } from "../../../libs/proto/query.js";
import { emptyReport } from "../../../libs/vdiff/index.js";
import { keyComparator } from "./key-order.js";
import { batchCursor, mergedCursor } from "./row-cursor.js";
import { diffRows, type RowDiffOptions } from "./row-differ.js";

const FIELDS = [
  Field.fromPartial({ name: "id", type: Type.INT64, charset: 63 }),
  Field.fromPartial({ name: "email", type: Type.VARBINARY, charset: 63 }),
];

function rows(...values: [number, string | null][]): RawRow[] {
  return values.map(([id, email]) => [Buffer.from(String(id)), email === null ? null : Buffer.from(email)]);
}

/** Rows in batches of two, as VStreamRows sends them in packets. */
async function* batches(list: RawRow[]): AsyncGenerator<RawRow[]> {
  for (let i = 0; i < list.length; i += 2) yield list.slice(i, i + 2);
}

function options(overrides: Partial<RowDiffOptions> = {}): RowDiffOptions {
  return {
    columns: ["id", "email"],
    pkPositions: [0],
    compareKeys: keyComparator(FIELDS, [0]),
    maxRows: Number.POSITIVE_INFINITY,
    maxSampleRows: 10,
    onlyPks: false,
    truncateAt: 0,
    ...overrides,
  };
}

async function diff(source: RawRow[], target: RawRow[], overrides: Partial<RowDiffOptions> = {}) {
  const report = emptyReport("customer");
  const done = await diffRows(
    batchCursor(batches(source)),
    batchCursor(batches(target)),
    report,
    options(overrides),
  );
  return { report, done };
}

describe("diffRows: merging source and target rows by primary key", () => {
  it("counts equal rows as matching", async () => {
    const same = rows([1, "a"], [2, "b"], [10, "c"]);
    const { report, done } = await diff(same, same);
    expect(done).toBe(true);
    expect(report).toEqual({ ...emptyReport("customer"), ProcessedRows: 3, MatchingRows: 3 });
  });

  it("reports extra rows on either side and mismatches, with their keys in the samples", async () => {
    const { report } = await diff(
      rows([1, "a"], [2, "b"], [3, "c"], [9, "x"], [10, null]),
      rows([1, "a"], [3, "C"], [4, "d"], [10, null], [11, "e"]),
    );
    expect(report).toMatchObject({
      ProcessedRows: 7,
      MatchingRows: 2,
      MismatchedRows: 1,
      ExtraRowsSource: 2,
      ExtraRowsTarget: 2,
    });
    expect(report.ExtraRowsSourceSample).toEqual([
      { Row: { id: "2", email: "b" } },
      { Row: { id: "9", email: "x" } },
    ]);
    expect(report.ExtraRowsTargetSample).toEqual([
      { Row: { id: "4", email: "d" } },
      { Row: { id: "11", email: "e" } },
    ]);
    expect(report.MismatchedRowsSample).toEqual([
      { Source: { Row: { id: "3", email: "c" } }, Target: { Row: { id: "3", email: "C" } } },
    ]);
  });

  it("compares integer keys as numbers (9 before 10), not as text", async () => {
    const { report } = await diff(rows([9, "a"], [10, "b"]), rows([9, "a"], [10, "b"]));
    expect(report.MatchingRows).toBe(2);
  });

  it("tells NULL from an empty value", async () => {
    const { report } = await diff(rows([1, null]), rows([1, ""]));
    expect(report.MismatchedRowsSample).toEqual([
      { Source: { Row: { id: "1", email: "NULL" } }, Target: { Row: { id: "1", email: "" } } },
    ]);
  });

  it("keeps at most maxSampleRows samples but counts every row; only keys with onlyPks", async () => {
    const { report } = await diff(rows([1, "a"], [2, "b"], [3, "c"]), [], {
      maxSampleRows: 2,
      onlyPks: true,
    });
    expect(report.ExtraRowsSource).toBe(3);
    expect(report.ExtraRowsSourceSample).toEqual([{ Row: { id: "1" } }, { Row: { id: "2" } }]);
  });

  it("stops at the row limit and continues a resumed report's counts", async () => {
    const report = { ...emptyReport("customer"), ProcessedRows: 5, MatchingRows: 5 };
    const done = await diffRows(
      batchCursor(batches(rows([6, "a"], [7, "b"], [8, "c"]))),
      batchCursor(batches(rows([6, "a"], [7, "b"], [8, "c"]))),
      report,
      options({ maxRows: 7 }),
    );
    expect(done).toBe(false);
    expect(report).toMatchObject({ ProcessedRows: 7, MatchingRows: 7 });
  });

  it("truncates long non-key values in samples", async () => {
    const long = "x".repeat(60);
    const { report } = await diff(rows([1, long]), [], { truncateAt: 10 });
    expect(report.ExtraRowsSourceSample).toEqual([{ Row: { id: "1", email: "xxxxxxxxxx...[TRUNCATED]" } }]);
  });

  it("merges several source shards' rows into one key order", async () => {
    const compare = keyComparator(FIELDS, [0]);
    const merged = mergedCursor(
      [
        batchCursor(batches(rows([1, "a"], [4, "d"]))),
        batchCursor(batches(rows([2, "b"], [3, "c"], [10, "e"]))),
      ],
      compare,
    );
    const report = emptyReport("customer");
    await diffRows(
      merged,
      batchCursor(batches(rows([1, "a"], [2, "b"], [3, "c"], [4, "d"], [10, "e"]))),
      report,
      options(),
    );
    expect(report).toMatchObject({ ProcessedRows: 5, MatchingRows: 5 });
  });
});

describe("keyComparator: MySQL's key order", () => {
  const field = (type: Type, charset: number) => Field.fromPartial({ name: "k", type, charset });
  const order = (f: Field, a: string, b: string) =>
    keyComparator([f], [0])([Buffer.from(a)], [Buffer.from(b)]);

  it("orders integers by value, negative ones too", () => {
    expect(order(field(Type.INT64, 63), "9", "10")).toBeLessThan(0);
    expect(order(field(Type.INT64, 63), "-10", "-9")).toBeLessThan(0);
    expect(order(field(Type.INT64, 63), "-1", "0")).toBeLessThan(0);
    expect(order(field(Type.UINT64, 63), "18446744073709551615", "18446744073709551614")).toBeGreaterThan(0);
    expect(order(field(Type.INT32, 63), "42", "42")).toBe(0);
  });

  it("orders decimals by value", () => {
    expect(order(field(Type.DECIMAL, 63), "9.50", "10.1")).toBeLessThan(0);
    expect(order(field(Type.DECIMAL, 63), "-2.5", "-10")).toBeGreaterThan(0);
    expect(order(field(Type.DECIMAL, 63), "1.50", "1.5")).toBe(0);
  });

  it("orders _ci text case-insensitively and ignores trailing spaces; binary text by bytes", () => {
    expect(order(field(Type.VARCHAR, 45), "abc", "ABC ")).toBe(0);
    expect(order(field(Type.VARCHAR, 45), "B", "a")).toBeGreaterThan(0);
    expect(order(field(Type.VARCHAR, 46), "B", "a")).toBeLessThan(0);
    expect(order(field(Type.VARBINARY, 63), "B", "a")).toBeLessThan(0);
  });
});
