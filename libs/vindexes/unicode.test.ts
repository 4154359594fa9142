import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { looseWeightString } from "./collation/weights.js";
import { createDefaultVindexRegistry } from "./default-registry.js";
import type { Destination } from "./destination.js";
import { NULL_VALUE, varbinaryValue, varcharValue } from "./values.js";
import { isSingleColumn, type SingleColumn } from "./vindex.js";

const registry = createDefaultVindexRegistry();

function single(type: string): SingleColumn {
  const vindex = registry.create(type, "utf8ch", {});
  if (!isSingleColumn(vindex)) throw new Error(`${type} is not functional`);
  return vindex;
}

function hexOf(destination: Destination): string {
  return destination.kind === "keyspaceId" ? Buffer.from(destination.id).toString("hex") : destination.kind;
}

// Vitess's unicodeloosemd5_test.go / unicode_test.go: input → weight string → MD5 and XXH64.
const VITESS_VECTORS: [input: string, weights: string, md5: string, xxhash: string][] = [
  ["Test", "1816164c17f31816", "0b5edbb401fd7524393690491d64f1f5", "42d21361087a4c07"],
  ["TEST", "1816164c17f31816", "0b5edbb401fd7524393690491d64f1f5", "42d21361087a4c07"],
  ["Te\u0301st", "1816164c17f31816", "0b5edbb401fd7524393690491d64f1f5", "42d21361087a4c07"],
  ["Tést", "1816164c17f31816", "0b5edbb401fd7524393690491d64f1f5", "42d21361087a4c07"],
  ["Bést", "1605164c17f31816", "c2b2332e4f73d00741026249706f2fb6", "926975b9ce2ec316"],
  ["Test ", "1816164c17f31816", "0b5edbb401fd7524393690491d64f1f5", "42d21361087a4c07"],
  [" Test", "01091816164c17f31816", "a2e3515c7e8df1ffd2ccfc11c6b19dd1", "4fcb8be34ec05775"],
  ["Test\t", "1816164c17f318160100", "82456dd87a9c7a02b1c2056b5abaa272", "20af87fc36e3fd51"],
  [
    "TéstLooong",
    "1816164c17f318161711177117711771174f1691",
    "9683e12b80430cd453f5dfdfba81c9a5",
    "d3ea873942b484a7",
  ],
  ["T", "1816", "ac0f9179f51db87fe8ecc0cf40cab97a", "f81c3be2d501fe18"],
];

describe("loose weight string", () => {
  it("matches Vitess's normalization vectors", () => {
    for (const [input, weights] of VITESS_VECTORS) {
      expect(looseWeightString(Buffer.from(input)).toString("hex"), input).toBe(weights);
    }
  });

  it("matches golang.org/x/text/collate on text in many scripts (testdata/loose-weights.json)", () => {
    const cases = JSON.parse(
      readFileSync(new URL("./testdata/loose-weights.json", import.meta.url), "utf8"),
    ) as {
      input: string;
      weights: string;
    }[];
    expect(cases.length).toBeGreaterThan(30);
    for (const { input, weights } of cases) {
      expect(looseWeightString(Buffer.from(input)).toString("hex"), input).toBe(weights);
    }
  });

  it("refuses invalid UTF-8", () => {
    expect(() => looseWeightString(Buffer.from([0x99, 0xeb, 0x9d, 0x18]))).toThrow("invalid UTF-8");
  });
});

describe("unicode_loose_md5 and unicode_loose_xxhash", () => {
  const md5 = single("unicode_loose_md5");
  const xxhash = single("unicode_loose_xxhash");

  it("map as Vitess does", () => {
    for (const [input, , wantMd5, wantXx] of VITESS_VECTORS) {
      expect(hexOf(md5.map([varbinaryValue(input)])[0]!), input).toBe(wantMd5);
      expect(hexOf(xxhash.map([varbinaryValue(input)])[0]!), input).toBe(wantXx);
    }
    expect(hexOf(xxhash.map([NULL_VALUE])[0]!)).toBe("99e9d85137db46ef");
    expect(md5.cost).toBe(1);
  });

  it("verify", () => {
    const id = Buffer.from("0b5edbb401fd7524393690491d64f1f5", "hex");
    expect(
      md5.verify([varcharValue("Test"), varcharValue("TEst"), varcharValue("different")], [id, id, id]),
    ).toEqual([true, true, false]);
  });

  it("fail with INVALID_ARGUMENT naming the vindex on invalid UTF-8", () => {
    expect(() => md5.map([varbinaryValue(Buffer.from([0xff, 0xfe]))])).toThrow(
      'unicode_loose_md5 vindex "utf8ch": cannot normalize string containing invalid UTF-8',
    );
  });
});
