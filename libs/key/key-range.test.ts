import { describe, expect, it } from "vitest";
import {
  fullKeyRange,
  isFullRange,
  isPartialRange,
  type KeyRange,
  keyRangeAdd,
  keyRangeCompare,
  keyRangeContains,
  keyRangeContainsRange,
  keyRangeEndCompare,
  keyRangeEqual,
  keyRangeStartCompare,
  keyRangeStartsBefore,
  keyRangeString,
  keyRangesContiguous,
  keyRangesIntersect,
  keyRangesOverlap,
  normalizeKeyRange,
} from "./key-range.js";
import { keyspaceIdFromHex } from "./keyspace-id.js";
import { parseShardName } from "./shard-name.js";

const kr = parseShardName;
const id = keyspaceIdFromHex;
const str = (keyRange: KeyRange | undefined): string | undefined =>
  keyRange === undefined ? undefined : keyRangeString(keyRange);

describe("isFullRange", () => {
  it.each([
    ["-", true],
    ["0", true],
    ["00-", true],
    ["-80", false],
    ["80-", false],
    ["40-80", false],
  ])("%j -> %s", (name, want) => {
    expect(isFullRange(kr(name))).toBe(want);
    expect(isPartialRange(kr(name))).toBe(!want);
  });

  it("treats an unset key range as full, as Vitess treats a nil one", () => {
    expect(isFullRange(undefined)).toBe(true);
    expect(isFullRange(fullKeyRange())).toBe(true);
    expect(isPartialRange(undefined)).toBe(false);
  });
});

describe("keyRangeString", () => {
  it.each([
    ["-80", "-80"],
    ["80-", "80-"],
    ["40-80", "40-80"],
    ["-", "-"],
    ["0", "-"],
    ["80-C0", "80-c0"],
    ["-A0", "-a0"],
    ["0000-8000", "0000-8000"],
    ["8000000000000000-c000000000000000", "8000000000000000-c000000000000000"],
  ])("%j prints as %j", (name, want) => {
    expect(keyRangeString(kr(name))).toBe(want);
  });

  it("prints the full range for undefined", () => {
    expect(keyRangeString(undefined)).toBe("-");
  });

  it("prints ranges built from raw bytes, e.g. a protobuf message", () => {
    expect(keyRangeString({ start: Buffer.from([0x40]), end: Buffer.from([0x80]) })).toBe("40-80");
  });
});

describe("normalizeKeyRange", () => {
  it.each([
    ["0000-8000", "-80"],
    ["000000-800000", "-80"],
    ["8000-", "80-"],
    ["4000-8000", "40-80"],
    ["00-", "-"],
    ["-80", "-80"],
  ])("%j -> %j", (name, want) => {
    expect(keyRangeString(normalizeKeyRange(kr(name)))).toBe(want);
  });

  it("does not share memory with its input", () => {
    const input = kr("40-80");
    const output = normalizeKeyRange(input);
    (output.start as Uint8Array)[0] = 0x41;
    expect(keyRangeString(input)).toBe("40-80");
  });

  it("normalizes undefined to an explicit full range", () => {
    expect(keyRangeString(normalizeKeyRange(undefined))).toBe("-");
  });
});

describe("keyRangeContains", () => {
  it.each([
    ["-", "", true],
    ["-", "ff", true],
    ["0", "123456", true],
    ["-80", "", true],
    ["-80", "00", true],
    ["-80", "7f", true],
    ["-80", "7fffffffffffffff", true],
    ["-80", "80", false],
    ["-80", "8000000000000000", false],
    ["80-", "80", true],
    ["80-", "8000", true],
    ["80-", "ffffffffffffffff", true],
    ["80-", "7fffffffffffffff", false],
    ["80-", "", false],
    ["40-80", "40", true],
    ["40-80", "4000000000000000", true],
    ["40-80", "7fff", true],
    ["40-80", "3fff", false],
    ["40-80", "80", false],
    ["4000-8000", "40", true],
    ["4000-8000", "80", false],
    ["40-80", "8000", false],
  ])("%j contains %j: %s", (name, keyspaceId, want) => {
    expect(keyRangeContains(kr(name), id(keyspaceId))).toBe(want);
  });

  it("contains everything when the range is undefined", () => {
    expect(keyRangeContains(undefined, id("ff"))).toBe(true);
  });
});

