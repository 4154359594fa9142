import type { AggregateName, Column, ConvertType, Expr, Match, OrderBy, When } from "../ast/expr.js";
import { T, type Token } from "../tokenizer.js";
import type { Cursor } from "./cursor.js";
import { parseBitExpr, parseColumnOrFunction, parseExpr, parseSimpleExpr } from "./expr.js";

/**
 * Function calls and the expressions with a syntax of their own: aggregates (`count(*)`,
 * `count(distinct a)`), GROUP_CONCAT, CAST/CONVERT, EXTRACT, TRIM, SUBSTRING ... FROM ... FOR,
 * POSITION ... IN, MATCH ... AGAINST, CASE, and INTERVAL units.
 */
export const AGGREGATES: ReadonlySet<string> = new Set<AggregateName>([
  "count",
  "sum",
  "min",
  "max",
  "avg",
  "bit_and",
  "bit_or",
  "bit_xor",
  "std",
  "stddev",
  "stddev_pop",
  "stddev_samp",
  "var_pop",
  "var_samp",
  "variance",
  "json_arrayagg",
  "json_objectagg",
  "any_value",
]);

const INTERVAL_UNITS: ReadonlySet<string> = new Set([
  "microsecond",
  "second",
  "minute",
  "hour",
  "day",
  "week",
  "month",
  "quarter",
  "year",
  "second_microsecond",
  "minute_microsecond",
  "minute_second",
  "hour_microsecond",
  "hour_second",
  "hour_minute",
  "day_microsecond",
  "day_second",
  "day_minute",
  "day_hour",
  "year_month",
]);

export function parseIntervalUnit(p: Cursor): string {
  const t = p.peek();
  if (t.type === T.Ident && INTERVAL_UNITS.has(t.lower)) {
    p.next();
    return t.lower;
  }
  throw p.error();
}

/** `(a, b, c)` arguments of a function call; `()` is no argument. */
export function parseArgs(p: Cursor): Expr[] {
  p.expectOp("(");
  if (p.acceptOp(")")) return [];
  const args = [parseExpr(p)];
  while (p.acceptOp(",")) args.push(parseExpr(p));
  p.expectOp(")");
  return args;
}

export function parseFunction(p: Cursor, t: Token): Expr {
  const word = t.lower;
  if (AGGREGATES.has(word)) return parseAggregate(p, word as AggregateName);
  switch (word) {
    case "group_concat":
      return parseGroupConcat(p);
    case "cast": {
      p.next();
      p.expectOp("(");
      const expr = parseExpr(p);
      p.expectWord("as");
      const type = parseConvertType(p);
      p.expectOp(")");
      return { kind: "Cast", style: "cast", expr, type };
    }
    case "convert": {
      p.next();
      p.expectOp("(");
      const expr = parseExpr(p);
      if (p.acceptWord("using")) {
        const charset = p.identOrString();
        p.expectOp(")");
        return { kind: "ConvertUsing", expr, charset };
      }
      p.expectOp(",");
      const type = parseConvertType(p);
      p.expectOp(")");
      return { kind: "Cast", style: "convert", expr, type };
    }
    case "extract": {
      p.next();
      p.expectOp("(");
      const unit = parseIntervalUnit(p);
      p.expectWord("from");
      const expr = parseExpr(p);
      p.expectOp(")");
      return { kind: "Extract", unit, expr };
    }
    case "trim":
      return parseTrim(p);
    case "substring":
    case "substr": {
      p.next();
      p.expectOp("(");
      const args = [parseExpr(p)];
      if (p.acceptWord("from")) {
        args.push(parseExpr(p));
        if (p.acceptWord("for")) args.push(parseExpr(p));
      } else {
        while (p.acceptOp(",")) args.push(parseExpr(p));
      }
      p.expectOp(")");
      return { kind: "Func", name: t.text, qualifier: undefined, args };
    }
    case "position": {
      // position(a in b) is locate(a, b).
      p.next();
      p.expectOp("(");
      const needle = parseBitExpr(p);
      p.expectWord("in");
      const haystack = parseExpr(p);
      p.expectOp(")");
      return { kind: "Func", name: "locate", qualifier: undefined, args: [needle, haystack] };
    }
  }
  p.next();
  return { kind: "Func", name: t.text, qualifier: undefined, args: parseArgs(p) };
}

function parseAggregate(p: Cursor, name: AggregateName): Expr {
  p.next();
  p.expectOp("(");
  if (name === "count" && p.acceptOp("*")) {
    p.expectOp(")");
    rejectWindow(p);
    return { kind: "Aggregate", name, distinct: false, star: true, args: [] };
  }
  const distinct = p.acceptWord("distinct") || p.acceptWord("distinctrow");
  if (!distinct) p.acceptWord("all");
  const args = [parseExpr(p)];
  while (p.acceptOp(",")) args.push(parseExpr(p));
  p.expectOp(")");
  rejectWindow(p);
  return { kind: "Aggregate", name, distinct, star: false, args };
}

