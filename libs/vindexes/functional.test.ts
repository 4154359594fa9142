import { describe, expect, it } from "vitest";
import { Type } from "../proto/query.js";
import { Code, isVtError } from "../vterrors/index.js";
import { createDefaultVindexRegistry } from "./default-registry.js";
import type { Destination } from "./destination.js";
import {
  float64Value,
  int64Value,
  NULL_VALUE,
  type SqlValue,
  uint64Value,
  varbinaryValue,
  varcharValue,
} from "./values.js";
import { isHashing, isReversible, isSingleColumn, type SingleColumn, type Vindex } from "./vindex.js";

const registry = createDefaultVindexRegistry();

function single(type: string, name = type): SingleColumn & Vindex {
  const vindex = registry.create(type, name, {});
  if (!isSingleColumn(vindex)) throw new Error(`${type} is not functional`);
  return vindex;
}

function hexes(destinations: Destination[]): string[] {
  return destinations.map((d) => (d.kind === "keyspaceId" ? Buffer.from(d.id).toString("hex") : d.kind));
}

const hex = (h: string) => Buffer.from(h, "hex");

describe("hash (Vitess's hash_test.go vectors)", () => {
  const hash = single("hash", "nn");

  it("maps integers as Vitess does, NULL to none", () => {
    const values: SqlValue[] = [
      int64Value(1),
      int64Value(2),
      int64Value(3),
      NULL_VALUE,
      int64Value(4),
      int64Value(5),
      int64Value(6),
      int64Value(0),
      int64Value(-1),
      uint64Value(18446744073709551615n),
      int64Value(9223372036854775807n),
      uint64Value(9223372036854775807n),
      int64Value(-9223372036854775808n),
    ];
    expect(hexes(hash.map(values))).toEqual([
      "166b40b44aba4bd6",
      "06e7ea22ce92708f",
      "4eb190c9a2fa169c",
      "none",
      "d2fd8867d50d2dfe",
      "70bb023c810ca87a",
      "f098480ac4c4be71",
      "8ca64de9c1b123a7",
      "355550b2150e2451",
      "355550b2150e2451",
      "f77d48aadda1f1bb",
      "f77d48aadda1f1bb",
      "95f8a5e5dd31d900",
    ]);
  });

  it("has Vitess's properties", () => {
    expect([hash.name, hash.type, hash.cost, hash.isUnique, hash.needsVCursor]).toEqual([
      "nn",
      "hash",
      1,
      true,
      false,
    ]);
  });

  it("accepts decimal text, refuses what does not parse", () => {
    expect(
      hexes(hash.map([varcharValue("1"), varcharValue("abc"), float64Value(1.5), varcharValue("-1")])),
    ).toEqual(["166b40b44aba4bd6", "none", "none", "none"]);
  });

  it("verifies, and names the vindex and value it cannot parse", () => {
    expect(
      hash.verify([int64Value(1), int64Value(2)], [hex("166b40b44aba4bd6"), hex("166b40b44aba4bd6")]),
    ).toEqual([true, false]);
    expect(() => hash.verify([varbinaryValue("aa")], [new Uint8Array()])).toThrow(
      `hash vindex "nn": could not parse value: 'aa'`,
    );
  });

  it("hashes for inserts, with INVALID_ARGUMENT for NULL and bad values", () => {
    if (!isHashing(hash)) throw new Error("hash should hash");
    expect(Buffer.from(hash.hash(int64Value(1))).toString("hex")).toBe("166b40b44aba4bd6");
    for (const bad of [NULL_VALUE, varcharValue("abc")]) {
      try {
        hash.hash(bad);
        expect.unreachable();
      } catch (err) {
        expect(isVtError(err, Code.INVALID_ARGUMENT)).toBe(true);
        expect((err as Error).message).toMatch(/hash vindex "nn": could not parse value: (NULL|'abc')/);
      }
    }
  });

  it("reverse maps keyspace ids to UINT64", () => {
    if (!isReversible(hash)) throw new Error("hash should be reversible");
    const back = hash.reverseMap(
      ["166b40b44aba4bd6", "355550b2150e2451", "95f8a5e5dd31d900", "f77d48aadda1f1bb"].map(hex),
    );
    expect(back.map((v) => [v.type, v.value.toString()])).toEqual([
      [Type.UINT64, "1"],
      [Type.UINT64, "18446744073709551615"],
      [Type.UINT64, "9223372036854775808"],
      [Type.UINT64, "9223372036854775807"],
    ]);
    expect(() => hash.reverseMap([hex("166b40b44aba4bd6166b40b44aba4bd6")])).toThrow(
      "invalid keyspace id: 166b40b44aba4bd6166b40b44aba4bd6",
    );
  });
});

describe("numeric", () => {
  const numeric = single("numeric", "num");

  it("maps to the 8-byte big-endian value (Vitess's numeric_test.go)", () => {
    const got = numeric.map([int64Value(1), int64Value(2), float64Value(1.1), int64Value(8), NULL_VALUE]);
    expect(hexes(got)).toEqual(["0000000000000001", "0000000000000002", "none", "0000000000000008", "none"]);
    expect(numeric.cost).toBe(0);
  });

  it("reverse maps and refuses ids that are not 8 bytes", () => {
    if (!isReversible(numeric)) throw new Error("numeric should be reversible");
    expect(numeric.reverseMap([hex("0000000000000001")])[0]!.value.toString()).toBe("1");
    expect(() => numeric.reverseMap([Buffer.from("aa")])).toThrow(
      "Numeric.ReverseMap: length of keyspaceId is not 8: 2",
    );
  });
});

