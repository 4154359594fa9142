import { describe, expect, it } from "vitest";
import { KeyError } from "./errors.js";
import { keyRangeString } from "./key-range.js";
import { keyspaceIdToHex } from "./keyspace-id.js";
import { isKeyRangeShardName, isValidShardName, parseShardName, UNSHARDED_SHARD_NAME } from "./shard-name.js";

describe("parseShardName", () => {
  it.each([
    ["0", "", ""],
    ["-", "", ""],
    ["-80", "", "80"],
    ["80-", "80", ""],
    ["40-80", "40", "80"],
    ["00-", "00", ""],
    ["80-C0", "80", "c0"],
    ["-A0", "", "a0"],
    ["0000-8000", "0000", "8000"],
    ["4000000000000000-8000000000000000", "4000000000000000", "8000000000000000"],
  ])("%j -> start %j, end %j", (name, start, end) => {
    const keyRange = parseShardName(name);
    expect(keyspaceIdToHex(keyRange.start)).toBe(start);
    expect(keyspaceIdToHex(keyRange.end)).toBe(end);
  });

  it("the unsharded shard name is 0 and covers the full range", () => {
    expect(UNSHARDED_SHARD_NAME).toBe("0");
    expect(keyRangeString(parseShardName(UNSHARDED_SHARD_NAME))).toBe("-");
  });

  it.each(["-", "-80", "80-", "40-80", "80-c0", "8000-c000"])(
    "round-trips %j through keyRangeString",
    (name) => {
      expect(keyRangeString(parseShardName(name))).toBe(name);
    },
  );

  it.each([
    ["", 'expected "0" or a key range'],
    ["80", 'expected "0" or a key range'],
    ["11", 'expected "0" or a key range'],
    ["00", 'expected "0" or a key range'],
    ["select", 'expected "0" or a key range'],
    ["+", 'expected "0" or a key range'],
    ["-40-80", "only contain one '-'"],
    ["--", "only contain one '-'"],
    ["---", "only contain one '-'"],
    ["-1", "odd number of hex digits"],
    ["-111", "odd number of hex digits"],
    ["1-2", "odd number of hex digits"],
    ["8-", "odd number of hex digits"],
    ["800-", "odd number of hex digits"],
    ["x-80", "non-hex character"],
    ["-80x", "non-hex character"],
    ["8g-", "non-hex character"],
    ["-zz", "non-hex character"],
    [" -80", "non-hex character"],
    ["80 -", "non-hex character"],
    ["0x80-", "non-hex character"],
    ["80-80", "out of order keys"],
    ["80-40", "out of order keys"],
    ["c0-80", "out of order keys"],
    ["80-8000", "out of order keys"],
    ["8000-80", "out of order keys"],
    ["-00", "out of order keys"],
    ["00-0000", "out of order keys"],
  ])("rejects %j (%s) with a KeyError naming it", (name, reason) => {
    let caught: unknown;
    try {
      parseShardName(name);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KeyError);
    const error = caught as KeyError;
    expect(error.input).toBe(name);
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.name).toBe("KeyError");
    expect(error.message).toContain(reason);
    expect(error.message).toContain(`"${name}"`);
  });
});

describe("isValidShardName", () => {
  it.each([
    ["-", true],
    ["00-", true],
    ["-80", true],
    ["40-80", true],
    ["80-", true],
    ["a0-", true],
    ["-A0", true],
    ["0", true],
    ["", false],
    ["11", false],
    ["-1", false],
    ["-111", false],
    ["1-2", false],
    ["x-80", false],
    ["-80x", false],
    ["select", false],
    ["+", false],
    ["80-40", false],
  ])("%j -> %s", (name, want) => {
    expect(isValidShardName(name)).toBe(want);
  });
});

describe("isKeyRangeShardName", () => {
  it.each([
    ["0", false],
    ["-80", true],
    ["80-", true],
    ["40-80", true],
    ["-", true],
  ])("%j -> %s", (name, want) => {
    expect(isKeyRangeShardName(name)).toBe(want);
  });
});
