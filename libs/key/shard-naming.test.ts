// Every example of the "Shard naming" section of the Vitess user guide
// (seeds/000_16a871612f3be323.txt), one test each.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { evenShards } from "./even-shards.js";
import {
  isFullRange,
  keyRangeAdd,
  keyRangeContains,
  keyRangeContainsRange,
  keyRangeEqual,
  keyRangeString,
} from "./key-range.js";
import { type KeyspaceId, keyspaceIdFromHex, keyspaceIdFromUint64 } from "./keyspace-id.js";
import { parseShardName } from "./shard-name.js";

const id = keyspaceIdFromHex;

/** The one shard of `names` that holds the keyspace id; fails if it is not exactly one. */
function shardFor(keyspaceId: KeyspaceId, names: readonly string[]): string {
  const owners = names.filter((name) => keyRangeContains(parseShardName(name), keyspaceId));
  expect(owners).toHaveLength(1);
  return owners[0]!;
}

describe("Shard naming (seed guide)", () => {
  it("shard 0 is the unsharded keyspace; -80 and 80- split it in two", () => {
    const zero = parseShardName("0");
    expect(isFullRange(zero)).toBe(true);
    expect(keyRangeContainsRange(zero, parseShardName("-80"))).toBe(true);
    expect(keyRangeContainsRange(zero, parseShardName("80-"))).toBe(true);
    const joined = keyRangeAdd(parseShardName("-80"), parseShardName("80-"));
    expect(keyRangeEqual(joined, zero)).toBe(true);
  });

  it("they represent a range where the left number is included but the right is not", () => {
    const range = parseShardName("40-80");
    expect(keyRangeContains(range, id("40"))).toBe(true);
    expect(keyRangeContains(range, id("7fffffffffffffff"))).toBe(true);
    expect(keyRangeContains(range, id("80"))).toBe(false);
    expect(keyRangeContains(range, id("3fffffffffffffff"))).toBe(false);
  });

  it("their notation is hexadecimal", () => {
    expect([...parseShardName("-80").end]).toEqual([128]);
    expect([...parseShardName("80-c0").end]).toEqual([192]);
    expect([...parseShardName("80-C0").end]).toEqual([192]);
  });

  it("they are left justified", () => {
    expect(keyRangeEqual(parseShardName("80-"), parseShardName("8000-"))).toBe(true);
    expect(keyRangeContains(parseShardName("-80"), id("7f"))).toBe(true);
    expect(keyRangeContains(parseShardName("-80"), id("7fff"))).toBe(true);
    expect(keyRangeContains(parseShardName("-80"), id("8000"))).toBe(false);
  });

  it("a - prefix means anything less than the RHS value", () => {
    const range = parseShardName("-80");
    expect(keyRangeContains(range, id(""))).toBe(true);
    expect(keyRangeContains(range, id("00"))).toBe(true);
    expect(keyRangeContains(range, id("7fffffffffffffff"))).toBe(true);
    expect(keyRangeContains(range, id("80"))).toBe(false);
    expect(keyRangeContains(range, id("ff"))).toBe(false);
  });

  it("a - postfix means anything greater than or equal to the LHS value", () => {
    const range = parseShardName("80-");
    expect(keyRangeContains(range, id("80"))).toBe(true);
    expect(keyRangeContains(range, id("ff"))).toBe(true);
    expect(keyRangeContains(range, id("ffffffffffffffffffff"))).toBe(true);
    expect(keyRangeContains(range, id("7fffffffffffffff"))).toBe(false);
  });

  it("a plain - denotes the full keyrange", () => {
    const range = parseShardName("-");
    expect(isFullRange(range)).toBe(true);
    for (const keyspaceId of ["", "00", "7f", "80", "ff", "ffffffffffffffff"]) {
      expect(keyRangeContains(range, id(keyspaceId))).toBe(true);
    }
  });

  it("-80 == 00-80 == 0000-8000 == 000000-800000", () => {
    const names = ["-80", "00-80", "0000-8000", "000000-800000"];
    for (const a of names) {
      for (const b of names) {
        expect(keyRangeEqual(parseShardName(a), parseShardName(b))).toBe(true);
      }
    }
  });

  it("80- is not the same as 80-FF", () => {
    expect(keyRangeEqual(parseShardName("80-"), parseShardName("80-FF"))).toBe(false);
    expect(keyRangeString(parseShardName("80-FF"))).toBe("80-ff");
  });

  it("80-FF == 8000-FF00, therefore FFFF is out of the 80-FF range", () => {
    expect(keyRangeEqual(parseShardName("80-FF"), parseShardName("8000-FF00"))).toBe(true);
    expect(keyRangeContains(parseShardName("80-FF"), id("ffff"))).toBe(false);
    expect(keyRangeContains(parseShardName("8000-FF00"), id("ffff"))).toBe(false);
    expect(keyRangeContains(parseShardName("80-FF"), id("ff"))).toBe(false);
    expect(keyRangeContains(parseShardName("80-FF"), id("feff"))).toBe(true);
  });

  it("80- means anything greater than or equal to 0x80", () => {
    expect(keyRangeContains(parseShardName("80-"), id("ffff"))).toBe(true);
    expect(keyRangeContains(parseShardName("80-"), id("80"))).toBe(true);
    expect(keyRangeContains(parseShardName("80-"), id("7f"))).toBe(false);
  });

  it("an 8-byte hash below 0x8000000000000000 falls in -80, one with the highest bit set in 80-", () => {
    const shards = evenShards(2);
    expect(shards).toEqual(["-80", "80-"]);
    expect(shardFor(keyspaceIdFromUint64(0n), shards)).toBe("-80");
    expect(shardFor(keyspaceIdFromUint64(1n), shards)).toBe("-80");
    expect(shardFor(keyspaceIdFromUint64(0x7fffffffffffffffn), shards)).toBe("-80");
    expect(shardFor(keyspaceIdFromUint64(0x8000000000000000n), shards)).toBe("80-");
    expect(shardFor(keyspaceIdFromUint64(0x8000000000000001n), shards)).toBe("80-");
    expect(shardFor(keyspaceIdFromUint64(0xffffffffffffffffn), shards)).toBe("80-");
  });

  it("keyspace ids may have any length; the most significant bits are on the left", () => {
    const shards = ["-40", "40-80", "80-c0", "c0-"];
    expect(shardFor(id("3f"), shards)).toBe("-40");
    expect(shardFor(id("3fffffffffffffffffffffff"), shards)).toBe("-40");
    expect(shardFor(id("40"), shards)).toBe("40-80");
    expect(shardFor(id("4000000000000000000000000000000000"), shards)).toBe("40-80");
    expect(shardFor(id("80"), shards)).toBe("80-c0");
    expect(shardFor(id("c0ffee"), shards)).toBe("c0-");
  });

  it("a 16-byte md5 hash can be used as a keyspace id", () => {
    for (const value of ["1", "2", "alice", "bob", "customer-42"]) {
      const digest = createHash("md5").update(value).digest();
      expect(digest).toHaveLength(16);
      const expected = (digest[0]! & 0x80) === 0 ? "-80" : "80-";
      expect(shardFor(digest, ["-80", "80-"])).toBe(expected);
    }
  });

  it("a varbinary can be mapped as is to a keyspace id (binary vindex)", () => {
    const shards = ["-80", "80-"];
    expect(shardFor(new TextEncoder().encode("abc"), shards)).toBe("-80");
    expect(shardFor(new TextEncoder().encode("a somewhat longer binary value"), shards)).toBe("-80");
    expect(shardFor(Uint8Array.of(0x80, 0x01), shards)).toBe("80-");
    expect(shardFor(Uint8Array.of(0xff), shards)).toBe("80-");
    expect(shardFor(new Uint8Array(0), shards)).toBe("-80");
  });

  it("a keyspace id without its leftmost bit set goes to -80, all others to 80-", () => {
    for (let firstByte = 0; firstByte < 256; firstByte++) {
      const keyspaceId = Uint8Array.of(firstByte, 0x12, 0x34);
      expect(shardFor(keyspaceId, ["-80", "80-"])).toBe(firstByte < 0x80 ? "-80" : "80-");
    }
  });
});
