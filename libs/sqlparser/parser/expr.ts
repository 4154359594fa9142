import type {
  BinaryOp,
  ComparisonOp,
  Expr,
  IsTest,
  Literal,
  LiteralType,
  Tuple,
  Variable,
  VariableScope,
} from "../ast/expr.js";
import { isNoParenFunction, isReserved, isReservedFunction } from "../keywords.js";
import { T, type Token } from "../tokenizer.js";
import type { Cursor } from "./cursor.js";
import { parseArgs, parseCase, parseFunction, parseIntervalUnit, parseMatch } from "./functions.js";
import { isQueryStart, parseQueryExpr } from "./query.js";

/**
 * Expressions, following MySQL's grammar levels (lowest binding first): assignment `:=`, OR / `||`, XOR,
 * AND / `&&`, NOT, comparisons and IS (left associative), predicates (IN, BETWEEN, LIKE, REGEXP) over
 * bit expressions (`|`, `&`, shifts, `+ -`, `* / div % mod`, `^`), unary operators, COLLATE and `->`,
 * primaries. Parentheses leave no node behind: the formatter puts them back where precedence needs them.
 */
export function parseExpr(p: Cursor): Expr {
  return parseOr(p);
}

function parseOr(p: Cursor): Expr {
  let left = parseXor(p);
  while (p.acceptWord("or") || p.acceptOp("||")) {
    left = { kind: "Binary", op: "or", left, right: parseXor(p) };
  }
  return left;
}

function parseXor(p: Cursor): Expr {
  let left = parseAnd(p);
  while (p.acceptWord("xor")) left = { kind: "Binary", op: "xor", left, right: parseAnd(p) };
  return left;
}

function parseAnd(p: Cursor): Expr {
  let left = parseNot(p);
  while (p.acceptWord("and") || p.acceptOp("&&"))
    left = { kind: "Binary", op: "and", left, right: parseNot(p) };
  return left;
}

function parseNot(p: Cursor): Expr {
  if (p.acceptWord("not")) return { kind: "Not", expr: parseNot(p) };
  return parseBoolPrimary(p);
}