function rejectWindow(p: Cursor): void {
  if (p.isWord("over")) throw p.error(p.peek(), "window functions are not supported");
}

function parseGroupConcat(p: Cursor): Expr {
  p.next();
  p.expectOp("(");
  const distinct = p.acceptWord("distinct");
  const args = [parseExpr(p)];
  while (p.acceptOp(",")) args.push(parseExpr(p));
  const orderBy = p.acceptWords("order", "by") ? parseOrderByList(p) : [];
  const separator = p.acceptWord("separator") ? p.string() : undefined;
  const limit = p.acceptWord("limit") ? parseSimpleExpr(p) : undefined;
  p.expectOp(")");
  return { kind: "GroupConcat", distinct, args, orderBy, separator, limit };
}

export function parseOrderByList(p: Cursor): OrderBy[] {
  const list: OrderBy[] = [];
  do {
    const expr = parseExpr(p);
    let direction: OrderBy["direction"] = "asc";
    if (p.acceptWord("desc")) direction = "desc";
    else p.acceptWord("asc");
    list.push({ expr, direction });
  } while (p.acceptOp(","));
  return list;
}

function parseTrim(p: Cursor): Expr {
  p.next();
  p.expectOp("(");
  let side: "leading" | "trailing" | "both" | undefined;
  if (p.isWord("leading") || p.isWord("trailing") || p.isWord("both")) {
    side = p.next().lower as "leading" | "trailing" | "both";
    if (p.acceptWord("from")) {
      const expr = parseExpr(p);
      p.expectOp(")");
      return { kind: "Trim", side, remove: undefined, expr };
    }
    const remove = parseExpr(p);
    p.expectWord("from");
    const expr = parseExpr(p);
    p.expectOp(")");
    return { kind: "Trim", side, remove, expr };
  }
  const first = parseExpr(p);
  if (p.acceptWord("from")) {
    const expr = parseExpr(p);
    p.expectOp(")");
    return { kind: "Trim", side: undefined, remove: first, expr };
  }
  p.expectOp(")");
  return { kind: "Trim", side: undefined, remove: undefined, expr: first };
}

export function parseMatch(p: Cursor): Expr {
  p.next();
  p.expectOp("(");
  const columns: Column[] = [];
  do {
    const c = parseColumnOrFunction(p);
    if (c.kind !== "Column") throw p.error();
    columns.push(c);
  } while (p.acceptOp(","));
  p.expectOp(")");
  p.expectWord("against");
  p.expectOp("(");
  const against = parseBitExpr(p);
  let mode: Match["mode"];
  if (p.acceptWords("in", "natural", "language", "mode")) {
    mode = p.acceptWords("with", "query", "expansion")
      ? "in natural language mode with query expansion"
      : "in natural language mode";
  } else if (p.acceptWords("in", "boolean", "mode")) {
    mode = "in boolean mode";
  } else if (p.acceptWords("with", "query", "expansion")) {
    mode = "with query expansion";
  }
  p.expectOp(")");
  return { kind: "Match", columns, against, mode };
}

export function parseCase(p: Cursor): Expr {
  p.expectWord("case");
  const operand = p.isWord("when") ? undefined : parseExpr(p);
  const whens: When[] = [];
  while (p.acceptWord("when")) {
    const cond = parseExpr(p);
    p.expectWord("then");
    whens.push({ cond, result: parseExpr(p) });
  }
  if (whens.length === 0) throw p.error();
  const elseExpr = p.acceptWord("else") ? parseExpr(p) : undefined;
  p.expectWord("end");
  return { kind: "Case", operand, whens, else: elseExpr };
}

/** `(n)` or `(n, m)` after a type name. */
function parseLengthScale(p: Cursor): { length?: string; scale?: string } {
  if (!p.acceptOp("(")) return {};
  const length = p.integer();
  const scale = p.acceptOp(",") ? p.integer() : undefined;
  p.expectOp(")");
  return { length, scale };
}

export function parseCharsetName(p: Cursor): string {
  const t = p.peek();
  if (t.type === T.String || t.type === T.QuotedIdent) {
    p.next();
    return t.text;
  }
  if (t.type === T.Ident) {
    p.next();
    return t.lower;
  }
  throw p.error();
}

export function parseConvertType(p: Cursor): ConvertType {
  let name = p.word();
  if (name === "character") name = "char";
  if ((name === "signed" || name === "unsigned") && !p.acceptWord("integer")) p.acceptWord("int");
  if (name === "double") p.acceptWord("precision");
  const { length, scale } = parseLengthScale(p);
  let charset: string | undefined;
  if (p.acceptWords("character", "set") || p.acceptWord("charset")) charset = parseCharsetName(p);
  else if (p.acceptWord("ascii")) charset = "latin1";
  else if (p.acceptWord("unicode")) charset = "ucs2";
  return { name, length, scale, charset };
}
