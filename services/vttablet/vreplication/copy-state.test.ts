import { describe, expect, it } from "vitest";
import { Type } from "../../../libs/proto/query.js";
import { compareKeys, decodeLastPk, encodeLastPk, rowIsCopied } from "./copy-state.js";
import { field } from "./testing.js";

const b = (text: string) => Buffer.from(text);

describe("copy state", () => {
  it("stores lastpk as JSON, hex for bytes that are not UTF-8", () => {
    const lastpk = {
      fields: [
        { name: "id", type: Type.INT64 },
        { name: "k", type: Type.VARBINARY },
      ],
      values: [b("42"), Buffer.from([0xff, 0x00])],
    };
    const text = encodeLastPk(lastpk);
    expect(text).toBe(
      '{"fields":[{"name":"id","type":"INT64"},{"name":"k","type":"VARBINARY"}],"values":["42",{"hex":"ff00"}]}',
    );
    expect(decodeLastPk(text)).toEqual(lastpk);
  });

  it("compares integers numerically and the rest bytewise", () => {
    expect(compareKeys([{ type: Type.INT64 }], [b("9")], [b("10")])).toBeLessThan(0);
    expect(compareKeys([{ type: Type.VARCHAR }], [b("9")], [b("10")])).toBeGreaterThan(0);
    expect(
      compareKeys([{ type: Type.INT64 }, { type: Type.INT64 }], [b("1"), b("2")], [b("1"), b("2")]),
    ).toBe(0);
  });

  it("applies changes to copied tables, none to tables not started, and up to lastpk in the current one", () => {
    const fields = [field("name", Type.VARCHAR), field("id", Type.INT64)];
    const lastpk = { fields: [{ name: "id", type: Type.INT64 }], values: [b("100")] };
    expect(rowIsCopied(undefined, fields, [b("x"), b("5")])).toBe(true);
    expect(rowIsCopied(null, fields, [b("x"), b("5")])).toBe(false);
    expect(rowIsCopied(lastpk, fields, [b("x"), b("100")])).toBe(true);
    expect(rowIsCopied(lastpk, fields, [b("x"), b("101")])).toBe(false);
  });
});
