import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { zeroKeyDes } from "./des.js";

function des(block: Buffer): Buffer {
  const out = new Uint8Array(8);
  zeroKeyDes(block.readUInt32BE(0), block.readUInt32BE(4), out);
  return Buffer.from(out);
}

describe("zeroKeyDes", () => {
  it("encrypts 1 as Vitess's hash vindex does", () => {
    expect(des(Buffer.from("0000000000000001", "hex")).toString("hex")).toBe("166b40b44aba4bd6");
  });

  it("is its own inverse (the all-zero key is a weak key)", () => {
    for (let i = 0; i < 200; i++) {
      const block = crypto.randomBytes(8);
      expect(des(des(block))).toEqual(block);
    }
  });

  it("matches OpenSSL's des-ede3-ecb with an all-zero key", () => {
    if (!crypto.getCiphers().includes("des-ede3-ecb")) return;
    const cipher = crypto.createCipheriv("des-ede3-ecb", Buffer.alloc(24), null);
    cipher.setAutoPadding(false);
    for (let i = 0; i < 2000; i++) {
      const block = crypto.randomBytes(8);
      expect(des(block)).toEqual(cipher.update(block));
    }
  });
});
