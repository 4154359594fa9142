import type { BinaryOp, ConvertType, Expr, ExprVisitor, Literal, OrderBy, Variable } from "../ast/expr.js";
import { visitExpr } from "../ast/expr.js";
import { formatQuery } from "./query.js";
import { formatIdent, formatString, formatTableName, formatVariableName } from "./quote.js";

/**
 * How tightly an expression binds, following the parser's levels: 0 assignment, 1 OR, 2 XOR, 3 AND,
 * 4 NOT, 5 comparison and IS, 6 IN/BETWEEN/LIKE/REGEXP, 7 `|`, 8 `&`, 9 shifts, 10 `+ -`, 11 `* / div %`,
 * 12 `^`, 13 unary, 14 COLLATE and `->`, 15 primaries.
 */
export function precedence(e: Expr): number {
  switch (e.kind) {
    case "Assignment":
      return 0;
    case "Binary":
      return BINARY_PRECEDENCE[e.op];
    case "Not":
      return 4;
    case "Is":
      return 5;
    case "In":
    case "Between":
    case "Like":
    case "Regexp":
      return 6;
    case "Unary":
      return 13;
    case "Collate":
      return 14;
    default:
      return 15;
  }
}

const BINARY_PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  or: 1,
  xor: 2,
  and: 3,
  "=": 5,
  "<=>": 5,
  "!=": 5,
  "<": 5,
  "<=": 5,
  ">": 5,
  ">=": 5,
  "|": 7,
  "&": 8,
  "<<": 9,
  ">>": 9,
  "+": 10,
  "-": 10,
  "*": 11,
  "/": 11,
  div: 11,
  "%": 11,
  "^": 12,
  "->": 14,
  "->>": 14,
};

/** `e`, in parentheses when it binds less tightly than `min`. */
function operand(e: Expr, min: number): string {
  const s = formatExpr(e);
  return precedence(e) < min ? `(${s})` : s;
}

export function formatLiteral(e: Literal): string {
  let s: string;
  switch (e.type) {
    case "string":
      s = formatString(e.value);
      break;
    case "hexval":
      s = `X'${e.value}'`;
      break;
    case "bitval":
      s = `B'${e.value}'`;
      break;
    case "date":
    case "time":
    case "timestamp":
      s = `${e.type} ${formatString(e.value)}`;
      break;
    default:
      s = e.value;
  }
  if (e.introducer === undefined) return s;
  return e.introducer === "N" ? `N${s}` : `${e.introducer} ${s}`;
}

export function formatVariable(v: Variable): string {
  switch (v.scope) {
    case "user":
      return `@${formatVariableName(v.name)}`;
    case "implicit":
      return `@@${formatVariableName(v.name)}`;
    default:
      return `@@${v.scope}.${formatVariableName(v.name)}`;
  }
}

export function formatConvertType(t: ConvertType): string {
  let s = t.name;
  if (t.length !== undefined) s += t.scale === undefined ? `(${t.length})` : `(${t.length}, ${t.scale})`;
  if (t.charset !== undefined) s += ` charset ${formatIdent(t.charset)}`;
  return s;
}

export function formatOrderBy(list: readonly OrderBy[]): string {
  let s = "";
  for (let i = 0; i < list.length; i++) {
    const o = list[i] as OrderBy;
    if (i > 0) s += ", ";
    s += `${formatExpr(o.expr)} ${o.direction}`;
  }
  return s;
}

export function formatExprList(list: readonly Expr[]): string {
  let s = "";
  for (let i = 0; i < list.length; i++) {
    if (i > 0) s += ", ";
    s += formatExpr(list[i] as Expr);
  }
  return s;
}

function not(flag: boolean): string {
  return flag ? "not " : "";
}

