import { describe, expect, it } from "vitest";
import { T, type TokenType, tokenize } from "./tokenizer.js";

const NAMES: Readonly<Record<TokenType, string>> = Object.fromEntries(
  Object.entries(T).map(([k, v]) => [v, k]),
) as Record<TokenType, string>;

function tokens(sql: string): string[] {
  return tokenize(sql)
    .filter((t) => t.type !== T.EOF)
    .map((t) => `${NAMES[t.type]}:${t.text}`);
}

describe("tokenizer", () => {
  it.each([
    [
      "select a, `b``c` from t",
      ["Ident:select", "Ident:a", "Op:,", "QuotedIdent:b`c", "Ident:from", "Ident:t"],
    ],
    [
      "3t2 1e5 1.5 .5 1. 010 1e 1e+2",
      [
        "Ident:3t2",
        "Float:1e5",
        "Decimal:1.5",
        "Decimal:.5",
        "Decimal:1.",
        "Int:010",
        "Ident:1e",
        "Float:1e+2",
      ],
    ],
    [
      "0x1F 0X1f X'1f' x'' 0b101 B'101' 0xg",
      [
        "HexNum:0x1F",
        "Ident:0X1f",
        "HexString:1f",
        "HexString:",
        "BitNum:0b101",
        "BitString:101",
        "Ident:0xg",
      ],
    ],
    [
      "'a''b' \"c\"\"d\" 'e\\'f' 'g\\nh' '\\%\\_\\x'",
      ["String:a'b", 'String:c"d', "String:e'f", "String:g\nh", "String:\\%\\_x"],
    ],
    [
      ":a :a1 :a.b ::list ? :=",
      ["BindVar:a", "BindVar:a1", "BindVar:a.b", "ListBindVar:list", "Placeholder:?", "Op::="],
    ],
    [
      "@a @'b c' @`d` @@x @@global.y @@session.z",
      ["UserVar:a", "UserVar:b c", "UserVar:d", "SysVar:x", "SysVar:global.y", "SysVar:session.z"],
    ],
    [
      "a<=>b a<>b a!=b a<=b a>=b a<<b a>>b a&&b a||b a->b a->>b",
      [
        "Ident:a",
        "Op:<=>",
        "Ident:b",
        "Ident:a",
        "Op:<>",
        "Ident:b",
        "Ident:a",
        "Op:!=",
        "Ident:b",
        "Ident:a",
        "Op:<=",
        "Ident:b",
        "Ident:a",
        "Op:>=",
        "Ident:b",
        "Ident:a",
        "Op:<<",
        "Ident:b",
        "Ident:a",
        "Op:>>",
        "Ident:b",
        "Ident:a",
        "Op:&&",
        "Ident:b",
        "Ident:a",
        "Op:||",
        "Ident:b",
        "Ident:a",
        "Op:->",
        "Ident:b",
        "Ident:a",
        "Op:->>",
        "Ident:b",
      ],
    ],
    ["a -- comment\nb # another\nc /* block */ d", ["Ident:a", "Ident:b", "Ident:c", "Ident:d"]],
    ["a--b", ["Ident:a", "Op:-", "Op:-", "Ident:b"]],
    ["select /*!40101 SQL_NO_CACHE */ a", ["Ident:select", "Ident:SQL_NO_CACHE", "Ident:a"]],
    ["select /*! a */ b", ["Ident:select", "Ident:a", "Ident:b"]],
    ["t.5 t.`x`", ["Ident:t", "Op:.", "Int:5", "Ident:t", "Op:.", "QuotedIdent:x"]],
    ["héllo wörld", ["Ident:héllo", "Ident:wörld"]],
  ])("%s", (sql, expected) => {
    expect(tokens(sql)).toEqual(expected);
  });

  it("attaches block comments to the next token and keeps offsets", () => {
    const toks = tokenize("select /*vt+ A=1 */ /* x */ a");
    expect(toks[1]?.comments).toEqual(["/*vt+ A=1 */", "/* x */"]);
    expect(toks[1]?.start).toBe(28);
    expect(toks[0]?.lower).toBe("select");
    expect(tokenize("SELECT")[0]?.lower).toBe("select");
  });

  it("refuses unterminated strings, names and comments", () => {
    expect(() => tokenize("select 'abc")).toThrow("unterminated string");
    expect(() => tokenize("select `abc")).toThrow("unterminated quoted identifier");
    expect(() => tokenize("select /* abc")).toThrow("unterminated comment");
    expect(() => tokenize("select /*! abc")).toThrow("unterminated comment");
    expect(() => tokenize("select X'1g'")).toThrow("syntax error");
  });
});
