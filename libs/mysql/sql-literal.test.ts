import { describe, expect, it } from "vitest";
import { Type } from "../proto/query.js";
import { Code, isVtError } from "../vterrors/index.js";
import { encodeSqlValue, encodeTuple, hexLiteral, quoteIdentifier, quoteString } from "./sql-literal.js";

const b = (text: string) => Buffer.from(text);

describe("encodeSqlValue", () => {
  it("writes numbers as they are, after checking they are numbers", () => {
    expect(encodeSqlValue(Type.INT64, b("-42"))).toBe("-42");
    expect(encodeSqlValue(Type.UINT64, b("18446744073709551615"))).toBe("18446744073709551615");
    expect(encodeSqlValue(Type.FLOAT64, b("1.5e-3"))).toBe("1.5e-3");
    expect(encodeSqlValue(Type.DECIMAL, b("-12.340"))).toBe("-12.340");
    expect(encodeSqlValue(Type.YEAR, b("2024"))).toBe("2024");
    for (const [type, text] of [
      [Type.INT32, "1 or 1=1"],
      [Type.UINT8, "-1"],
      [Type.FLOAT32, "1;drop table t"],
      [Type.DECIMAL, "0x10"],
      [Type.INT64, ""],
    ] as const) {
      const err = (() => {
        try {
          return encodeSqlValue(type, b(text));
        } catch (e) {
          return e;
        }
      })();
      expect(isVtError(err, Code.INVALID_ARGUMENT)).toBe(true);
    }
  });

  it("quotes and escapes text", () => {
    expect(encodeSqlValue(Type.VARCHAR, b("it's"))).toBe("'it\\'s'");
    expect(encodeSqlValue(Type.TEXT, b('a\\b"c\n\r\t\0\x1a\b'))).toBe("'a\\\\b\\\"c\\n\\r\\t\\0\\Z\\b'");
    expect(encodeSqlValue(Type.DATETIME, b("2024-01-02 03:04:05"))).toBe("'2024-01-02 03:04:05'");
    expect(encodeSqlValue(Type.JSON, b('{"a": 1}'))).toBe("'{\\\"a\\\": 1}'");
    expect(encodeSqlValue(Type.VARCHAR, b("日本語 🙂"))).toBe("'日本語 🙂'");
  });

  it("writes bytes in hex so every byte arrives exactly", () => {
    expect(encodeSqlValue(Type.VARBINARY, Buffer.from([0x00, 0xff, 0x27]))).toBe("X'00ff27'");
    expect(encodeSqlValue(Type.BLOB, Buffer.alloc(0))).toBe("X''");
    expect(encodeSqlValue(Type.BIT, Buffer.from([5]))).toBe("X'05'");
    // Text that is not UTF-8 too.
    expect(encodeSqlValue(Type.VARCHAR, Buffer.from([0xc3, 0x28]))).toBe("X'c328'");
  });

  it("passes literals of the hex and bit kinds after checking them, and NULL", () => {
    expect(encodeSqlValue(Type.NULL_TYPE, Buffer.alloc(0))).toBe("NULL");
    expect(encodeSqlValue(Type.HEXNUM, b("0x1F"))).toBe("0x1F");
    expect(encodeSqlValue(Type.HEXVAL, b("x'1f'"))).toBe("x'1f'");
    expect(encodeSqlValue(Type.BITNUM, b("0b101"))).toBe("0b101");
    expect(() => encodeSqlValue(Type.HEXVAL, b("x'1f' or 1"))).toThrow(/invalid HEXVAL/);
  });

  it("refuses tuples as single values and encodes them as lists", () => {
    expect(() => encodeSqlValue(Type.TUPLE, Buffer.alloc(0))).toThrow(/cannot be encoded/);
    expect(
      encodeTuple(
        [
          { type: Type.INT64, value: b("1") },
          { type: Type.VARCHAR, value: b("a'b") },
          { type: Type.NULL_TYPE, value: Buffer.alloc(0) },
        ],
        "ids",
      ),
    ).toBe("(1, 'a\\'b', NULL)");
    expect(() => encodeTuple([], "ids")).toThrow("empty list supplied for ids");
  });
});

describe("quoting helpers", () => {
  it("quotes strings, identifiers and bytes", () => {
    expect(quoteString("a'b")).toBe("'a\\'b'");
    expect(quoteIdentifier("we`ird")).toBe("`we``ird`");
    expect(hexLiteral(new Uint8Array([1, 2]))).toBe("X'0102'");
  });
});
