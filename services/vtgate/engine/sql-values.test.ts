import { describe, expect, it } from "vitest";
import { type Field, Type } from "../../../libs/proto/query.js";
import {
  addDecimals,
  compareValues,
  divideDecimal,
  formatDecimal,
  parseDecimal,
  valueKey,
} from "./sql-values.js";

const field = (type: Type, charset = 33): Field => ({ type, charset }) as Field;
const b = (s: string) => Buffer.from(s);

describe("values merged at vtgate", () => {
  it("adds and divides decimals exactly, AVG rounding half away from zero at scale + 4", () => {
    expect(formatDecimal(addDecimals(parseDecimal("10.25"), parseDecimal("-0.5")))).toBe("9.75");
    expect(formatDecimal(divideDecimal(parseDecimal("100"), 4n, 4))).toBe("25.0000");
    expect(formatDecimal(divideDecimal(parseDecimal("2"), 3n, 4))).toBe("0.6667");
    expect(formatDecimal(divideDecimal(parseDecimal("-2"), 3n, 4))).toBe("-0.6667");
    expect(formatDecimal(divideDecimal(parseDecimal("1.5"), 4n, 5))).toBe("0.37500");
  });

  it("compares numbers as numbers, text case-insensitively, binary by bytes, NULL first", () => {
    expect(compareValues(b("9"), b("10"), field(Type.INT64))).toBe(-1);
    expect(compareValues(b("2.50"), b("2.5"), field(Type.DECIMAL))).toBe(0);
    expect(compareValues(b("abc"), b("ABD"), field(Type.VARCHAR))).toBe(-1);
    expect(compareValues(b("abc"), b("ABC"), field(Type.VARCHAR))).toBe(0);
    expect(compareValues(b("abc"), b("ABC"), field(Type.VARBINARY, 63))).toBe(1);
    expect(compareValues(null, b("0"), field(Type.INT64))).toBe(-1);
  });

  it("gives equal GROUP BY keys to equal values", () => {
    expect(valueKey(b("1.50"), field(Type.DECIMAL))).toBe(valueKey(b("1.5"), field(Type.DECIMAL)));
    expect(valueKey(b("Ab"), field(Type.VARCHAR))).toBe(valueKey(b("aB"), field(Type.VARCHAR)));
    expect(valueKey(b("Ab"), field(Type.VARBINARY, 63))).not.toBe(
      valueKey(b("aB"), field(Type.VARBINARY, 63)),
    );
  });
});
