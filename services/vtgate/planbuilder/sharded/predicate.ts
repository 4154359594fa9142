import type { CompareOp } from "../../../../libs/sqlparser/index.js";
import { type Expr, formatExpr } from "../../../../libs/sqlparser/index.js";
import type { Operand, Predicate } from "../../engine/filter.js";
import { unsupported } from "../errors.js";
import { routeValueOf } from "./analysis.js";

const COMPARE: Readonly<Record<string, CompareOp>> = {
  "=": "=",
  "!=": "!=",
  "<>": "!=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};

/**
 * A condition vtgate evaluates itself (engine/filter.ts): comparisons, AND/OR/NOT and IS [NOT] NULL over
 * values and the columns `columnFor` finds for expressions. Anything else is refused, `where` naming the
 * clause in the error (`HAVING condition ... across shards`).
 */
export function vtgatePredicate(e: Expr, columnFor: (e: Expr) => number, where: string): Predicate {
  const operand = (x: Expr): Operand => {
    const v = routeValueOf(x);
    return v ? { kind: "value", value: v } : { kind: "column", index: columnFor(x) };
  };
  const predicate = (x: Expr): Predicate => {
    if (x.kind === "Binary" && (x.op === "and" || x.op === "or")) {
      return { kind: x.op, args: [predicate(x.left), predicate(x.right)] };
    }
    const op = x.kind === "Binary" ? COMPARE[x.op] : undefined;
    if (x.kind === "Binary" && op) {
      return { kind: "compare", op, left: operand(x.left), right: operand(x.right) };
    }
    if (x.kind === "Not") return { kind: "not", arg: predicate(x.expr) };
    if (x.kind === "Is" && (x.test === "null" || x.test === "not null")) {
      return { kind: "isNull", not: x.test === "not null", arg: operand(x.expr) };
    }
    throw unsupported(`${where.replace("%s", formatExpr(x))}`);
  };
  return predicate(e);
}
