import { describe, expect, it } from "vitest";
import { jsonBinaryToText } from "./json-binary.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A MySQL binary JSON encoder (json_binary.cc's serialize) for test input: small or large containers. */
function encode(value: Json, large = false): Buffer {
  const [type, data] = encodeValue(value, large);
  return Buffer.concat([Buffer.from([type]), data]);
}

function varLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return Buffer.from(bytes);
}

function encodeValue(value: Json, large: boolean): [number, Buffer] {
  if (value === null) return [0x04, Buffer.from([0])];
  if (value === true) return [0x04, Buffer.from([1])];
  if (value === false) return [0x04, Buffer.from([2])];
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= -32768 && value <= 32767) {
      const b = Buffer.alloc(2);
      b.writeInt16LE(value);
      return [0x05, b];
    }
    if (Number.isInteger(value) && Math.abs(value) <= 2147483647) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(value);
      return [0x07, b];
    }
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    return [0x0b, b];
  }
  if (typeof value === "string") {
    const bytes = Buffer.from(value, "utf8");
    return [0x0c, Buffer.concat([varLength(bytes.length), bytes])];
  }
  const isArray = Array.isArray(value);
  const entries: [string | undefined, Json][] = isArray
    ? value.map((v) => [undefined, v])
    : Object.entries(value).sort(([a], [b]) => a.length - b.length || (a < b ? -1 : 1));
  const width = large ? 4 : 2;
  const count = entries.length;
  const headerSize = 2 * width + (isArray ? 0 : count * (width + 2)) + count * (1 + width);
  const keys = entries.map(([k]) => Buffer.from(k ?? "", "utf8"));
  const keyBytes = Buffer.concat(keys);
  const values: Buffer[] = [];
  const write = (buf: Buffer, at: number, n: number) =>
    large ? buf.writeUInt32LE(n, at) : buf.writeUInt16LE(n, at);
  const header = Buffer.alloc(headerSize);
  let offset = headerSize + keyBytes.length;
  let keyOffset = headerSize;
  entries.forEach(([, v], i) => {
    if (!isArray) {
      const at = 2 * width + i * (width + 2);
      write(header, at, keyOffset);
      header.writeUInt16LE(keys[i]!.length, at + width);
      keyOffset += keys[i]!.length;
    }
    const [type, data] = encodeValue(v, large);
    const at = 2 * width + (isArray ? 0 : count * (width + 2)) + i * (1 + width);
    header[at] = type;
    const inlined =
      type === 0x04 || type === 0x05 || type === 0x06 || (large && (type === 0x07 || type === 0x08));
    if (inlined) {
      data.copy(header, at + 1, 0, Math.min(data.length, width));
    } else {
      write(header, at + 1, offset);
      values.push(data);
      offset += data.length;
    }
  });
  write(header, 0, count);
  write(header, width, offset);
  const type = isArray ? (large ? 0x03 : 0x02) : large ? 0x01 : 0x00;
  return [type, Buffer.concat([header, keyBytes, ...values])];
}

describe("MySQL binary JSON", () => {
  it.each([
    [null, "null"],
    [true, "true"],
    [false, "false"],
    [42, "42"],
    [-70000, "-70000"],
    [2.5, "2.5"],
    [1, "1"],
    ['héllo "q" \\ \n 😀', JSON.stringify('héllo "q" \\ \n 😀')],
    [[], "[]"],
    [{}, "{}"],
    [[1, "two", null, [true, false]], '[1, "two", null, [true, false]]'],
    [{ a: 1, b: [1, 2.5, null], c: { d: "e" } }, '{"a": 1, "b": [1, 2.5, null], "c": {"d": "e"}}'],
  ] as [Json, string][])("%j", (value, text) => {
    expect(jsonBinaryToText(encode(value))).toBe(text);
    expect(jsonBinaryToText(encode(value, true))).toBe(text);
  });

  it("prints integral doubles with .0, like MySQL", () => {
    const b = Buffer.alloc(9);
    b[0] = 0x0b;
    b.writeDoubleLE(3, 1);
    expect(jsonBinaryToText(b)).toBe("3.0");
    b.writeDoubleLE(1e20, 1);
    expect(jsonBinaryToText(b)).toBe("1e20");
  });

  it("reads 64-bit integers exactly", () => {
    const b = Buffer.alloc(9);
    b[0] = 0x09;
    b.writeBigInt64LE(-9223372036854775808n, 1);
    expect(jsonBinaryToText(b)).toBe("-9223372036854775808");
    b[0] = 0x0a;
    b.writeBigUInt64LE(18446744073709551615n, 1);
    expect(jsonBinaryToText(b)).toBe("18446744073709551615");
  });

  it("decodes opaque DECIMAL and DATETIME", () => {
    // DECIMAL(14,4) 1234567890.1234: field type 246, length, precision, scale, binary decimal.
    const decimal = Buffer.concat([Buffer.from([0x0f, 246, 9, 14, 4]), Buffer.from("810dfb38d204d2", "hex")]);
    expect(jsonBinaryToText(decimal)).toBe("1234567890.1234");
    // DATETIME 2015-01-15 23:24:25.000123 packed as ((ymd << 17 | hms) << 24) + micros.
    const ymd = ((2015n * 13n + 1n) << 5n) | 15n;
    const hms = (23n << 12n) | (24n << 6n) | 25n;
    const packed = (((ymd << 17n) | hms) << 24n) + 123n;
    const data = Buffer.alloc(8);
    data.writeBigInt64LE(packed);
    const datetime = Buffer.concat([Buffer.from([0x0f, 12, 8]), data]);
    expect(jsonBinaryToText(datetime)).toBe('"2015-01-15 23:24:25.000123"');
    const date = Buffer.concat([Buffer.from([0x0f, 10, 8]), data]);
    expect(jsonBinaryToText(date)).toBe('"2015-01-15"');
    const other = Buffer.concat([Buffer.from([0x0f, 252, 2]), Buffer.from([0xca, 0xfe])]);
    expect(jsonBinaryToText(other)).toBe('"base64:type252:yv4="');
  });

  it("treats an empty value as null", () => {
    expect(jsonBinaryToText(Buffer.alloc(0))).toBe("null");
  });
});