const COMPARISON_OPS: Readonly<Record<string, ComparisonOp>> = {
  "=": "=",
  "<=>": "<=>",
  "!=": "!=",
  "<>": "!=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};

function parseBoolPrimary(p: Cursor): Expr {
  let left = parsePredicate(p);
  for (;;) {
    const t = p.peek();
    if (t.type === T.Ident && t.lower === "is") {
      p.next();
      const not = p.acceptWord("not");
      const what = p.peek();
      if (what.type !== T.Ident || !["null", "true", "false", "unknown"].includes(what.lower))
        throw p.error();
      p.next();
      left = { kind: "Is", expr: left, test: ((not ? "not " : "") + what.lower) as IsTest };
      continue;
    }
    if (t.type === T.Op) {
      const op = COMPARISON_OPS[t.text];
      if (op === undefined) return left;
      p.next();
      if ((p.isWord("any") || p.isWord("some") || p.isWord("all")) && p.peekAt(1).text === "(") {
        const quantifier = p.next().lower === "all" ? "all" : "any";
        p.expectOp("(");
        const query = parseQueryExpr(p);
        p.expectOp(")");
        left = { kind: "Binary", op, left, right: { kind: "Quantified", quantifier, query } };
        continue;
      }
      left = { kind: "Binary", op, left, right: parsePredicate(p) };
      continue;
    }
    return left;
  }
}

function parsePredicate(p: Cursor): Expr {
  const expr = parseBitExpr(p);
  let not = false;
  const t = p.peek();
  if (t.type !== T.Ident) return expr;
  let word = t.lower;
  if (word === "not") {
    const after = p.peekAt(1);
    if (after.type !== T.Ident) return expr;
    word = after.lower;
    if (word !== "in" && word !== "between" && word !== "like" && word !== "regexp" && word !== "rlike") {
      return expr;
    }
    p.next();
    not = true;
  }
  switch (word) {
    case "in":
      p.next();
      return { kind: "In", not, expr, values: parseInValues(p) };
    case "between": {
      p.next();
      const low = parseBitExpr(p);
      p.expectWord("and");
      return { kind: "Between", not, expr, low, high: parseBitExpr(p) };
    }
    case "like": {
      p.next();
      const pattern = parseBitExpr(p);
      const escapeChar = p.acceptWord("escape") ? parseSimpleExpr(p) : undefined;
      return { kind: "Like", not, expr, pattern, escape: escapeChar };
    }
    case "regexp":
    case "rlike":
      p.next();
      return { kind: "Regexp", not, expr, pattern: parseBitExpr(p) };
    default:
      return expr;
  }
}

function parseInValues(p: Cursor): Tuple | (Expr & { kind: "BindVar" | "Subquery" }) {
  const t = p.peek();
  if (t.type === T.ListBindVar) {
    p.next();
    return { kind: "BindVar", name: t.text, list: true };
  }
  p.expectOp("(");
  if (isQueryStart(p)) {
    const query = parseQueryExpr(p);
    p.expectOp(")");
    return { kind: "Subquery", query };
  }
  const exprs = [parseExpr(p)];
  while (p.acceptOp(",")) exprs.push(parseExpr(p));
  p.expectOp(")");
  return { kind: "Tuple", exprs };
}

/** Binding strength of the bit-expression operators (higher binds tighter). */
const BIT_PRECEDENCE: Readonly<Record<string, number>> = {
  "|": 1,
  "&": 2,
  "<<": 3,
  ">>": 3,
  "+": 4,
  "-": 4,
  "*": 5,
  "/": 5,
  "%": 5,
  div: 5,
  mod: 5,
  "^": 6,
};

export function parseBitExpr(p: Cursor, minPrecedence = 1): Expr {
  let left = parseSimpleExpr(p);
  for (;;) {
    const t = p.peek();
    let op: string;
    if (t.type === T.Op) op = t.text;
    else if (t.type === T.Ident && (t.lower === "div" || t.lower === "mod")) op = t.lower;
    else return left;
    const precedence = BIT_PRECEDENCE[op];
    if (precedence === undefined || precedence < minPrecedence) return left;
    p.next();
    const right = parseBitExpr(p, precedence + 1);
    left = { kind: "Binary", op: (op === "mod" ? "%" : op) as BinaryOp, left, right };
  }
}

/** Unary operators, then a primary with its COLLATE / `->` suffixes. */
export function parseSimpleExpr(p: Cursor): Expr {
  const t = p.peek();
  if (t.type === T.Op) {
    switch (t.text) {
      case "-": {
        p.next();
        const operand = parseSimpleExpr(p);
        if (
          operand.kind === "Literal" &&
          operand.introducer === undefined &&
          (operand.type === "int" || operand.type === "decimal" || operand.type === "float") &&
          !operand.value.startsWith("-")
        ) {
          return { kind: "Literal", type: operand.type, value: `-${operand.value}`, introducer: undefined };
        }
        return { kind: "Unary", op: "-", expr: operand };
      }
      case "+":
      case "~":
      case "!":
        p.next();
        return { kind: "Unary", op: t.text, expr: parseSimpleExpr(p) };
    }
  } else if (t.type === T.Ident && t.lower === "binary") {
    p.next();
    return { kind: "Unary", op: "binary", expr: parseSimpleExpr(p) };
  }
  let expr = parsePrimary(p);
  for (;;) {
    if (p.acceptWord("collate")) {
      expr = { kind: "Collate", expr, collation: p.identOrString() };
    } else if (p.isOp("->") || p.isOp("->>")) {
      const op = p.next().text as "->" | "->>";
      expr = { kind: "Binary", op, left: expr, right: parsePrimary(p) };
    } else {
      return expr;
    }
  }
}

function literal(type: LiteralType, value: string, introducer?: string): Literal {
  return { kind: "Literal", type, value, introducer };
}

function parsePrimary(p: Cursor): Expr {
  const t = p.peek();
  switch (t.type) {
    case T.Int:
      p.next();
      return literal("int", t.text);
    case T.Decimal:
      p.next();
      return literal("decimal", t.text);
    case T.Float:
      p.next();
      return literal("float", t.text);
    case T.String:
      return literal("string", parseStringValue(p));
    case T.HexNum:
      p.next();
      return literal("hexnum", t.text);
    case T.HexString:
      p.next();
      return literal("hexval", t.text);
    case T.BitNum:
      p.next();
      return literal("bitnum", t.text);
    case T.BitString:
      p.next();
      return literal("bitval", t.text);
    case T.BindVar:
      p.next();
      return { kind: "BindVar", name: t.text, list: false };
    case T.ListBindVar:
      p.next();
      return { kind: "BindVar", name: t.text, list: true };
    case T.Placeholder:
      p.next();
      p.placeholders++;
      return { kind: "BindVar", name: `v${p.placeholders}`, list: false };
    case T.UserVar:
    case T.SysVar: {
      p.next();
      const variable = parseVariableToken(t);
      if (p.acceptOp(":=")) return { kind: "Assignment", variable, expr: parseExpr(p) };
      return variable;
    }
    case T.Op:
      if (t.text === "(") return parseParenthesized(p);
      throw p.error();
    case T.QuotedIdent:
      return parseColumnOrFunction(p);
    case T.Ident:
      return parseWord(p, t);
    default:
      throw p.error();
  }
}

/** A string literal; adjacent strings are one value, as MySQL reads `'a' 'b'`. */
export function parseStringValue(p: Cursor): string {
  let value = p.string();
  while (p.peek().type === T.String) value += p.next().text;
  return value;
}

export function parseVariableToken(t: Token): Variable {
  if (t.type === T.UserVar) return { kind: "Variable", scope: "user", name: t.text };
  const dot = t.text.indexOf(".");
  if (dot > 0) {
    const scope = t.text.slice(0, dot).toLowerCase();
    const name = t.text.slice(dot + 1);
    switch (scope) {
      case "global":
      case "session":
      case "persist":
      case "persist_only":
        return { kind: "Variable", scope, name };
      case "local":
        return { kind: "Variable", scope: "session", name };
    }
  }
  return { kind: "Variable", scope: "implicit" satisfies VariableScope, name: t.text };
}

function parseParenthesized(p: Cursor): Expr {
  p.expectOp("(");
  if (isQueryStart(p)) {
    const query = parseQueryExpr(p);
    p.expectOp(")");
    return { kind: "Subquery", query };
  }
  const first = parseExpr(p);
  if (p.acceptOp(")")) return first;
  const exprs = [first];
  while (p.acceptOp(",")) exprs.push(parseExpr(p));
  p.expectOp(")");
  return { kind: "Tuple", exprs };
}

function parseWord(p: Cursor, t: Token): Expr {
  const word = t.lower;
  const next = p.peekAt(1);
  const call = next.type === T.Op && next.text === "(";
  switch (word) {
    case "null":
      p.next();
      return { kind: "Null" };
    case "true":
    case "false":
      p.next();
      return { kind: "Bool", value: word === "true" };
    case "date":
    case "time":
    case "timestamp":
      if (next.type === T.String) {
        p.next();
        return literal(word, parseStringValue(p));
      }
      break;
    case "case":
      return parseCase(p);
    case "exists": {
      p.next();
      p.expectOp("(");
      const query = parseQueryExpr(p);
      p.expectOp(")");
      return { kind: "Exists", query };
    }
    case "interval": {
      p.next();
      const expr = parseExpr(p);
      return { kind: "Interval", expr, unit: parseIntervalUnit(p) };
    }
    case "default":
      p.next();
      if (p.acceptOp("(")) {
        const column = p.ident();
        p.expectOp(")");
        return { kind: "Default", column };
      }
      return { kind: "Default", column: undefined };
    case "match":
      if (call) return parseMatch(p);
      break;
  }
  if (word === "n" && next.type === T.String && next.start === t.end) {
    // N'text': a national character set string.
    p.next();
    return literal("string", parseStringValue(p), "N");
  }
  if (
    word.charCodeAt(0) === 95 /* _ */ &&
    (next.type === T.String || next.type === T.HexString || next.type === T.BitString)
  ) {
    p.next();
    if (next.type === T.String) return literal("string", parseStringValue(p), word);
    p.next();
    return literal(next.type === T.HexString ? "hexval" : "bitval", next.text, word);
  }
  if (call) {
    if (isReserved(word) && !isReservedFunction(word) && !SPECIAL_FUNCTIONS.has(word)) throw p.error();
    return parseFunction(p, t);
  }
  if (isNoParenFunction(word)) {
    p.next();
    return { kind: "Func", name: t.text, qualifier: undefined, args: [] };
  }
  return parseColumnOrFunction(p);
}

/** Reserved words that start function-like expressions with their own syntax. */
const SPECIAL_FUNCTIONS: ReadonlySet<string> = new Set(["convert"]);

export function parseColumnOrFunction(p: Cursor): Expr {
  const first = p.ident();
  if (!p.isOp(".")) return { kind: "Column", name: first, table: undefined };
  p.next();
  const second = p.identAfterDot();
  if (p.isOp("(")) {
    // db.func(...): a stored function.
    return { kind: "Func", name: second, qualifier: first, args: parseArgs(p) };
  }
  if (!p.isOp(".")) return { kind: "Column", name: second, table: { name: first, qualifier: undefined } };
  p.next();
  const third = p.identAfterDot();
  return { kind: "Column", name: third, table: { name: second, qualifier: first } };
}