describe("reverse_bits (Vitess's reverse_bits_test.go vectors)", () => {
  const reverseBits = single("reverse_bits", "rr");

  it("maps and reverses", () => {
    const values = [1, 2, 3, 4, 5, 6].map((n) => int64Value(n));
    expect(hexes(reverseBits.map([...values.slice(0, 3), NULL_VALUE, ...values.slice(3)]))).toEqual([
      "8000000000000000",
      "4000000000000000",
      "c000000000000000",
      "none",
      "2000000000000000",
      "a000000000000000",
      "6000000000000000",
    ]);
    if (!isReversible(reverseBits)) throw new Error("reverse_bits should be reversible");
    expect(reverseBits.reverseMap([hex("8000000000000000")])[0]!.value.toString()).toBe("1");
    expect(
      reverseBits.verify([int64Value(1), int64Value(2)], [hex("8000000000000000"), hex("8000000000000000")]),
    ).toEqual([true, false]);
    expect(() => reverseBits.verify([varbinaryValue("aa")], [new Uint8Array()])).toThrow(
      "could not parse value: 'aa'",
    );
  });
});

describe("binary and binary_md5", () => {
  it("binary is the identity (NULL gives the empty id, as Vitess)", () => {
    const binary = single("binary", "binary_varchar");
    expect(
      binary
        .map([varcharValue("test1"), NULL_VALUE])
        .map((d) => d.kind === "keyspaceId" && Buffer.from(d.id).toString()),
    ).toEqual(["test1", ""]);
    if (!isReversible(binary)) throw new Error("binary should be reversible");
    expect(binary.reverseMap([hex("0000000000000001")])[0]).toEqual({
      type: Type.VARBINARY,
      value: hex("0000000000000001"),
    });
    expect(() => binary.reverseMap([new Uint8Array()])).toThrow("Binary.ReverseMap: keyspaceId is nil");
  });

  it("binary_md5 is MD5 of the bytes (Vitess's binarymd5_test.go vectors)", () => {
    const md5 = single("binary_md5", "binary_md5_varchar");
    expect(hexes(md5.map([varbinaryValue("Test"), varbinaryValue("TEST")]))).toEqual([
      "0cbc6611f5540bd0809a388dc95a615b",
      "033bd94b1168d7e4f0d644c3c95e35bf",
    ]);
    const ids = [hex("0cbc6611f5540bd0809a388dc95a615b"), hex("0cbc6611f5540bd0809a388dc95a615b")];
    expect(md5.verify([varbinaryValue("Test"), varbinaryValue("TEst")], ids)).toEqual([true, false]);
  });
});

describe("xxhash (Vitess's xxhash_test.go vectors)", () => {
  const xxhash = single("xxhash", "xxhash_name");

  it("hashes the value's bytes", () => {
    const got = xxhash.map([
      varcharValue("test1"),
      varcharValue("test2"),
      varcharValue("testaverylongvaluetomakesurethisworks"),
      int64Value(1),
      NULL_VALUE,
      int64Value(-1),
      uint64Value(18446744073709551615n),
      int64Value(9223372036854775807n),
      uint64Value(9223372036854775807n),
      int64Value(-9223372036854775808n),
    ]);
    expect(hexes(got)).toEqual([
      "d01ab7e4d6978f0b",
      "87eb11714c0a0e89",
      "81d8c38e0d850e6a",
      "d46405367612b4b7",
      "99e9d85137db46ef",
      "d8e2a6a7c8c7623d",
      "477cfa8d6d8f1f8d",
      "b37eb01f7bffafd8",
      "b37eb01f7bffafd8",
      "102c27ddb26a609e",
    ]);
  });

  it("decodes hex literals before hashing", () => {
    const hexVal: SqlValue = { type: Type.HEXVAL, value: Buffer.from("x'9efa'") };
    const hexNum: SqlValue = { type: Type.HEXNUM, value: Buffer.from("0x9efa") };
    const [a, b, c] = xxhash.map([hexVal, hexNum, varbinaryValue(hex("9efa"))]);
    expect(a).toEqual(c);
    expect(b).toEqual(c);
  });
});

describe("null", () => {
  it("maps everything, NULL included, to 0x00", () => {
    const vindex = single("null");
    expect(hexes(vindex.map([int64Value(1), NULL_VALUE, varcharValue("x")]))).toEqual(["00", "00", "00"]);
    expect(vindex.cost).toBe(100);
  });
});

describe("numeric_static_map", () => {
  it("maps listed values, falls back to the value or to fallback_type", () => {
    const plain = registry.create("numeric_static_map", "nsm", { json: '{"1": 2, "3": 4}' });
    if (!isSingleColumn(plain)) throw new Error("numeric_static_map should be functional");
    expect(hexes(plain.map([int64Value(1), int64Value(5)]))).toEqual([
      "0000000000000002",
      "0000000000000005",
    ]);
    const withHash = registry.create("numeric_static_map", "nsm", {
      json: '{"1": 2}',
      fallback_type: "hash",
    });
    if (!isSingleColumn(withHash)) throw new Error("numeric_static_map should be functional");
    expect(hexes(withHash.map([int64Value(1), int64Value(1), int64Value(2)]))[2]).toBe("06e7ea22ce92708f");
  });

  it("needs json or json_path", () => {
    expect(() => registry.create("numeric_static_map", "nsm", {})).toThrow(
      "vindex nsm (numeric_static_map): could not find either `json_path` or `json` params in vschema",
    );
  });
});
