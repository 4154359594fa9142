import { describe, expect, it } from "vitest";
import { type BindVariable, Type } from "../../../libs/proto/query.js";
import { Code, isVtError } from "../../../libs/vterrors/index.js";
import { substituteBindVars } from "./bind-vars.js";

const int = (n: number | string): BindVariable => ({
  type: Type.INT64,
  value: Buffer.from(String(n)),
  values: [],
});
const str = (text: string): BindVariable => ({ type: Type.VARCHAR, value: Buffer.from(text), values: [] });
const bytes = (data: number[]): BindVariable => ({
  type: Type.VARBINARY,
  value: Buffer.from(data),
  values: [],
});
const nul: BindVariable = { type: Type.NULL_TYPE, value: Buffer.alloc(0), values: [] };
const tuple = (...items: BindVariable[]): BindVariable => ({
  type: Type.TUPLE,
  value: Buffer.alloc(0),
  values: items.map(({ type, value }) => ({ type, value })),
});

describe("substituteBindVars", () => {
  it("replaces placeholders by typed literals", () => {
    expect(
      substituteBindVars("insert into t(id, name, data, note) values (:id, :name, :data, :note)", {
        id: int(7),
        name: str("O'Brien"),
        data: bytes([0, 255]),
        note: nul,
      }),
    ).toBe("insert into t(id, name, data, note) values (7, 'O\\'Brien', X'00ff', NULL)");
  });

  it("expands lists for ::name, and a tuple given to :name", () => {
    const ids = tuple(int(1), int(2), str("x"));
    expect(substituteBindVars("select * from t where id in ::ids", { ids })).toBe(
      "select * from t where id in (1, 2, 'x')",
    );
    expect(substituteBindVars("select * from t where id in :ids", { ids })).toBe(
      "select * from t where id in (1, 2, 'x')",
    );
  });

  it("leaves strings, backquoted names, comments and := alone", () => {
    const sql =
      "select ':a', \":a\", `:a`, @v := 1 /* :a */ -- :a\n, 'it\\'s :a', 'x'':a' # :a\nfrom t where c = :a";
    expect(substituteBindVars(sql, { a: int(1) })).toBe(
      "select ':a', \":a\", `:a`, @v := 1 /* :a */ -- :a\n, 'it\\'s :a', 'x'':a' # :a\nfrom t where c = 1",
    );
  });

  it("handles names with digits, underscores and dots, and repeated use", () => {
    expect(
      substituteBindVars("select :vtg1, :a_b, :x.y, :vtg1", { vtg1: int(1), a_b: int(2), "x.y": int(3) }),
    ).toBe("select 1, 2, 3, 1");
  });

  it("leaves a statement without placeholders untouched", () => {
    const sql = "select 1 from dual where a = '12:30'";
    expect(substituteBindVars(sql, {})).toBe(sql);
  });

  it("fails on a missing value, a non-list for ::name and an invalid number", () => {
    const failure = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const missing = failure(() => substituteBindVars("select :nope", {}));
    expect(isVtError(missing, Code.INVALID_ARGUMENT)).toBe(true);
    expect((missing as Error).message).toBe("missing bind var nope");
    expect((failure(() => substituteBindVars("select ::ids", { ids: int(1) })) as Error).message).toContain(
      "list bind var ids",
    );
    expect(
      isVtError(
        failure(() => substituteBindVars("select :n", { n: int("1 or 1") })),
        Code.INVALID_ARGUMENT,
      ),
    ).toBe(true);
  });
});
