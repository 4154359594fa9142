import { describe, expect, it } from "vitest";
import { formatDouble, formatFloat, writeInt, writePadded, writeUint } from "./number-text.js";

function written(write: (dst: Buffer, dp: number) => number): string {
  const out = Buffer.alloc(64);
  return out.toString("latin1", 0, write(out, 0));
}

describe("integer writers", () => {
  it.each([0, 7, 10, 99, 12345, 2147483647, 2147483648, 4294967295, 9007199254740991])(
    "writeUint %d",
    (n) => {
      expect(written((d, p) => writeUint(d, p, n))).toBe(String(n));
    },
  );

  it.each([-1, -128, -2147483648, -9007199254740991])("writeInt %d", (n) => {
    expect(written((d, p) => writeInt(d, p, n))).toBe(String(n));
  });

  it("pads", () => {
    expect(written((d, p) => writePadded(d, p, 42, 9))).toBe("000000042");
    expect(written((d, p) => writePadded(d, p, 123456789, 4))).toBe("123456789");
  });
});

// Expected texts are what MariaDB 10.11 returns for SELECT of a FLOAT / DOUBLE column.
describe("formatFloat", () => {
  it.each([
    [Math.PI, "3.14159"],
    [0.1, "0.1"],
    [3.4028234e38, "3.40282e38"],
    [-1.17549435e-38, "-1.17549e-38"],
    [16777217, "16777200"],
    [1e-5, "0.00001"],
    [1234567, "1234570"],
    [1e16, "1e16"],
    [0.0001, "0.0001"],
    [123456.7, "123457"],
    [1234565, "1234560"],
    [1234575, "1234580"],
    [0.5, "0.5"],
    [2.5e-5, "0.000025"],
    [1e-14, "0.00000000000001"],
    [0, "0"],
  ])("%d -> %s", (value, text) => {
    expect(formatFloat(Math.fround(value))).toBe(text);
  });
});

describe("formatDouble", () => {
  it.each([
    [Math.PI, "3.141592653589793"],
    [0.1, "0.1"],
    [1.7976931348623157e308, "1.7976931348623157e308"],
    [2.2250738585072014e-308, "2.2250738585072014e-308"],
    [123456789012345680, "1.2345678901234568e17"],
    [1e-5, "0.00001"],
    [1e15, "1e15"],
    [1e16, "1e16"],
    [1234567890123456.8, "1234567890123456.8"],
    [0.000123, "0.000123"],
    [5e-324, "5e-324"],
    [1e-15, "0.000000000000001"],
    [1.5e-14, "0.000000000000015"],
    [1.2345678901234568e29, "1.2345678901234568e29"],
    [123456789012345, "123456789012345"],
    [-2.5, "-2.5"],
    [0, "0"],
    [-0, "-0"],
  ])("%d -> %s", (value, text) => {
    expect(formatDouble(value)).toBe(text);
  });
});

describe("formatFloat agrees with its exact path", () => {
  it("for a spread of floats", () => {
    const buf = Buffer.alloc(4);
    for (let bits = 1; bits < 0x7f800000; bits += 0x1234567 >> 4) {
      for (const sign of [0, 0x80000000]) {
        buf.writeUInt32BE((bits | sign) >>> 0);
        const value = buf.readFloatBE(0);
        expect(formatFloat(value)).toBe(formatFloatExactForTest(value));
      }
    }
    for (let i = 0; i < 20000; i++) {
      const value = Math.fround(i * 0.37 + i / 7);
      expect(formatFloat(value)).toBe(formatFloatExactForTest(value));
    }
  });
});

/** The reference: 6 significant digits, half-even on exact ties, trailing zeros dropped, my_gcvt layout. */
function formatFloatExactForTest(value: number): string {
  if (value === 0) return "0";
  let text = value.toExponential(5);
  const seven = value.toExponential(6);
  const e7 = seven.indexOf("e");
  if (seven[e7 - 1] === "5" && Number(seven) === value && Number(seven[e7 - 2]) % 2 === 0) {
    text = seven.slice(0, e7 - 1) + seven.slice(e7);
  }
  const [mantissa, exponent] = text.split("e") as [string, string];
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "").replace(/0+$/, "") || "0";
  return layoutForTest(negative, digits, Number(exponent) + 1);
}

function layoutForTest(negative: boolean, digits: string, decpt: number): string {
  const sign = negative ? "-" : "";
  if (decpt >= -14 && (decpt <= 15 || digits.length > decpt)) {
    if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
    if (decpt < digits.length) return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
    return `${sign}${digits}${"0".repeat(decpt - digits.length)}`;
  }
  return `${sign}${digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits}e${decpt - 1}`;
}