const FORMATTERS: ExprVisitor<string> = {
  Literal: formatLiteral,
  Null: () => "null",
  Bool: (e) => (e.value ? "true" : "false"),
  BindVar: (e) => (e.list ? `::${e.name}` : `:${e.name}`),
  Column: (e) =>
    e.table === undefined ? formatIdent(e.name) : `${formatTableName(e.table)}.${formatIdent(e.name)}`,
  Variable: formatVariable,
  Unary: (e) => {
    const inner = operand(e.expr, 13);
    if (e.op === "binary") return `binary ${inner}`;
    const c = inner.charCodeAt(0);
    return c === 45 || c === 43 ? `${e.op} ${inner}` : `${e.op}${inner}`;
  },
  Not: (e) => `not ${operand(e.expr, 4)}`,
  Binary: (e) => {
    const p = BINARY_PRECEDENCE[e.op];
    if (p === 5) return `${operand(e.left, 5)} ${e.op} ${operand(e.right, 6)}`;
    return `${operand(e.left, p)} ${e.op} ${operand(e.right, p + 1)}`;
  },
  Quantified: (e) => `${e.quantifier} (${formatQuery(e.query)})`,
  Is: (e) => `${operand(e.expr, 5)} is ${e.test}`,
  In: (e) => `${operand(e.expr, 7)} ${not(e.not)}in ${formatExpr(e.values)}`,
  Between: (e) => `${operand(e.expr, 7)} ${not(e.not)}between ${operand(e.low, 7)} and ${operand(e.high, 7)}`,
  Like: (e) => {
    const s = `${operand(e.expr, 7)} ${not(e.not)}like ${operand(e.pattern, 7)}`;
    return e.escape === undefined ? s : `${s} escape ${operand(e.escape, 13)}`;
  },
  Regexp: (e) => `${operand(e.expr, 7)} ${not(e.not)}regexp ${operand(e.pattern, 7)}`,
  Exists: (e) => `exists (${formatQuery(e.query)})`,
  Subquery: (e) => `(${formatQuery(e.query)})`,
  Tuple: (e) => `(${formatExprList(e.exprs)})`,
  Case: (e) => {
    let s = e.operand === undefined ? "case" : `case ${formatExpr(e.operand)}`;
    for (const w of e.whens) s += ` when ${formatExpr(w.cond)} then ${formatExpr(w.result)}`;
    if (e.else !== undefined) s += ` else ${formatExpr(e.else)}`;
    return `${s} end`;
  },
  Func: (e) => {
    const name = e.qualifier === undefined ? e.name : `${formatIdent(e.qualifier)}.${formatIdent(e.name)}`;
    return `${name}(${formatExprList(e.args)})`;
  },
  Aggregate: (e) => {
    if (e.star) return `${e.name}(*)`;
    return `${e.name}(${e.distinct ? "distinct " : ""}${formatExprList(e.args)})`;
  },
  GroupConcat: (e) => {
    let s = `group_concat(${e.distinct ? "distinct " : ""}${formatExprList(e.args)}`;
    if (e.orderBy.length > 0) s += ` order by ${formatOrderBy(e.orderBy)}`;
    if (e.separator !== undefined) s += ` separator ${formatString(e.separator)}`;
    if (e.limit !== undefined) s += ` limit ${formatExpr(e.limit)}`;
    return `${s})`;
  },
  Cast: (e) =>
    e.style === "cast"
      ? `cast(${formatExpr(e.expr)} as ${formatConvertType(e.type)})`
      : `convert(${formatExpr(e.expr)}, ${formatConvertType(e.type)})`,
  ConvertUsing: (e) => `convert(${formatExpr(e.expr)} using ${formatIdent(e.charset)})`,
  Collate: (e) => `${operand(e.expr, 14)} collate ${formatIdent(e.collation)}`,
  Interval: (e) => `interval ${formatExpr(e.expr)} ${e.unit}`,
  Extract: (e) => `extract(${e.unit} from ${formatExpr(e.expr)})`,
  Trim: (e) => {
    let s = "trim(";
    if (e.side !== undefined) s += `${e.side} `;
    if (e.remove !== undefined) s += `${formatExpr(e.remove)} `;
    if (e.side !== undefined || e.remove !== undefined) s += "from ";
    return `${s}${formatExpr(e.expr)})`;
  },
  Match: (e) => {
    const cols = e.columns.map((c) => FORMATTERS.Column(c)).join(", ");
    const mode = e.mode === undefined ? "" : ` ${e.mode}`;
    return `match(${cols}) against (${formatExpr(e.against)}${mode})`;
  },
  Default: (e) => (e.column === undefined ? "default" : `default(${formatIdent(e.column)})`),
  Assignment: (e) => `${formatVariable(e.variable)} := ${formatExpr(e.expr)}`,
};

/** SQL text of an expression, parenthesised only where precedence needs it. */
export function formatExpr(e: Expr): string {
  return visitExpr(e, FORMATTERS);
}