describe("keyRangeEqual and comparisons", () => {
  it.each([
    ["-", "-", true],
    ["-", "0", true],
    ["-", "00-", true],
    ["10-30", "10-30", true],
    ["-80", "-80", true],
    ["-80", "-8000", true],
    ["-80", "-800000", true],
    ["-80", "-80000000", true],
    ["-8000", "-8000000000000000", true],
    ["80-", "80-", true],
    ["80-", "8000-", true],
    ["80-", "8000000000000000-", true],
    ["-80", "00-80", true],
    ["-80", "0000-8000", true],
    ["-", "-80", false],
    ["-80", "80-", false],
    ["-80", "-40", false],
    ["40-", "10-", false],
    ["10-30", "10-40", false],
    ["80-", "80-ff", false],
  ])("%j == %j: %s", (a, b, want) => {
    expect(keyRangeEqual(kr(a), kr(b))).toBe(want);
    expect(keyRangeEqual(kr(b), kr(a))).toBe(want);
  });

  it("treats undefined as the full range", () => {
    expect(keyRangeEqual(undefined, undefined)).toBe(true);
    expect(keyRangeEqual(undefined, kr("-"))).toBe(true);
    expect(keyRangeEqual(undefined, kr("-80"))).toBe(false);
  });

  it.each([
    // a, b, startCompare, endCompare, compare
    ["-", "-", 0, 0, 0],
    ["-80", "-8000", 0, 0, 0],
    ["-40", "-80", 0, -1, -1],
    ["-80", "-40", 0, 1, 1],
    ["40-", "10-", 1, 0, 1],
    ["-", "40-80", -1, 1, -1],
    ["40-80", "-", 1, -1, 1],
    ["10-30", "10-", 0, -1, -1],
    ["10-", "10-30", 0, 1, 1],
    ["10-30", "20-30", -1, 0, -1],
    ["80-c0", "40-80", 1, 1, 1],
  ])("compare(%j, %j): start %d, end %d, overall %d", (a, b, start, end, overall) => {
    expect(keyRangeStartCompare(kr(a), kr(b))).toBe(start);
    expect(keyRangeEndCompare(kr(a), kr(b))).toBe(end);
    expect(keyRangeCompare(kr(a), kr(b))).toBe(overall);
    expect(keyRangeStartsBefore(kr(a), kr(b))).toBe(start < 0);
  });

  it("sorts shards in key order", () => {
    const shards = ["c0-", "80-c0", "-40", "40-80"].map(kr).sort(keyRangeCompare).map(keyRangeString);
    expect(shards).toEqual(["-40", "40-80", "80-c0", "c0-"]);
  });

  it("sorts overlapping shards of a reshard by start then end", () => {
    const shards = ["80-", "-80", "c0-", "-", "80-c0", "-40", "40-80"].map(kr).sort(keyRangeCompare);
    expect(shards.map(keyRangeString)).toEqual(["-40", "-80", "-", "40-80", "80-c0", "80-", "c0-"]);
  });
});

describe("keyRangesIntersect / keyRangesOverlap", () => {
  it.each([
    ["-80", "80-", false, undefined],
    ["-80", "-80", true, "-80"],
    ["-80", "40-c0", true, "40-80"],
    ["40-c0", "-80", true, "40-80"],
    ["40-80", "80-c0", false, undefined],
    ["80-c0", "40-80", false, undefined],
    ["40-80", "8000-c0", false, undefined],
    ["40-80", "7fff-c0", true, "7fff-80"],
    ["-", "40-80", true, "40-80"],
    ["40-80", "-", true, "40-80"],
    ["80-", "c0-", true, "c0-"],
    ["-40", "-80", true, "-40"],
    ["10-20", "30-40", false, undefined],
    ["-", "-", true, "-"],
  ])("%j and %j: intersect %s, overlap %j", (a, b, intersect, overlap) => {
    expect(keyRangesIntersect(kr(a), kr(b))).toBe(intersect);
    expect(str(keyRangesOverlap(kr(a), kr(b)))).toBe(overlap);
  });

  it("treats undefined as the full range", () => {
    expect(keyRangesIntersect(undefined, kr("40-80"))).toBe(true);
    expect(str(keyRangesOverlap(undefined, kr("40-80")))).toBe("40-80");
    expect(str(keyRangesOverlap(kr("40-80"), undefined))).toBe("40-80");
    expect(str(keyRangesOverlap(undefined, undefined))).toBe("-");
  });
});

describe("keyRangeContainsRange", () => {
  it.each([
    ["-", "-", true],
    ["-", "-80", true],
    ["-", "40-80", true],
    ["-80", "-", false],
    ["-80", "-40", true],
    ["-80", "-80", true],
    ["-80", "40-80", true],
    ["-80", "40-c0", false],
    ["-80", "80-", false],
    ["80-", "c0-", true],
    ["80-", "80-c0", true],
    ["80-", "40-c0", false],
    ["40-80", "40-", false],
    ["40-80", "4000-6000", true],
    ["80-c0", "8000-c000", true],
    ["80-c0", "8000-c001", false],
    ["40-80", "-80", false],
  ])("%j contains %j: %s", (outer, inner, want) => {
    expect(keyRangeContainsRange(kr(outer), kr(inner))).toBe(want);
  });

  it("treats undefined as the full range", () => {
    expect(keyRangeContainsRange(undefined, kr("40-80"))).toBe(true);
    expect(keyRangeContainsRange(kr("40-80"), undefined)).toBe(false);
    expect(keyRangeContainsRange(kr("-"), undefined)).toBe(true);
  });
});

describe("keyRangesContiguous / keyRangeAdd", () => {
  it.each([
    ["-40", "40-80", true],
    ["40-80", "-40", false],
    ["-", "-40", false],
    ["40-80", "c0-", false],
    ["40-80", "80-c0", true],
    ["40-80", "8000000000000000-c000000000000000", true],
    ["4000000000000000-8000000000000000", "80-c0", true],
    ["80-", "-40", false],
  ])("contiguous(%j, %j) = %s", (a, b, want) => {
    expect(keyRangesContiguous(kr(a), kr(b))).toBe(want);
  });

  it.each([
    ["80-", "-40", undefined],
    ["-40", "80-", undefined],
    ["-80", "80-", "-"],
    ["80-", "-80", "-"],
    ["-40", "40-80", "-80"],
    ["40-80", "-40", "-80"],
    ["40-80", "80-c0", "40-c0"],
    ["80-c0", "40-80", "40-c0"],
  ])("add(%j, %j) = %j", (a, b, want) => {
    expect(str(keyRangeAdd(kr(a), kr(b)))).toBe(want);
  });

  it("cannot add an undefined range", () => {
    expect(keyRangeAdd(undefined, kr("-80"))).toBeUndefined();
    expect(keyRangeAdd(kr("-80"), undefined)).toBeUndefined();
  });
});
