import { describe, expect, it } from "vitest";
import { Code, isVtError } from "../vterrors/index.js";
import { EmptyQueryError, isSqlSyntaxError, SqlSyntaxError } from "./errors.js";
import { parse, parseStatements } from "./parser.js";

function syntaxError(sql: string): SqlSyntaxError {
  try {
    parse(sql);
  } catch (err) {
    if (err instanceof SqlSyntaxError) return err;
    throw err;
  }
  throw new Error(`parsed: ${sql}`);
}

/** [sql, Vitess-style message]: the position is 1 + the offset just past the offending token. */
const ERRORS: readonly (readonly [string, string])[] = [
  ["select * frm t", "syntax error at position 13 near 'frm'"],
  ["select * from t frm x", "syntax error at position 22 near 'x'"],
  ["select * form t", "syntax error at position 14 near 'form'"],
  ["selec * from t", "syntax error at position 6 near 'selec'"],
  ["select : from t", "syntax error at position 9 near ':'"],
  ["select * from t where", "syntax error at position 22"],
  ["select * from", "syntax error at position 14"],
  ["select /* aa", "syntax error at position 13 near '/* aa': unterminated comment"],
  ["select 'aa", "syntax error at position 11 near ''aa': unterminated string"],
  ["select `aa", "syntax error at position 11 near '`aa': unterminated quoted identifier"],
  ["select * from t where a = ", "syntax error at position 27"],
  ["select * from t where a in ()", "syntax error at position 30 near ')'"],
  ["select a from t order by", "syntax error at position 25"],
  ["select from t", "syntax error at position 12 near 'from'"],
  ["select * from select", "syntax error at position 21 near 'select'"],
  ["insert into t values", "syntax error at position 21"],
  ["insert into t (a) valus (1)", "syntax error at position 24 near 'valus'"],
  ["update t set", "syntax error at position 13"],
  ["delete t", "syntax error at position 9"],
  ["create table t", "syntax error at position 15: a table needs at least one column"],
  ["create table t (a int,)", "syntax error at position 24 near ')'"],
  ["alter table", "syntax error at position 12"],
  ["drop table", "syntax error at position 11"],
  ["set", "syntax error at position 4"],
  ["set a", "syntax error at position 6"],
  ["use", "syntax error at position 4"],
  ["show", "syntax error at position 5"],
  ["show tables frm", "syntax error at position 16 near 'frm'"],
  ["select 1; select 2", "syntax error at position 17 near 'select'"],
  ["select 1 from t limit 1 limit 2", "syntax error at position 30 near 'limit'"],
  [
    "select count(*) over () from t",
    "syntax error at position 21 near 'over': window functions are not supported",
  ],
  [
    "select a from t into outfile 'x'",
    "syntax error at position 21 near 'into': SELECT ... INTO is not supported",
  ],
  ["frobnicate the database", "syntax error at position 11 near 'frobnicate'"],
  ["select 1 +", "syntax error at position 11"],
  ["select \\ from t", "syntax error at position 9 near '\\': unexpected character"],
];

describe("syntax errors", () => {
  it.each(ERRORS.map((c) => [c[0], c] as const))("%s", (_name, [sql, message]) => {
    const err = syntaxError(sql);
    expect(err.message).toBe(message);
    expect(isVtError(err, Code.INVALID_ARGUMENT)).toBe(true);
    expect(err.mysql).toEqual({ errno: 1064, sqlstate: "42000" });
    expect(isSqlSyntaxError(err)).toBe(true);
  });

  it("carries MySQL's wording with the rest of the query and the line", () => {
    const err = syntaxError("select *\nfrom t\nwhere a = = 1");
    expect(err.line).toBe(3);
    expect(err.near).toBe("=");
    expect(err.mysqlMessage).toBe(
      "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version " +
        "for the right syntax to use near '= 1' at line 3",
    );
    expect(err.offset).toBe(26);
    expect(err.position).toBe(28);
  });

  it("reports an empty query as errno 1065", () => {
    for (const sql of ["", "  ", ";", "/* nothing */", "-- x\n"]) {
      expect(() => parse(sql)).toThrow(EmptyQueryError);
    }
    try {
      parse("");
    } catch (err) {
      expect(isVtError(err, Code.INVALID_ARGUMENT) && err.mysql).toEqual({ errno: 1065, sqlstate: "42000" });
      expect((err as Error).message).toBe("Query was empty");
    }
  });

  it("parses several statements and stops at the first bad one", () => {
    expect(parseStatements("select 1; ; insert into t values (1);").map((s) => s.kind)).toEqual([
      "Select",
      "Insert",
    ]);
    expect(parseStatements("")).toEqual([]);
    expect(() => parseStatements("select 1; selec 2")).toThrow("syntax error at position 16 near 'selec'");
  });
});
