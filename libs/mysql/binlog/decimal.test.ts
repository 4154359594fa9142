import { describe, expect, it } from "vitest";
import { decimalBinarySize, writeDecimalValue } from "./decimal.js";

const DIGIT_BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

/** MySQL's decimal2bin, for building test input. */
function encodeDecimal(text: string, precision: number, scale: number): Buffer {
  const negative = text.startsWith("-");
  const [intText = "", fracText = ""] = text.replace("-", "").split(".");
  const intDigits = intText.replace(/^0+/, "").padStart(precision - scale, "0");
  const fracDigits = fracText.padEnd(scale, "0");
  const bytes: number[] = [];
  const push = (digits: string) => {
    if (digits.length === 0) return;
    const n = DIGIT_BYTES[digits.length]!;
    let value = Number(digits);
    const group: number[] = [];
    for (let i = 0; i < n; i++) {
      group.unshift(value & 0xff);
      value = Math.floor(value / 256);
    }
    bytes.push(...group);
  };
  const lead = intDigits.length % 9;
  push(intDigits.slice(0, lead));
  for (let i = lead; i < intDigits.length; i += 9) push(intDigits.slice(i, i + 9));
  for (let i = 0; i + 9 <= fracDigits.length; i += 9) push(fracDigits.slice(i, i + 9));
  push(fracDigits.slice(fracDigits.length - (fracDigits.length % 9)));
  const out = Buffer.from(bytes);
  out[0]! ^= 0x80;
  if (negative) for (let i = 0; i < out.length; i++) out[i] = ~out[i]! & 0xff;
  return out;
}

function decode(bytes: Buffer, precision: number, scale: number): string {
  const out = Buffer.alloc(80);
  return out.toString("latin1", 0, writeDecimalValue(out, 0, bytes, 0, precision, scale));
}

describe("DECIMAL", () => {
  it("decodes MySQL's documented example", () => {
    // 1234567890.1234 as DECIMAL(14,4), from the MySQL internals manual.
    expect(decode(Buffer.from("810dfb38d204d2", "hex"), 14, 4)).toBe("1234567890.1234");
    expect(decode(Buffer.from("7ef204c72dfb2d", "hex"), 14, 4)).toBe("-1234567890.1234");
    expect(decimalBinarySize(14, 4)).toBe(7);
  });

  it.each([
    ["0.00", 10, 2],
    ["-12345678.91", 10, 2],
    ["99999", 5, 0],
    ["-99999", 5, 0],
    ["0.5", 1, 1],
    ["12345678901234567890123456789012345.123456789012345678901234567891", 65, 30],
    ["-12345678901234567890123456789012345.123456789012345678901234567891", 65, 30],
    ["99999999999999999999999999999999999.999999999999999999999999999999", 65, 30],
    ["1.000000001", 10, 9],
    ["123456789.987654321", 18, 9],
    ["0.000000000000000000000000000001", 65, 30],
  ])("%s as DECIMAL(%d,%d)", (text, precision, scale) => {
    const bytes = encodeDecimal(text, precision, scale);
    expect(bytes.length).toBe(decimalBinarySize(precision, scale));
    expect(decode(bytes, precision, scale)).toBe(text);
  });

  it("prints a negative zero as zero", () => {
    const bytes = encodeDecimal("0.00", 10, 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = ~bytes[i]! & 0xff;
    expect(decode(bytes, 10, 2)).toBe("0.00");
  });
});
