import { describe, expect, it } from "vitest";
import { KeyError } from "./errors.js";
import {
  compareBytes,
  compareKeyspaceIds,
  isEmptyKeyspaceId,
  keyspaceIdEqual,
  keyspaceIdFromHex,
  keyspaceIdFromUint64,
  keyspaceIdToHex,
  normalizeKeyspaceId,
} from "./keyspace-id.js";

const id = keyspaceIdFromHex;

describe("keyspaceIdFromHex / keyspaceIdToHex", () => {
  it.each([
    ["", []],
    ["00", [0x00]],
    ["80", [0x80]],
    ["7fff", [0x7f, 0xff]],
    ["0123456789abcdef", [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]],
  ])("decodes %j", (hex, bytes) => {
    expect([...id(hex)]).toEqual(bytes);
    expect(keyspaceIdToHex(id(hex))).toBe(hex);
  });

  it("accepts upper case and prints lower case", () => {
    expect([...id("C0FF")]).toEqual([0xc0, 0xff]);
    expect(keyspaceIdToHex(id("C0FF"))).toBe("c0ff");
  });

  it("prints Buffers too", () => {
    expect(keyspaceIdToHex(Buffer.from([0x0a, 0xb0]))).toBe("0ab0");
  });

  it.each([
    ["8", "odd number"],
    ["123", "odd number"],
    ["zz", "non-hex"],
    ["0x80", "non-hex"],
    [" 80", "non-hex"],
    ["8g8", "non-hex"],
  ])("rejects %j with a KeyError naming the input", (hex, reason) => {
    const error = captureError(() => id(hex));
    expect(error).toBeInstanceOf(KeyError);
    expect(error.input).toBe(hex);
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toContain(reason);
    expect(error.message).toContain(hex);
  });
});

describe("keyspaceIdFromUint64", () => {
  it.each([
    [0n, "0000000000000000"],
    [1n, "0000000000000001"],
    [0x7fffffffffffffffn, "7fffffffffffffff"],
    [0x8000000000000000n, "8000000000000000"],
    [0xffffffffffffffffn, "ffffffffffffffff"],
  ])("encodes %s big-endian", (value, hex) => {
    expect(keyspaceIdToHex(keyspaceIdFromUint64(value))).toBe(hex);
  });

  it.each([-1n, 0x1_0000_0000_0000_0000n])("rejects %s", (value) => {
    expect(() => keyspaceIdFromUint64(value)).toThrow(KeyError);
  });
});

describe("normalizeKeyspaceId", () => {
  it.each([
    ["", ""],
    ["00", ""],
    ["000000", ""],
    ["11", "11"],
    ["112233", "112233"],
    ["110022003300", "1100220033"],
    ["1100000000000000", "11"],
    ["112233445566778899aa00", "112233445566778899aa"],
  ])("%j -> %j", (input, want) => {
    expect(keyspaceIdToHex(normalizeKeyspaceId(id(input)))).toBe(want);
  });
});

describe("compareKeyspaceIds (left-justified)", () => {
  it.each([
    ["", "", 0],
    ["", "00", 0],
    ["1122334455667788", "1122334455667788", 0],
    ["1122", "1122", 0],
    ["11223344", "1122334400000000", 0],
    ["1122334400000000", "11223344", 0],
    ["80", "8000", 0],
    ["80", "800000", 0],
    ["01", "02", -1],
    ["02", "01", 1],
    ["3000", "20", 1],
    ["7f", "80", -1],
    ["7fffffffffffffff", "80", -1],
    ["80", "8001", -1],
    ["ff", "ffff", -1],
    ["", "01", -1],
  ])("compare(%j, %j) = %d", (a, b, want) => {
    expect(compareKeyspaceIds(id(a), id(b))).toBe(want);
    expect(keyspaceIdEqual(id(a), id(b))).toBe(want === 0);
  });

  it("compareBytes does not normalize", () => {
    expect(compareBytes(id("80"), id("8000"))).toBe(-1);
    expect(compareBytes(id("8000"), id("80"))).toBe(1);
    expect(compareBytes(id("80"), id("80"))).toBe(0);
  });

  it("sorts ids of mixed length in key order", () => {
    const sorted = ["c0", "", "8000", "7fff", "80ff", "40"]
      .map(id)
      .sort(compareKeyspaceIds)
      .map(keyspaceIdToHex);
    expect(sorted).toEqual(["", "40", "7fff", "8000", "80ff", "c0"]);
  });
});

describe("isEmptyKeyspaceId", () => {
  it.each([
    ["", true],
    ["00", true],
    ["0000", true],
    ["112233", false],
    ["0001", false],
  ])("%j -> %s", (input, want) => {
    expect(isEmptyKeyspaceId(id(input))).toBe(want);
  });
});

function captureError(fn: () => unknown): KeyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeyError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected a KeyError");
}
