import {
  type Expr,
  formatExpr,
  mapExprChildren,
  type Select,
  type SelectExpr,
  walkExpr,
} from "../../../../libs/sqlparser/index.js";
import { exprText } from "./analysis.js";

/** The derived table a query with DISTINCT aggregates is rewritten over. */
const DERIVED = "__vt_distinct";

function unqualified(e: Expr): Expr {
  if (e.kind === "Column") return e.table ? { kind: "Column", name: e.name } : e;
  return mapExprChildren(e, unqualified, (q) => q);
}

/**
 * `count(distinct x)`, `sum(distinct x)`, `avg(distinct x)` across shards (Vitess plans them by grouping on
 * x at the shards): rewritten as the same aggregates without DISTINCT over a derived table that groups by
 * the query's groups and x, so each x counts once per group. Only when every aggregate is DISTINCT over
 * the same column and every other selected expression is a grouped column; undefined otherwise (the query
 * is then planned, or refused, as it is).
 */
export function distinctAggregatesAsDerived(sel: Select): Select | undefined {
  const aggregates: Expr[] = [];
  const exprs = [
    ...sel.columns.flatMap((c: SelectExpr) => (c.kind === "Aliased" ? [c.expr] : [])),
    ...(sel.having ? [sel.having] : []),
    ...sel.orderBy.map((o) => o.expr),
  ];
  for (const e of exprs) {
    walkExpr(
      e,
      (x) => {
        if (x.kind === "Aggregate" || x.kind === "GroupConcat") aggregates.push(x);
      },
      () => undefined,
    );
  }
  const distinct = aggregates.filter((a) => a.kind === "Aggregate" && a.distinct);
  if (distinct.length === 0 || sel.distinct || sel.from.some((t) => t.kind === "Derived")) return undefined;
  const first = distinct[0]?.kind === "Aggregate" ? distinct[0].args[0] : undefined;
  const sameColumn = (a: Expr) =>
    a.kind === "Aggregate" &&
    a.distinct &&
    a.args.length === 1 &&
    a.args[0]?.kind === "Column" &&
    first !== undefined &&
    exprText(unqualified(a.args[0])) === exprText(unqualified(first));
  if (first?.kind !== "Column" || !aggregates.every(sameColumn)) return undefined;
  if (sel.groupBy.some((g) => g.kind !== "Column") || sel.columns.some((c) => c.kind === "Star"))
    return undefined;
  const groups = sel.groupBy.map(unqualified);
  const names = [...groups, unqualified(first)].map((e) => exprText(e));
  if (new Set(names).size !== names.length) return undefined;
  const inner: Select = {
    kind: "Select",
    comments: [],
    distinct: false,
    options: [],
    columns: [...sel.groupBy, first].map((expr) => ({ kind: "Aliased", expr })),
    from: sel.from,
    where: sel.where,
    groupBy: [...sel.groupBy, first],
    withRollup: false,
    orderBy: [],
  };
  const outer = (e: Expr): Expr => {
    const plain = unqualified(e);
    const strip = (x: Expr): Expr =>
      x.kind === "Aggregate" ? { ...x, distinct: false } : mapExprChildren(x, strip, (q) => q);
    return strip(plain);
  };
  return {
    ...sel,
    // Columns keep the names MySQL gives them: the expressions as written.
    columns: sel.columns.map((c) =>
      c.kind === "Aliased" ? { ...c, expr: outer(c.expr), alias: c.alias ?? formatExpr(c.expr) } : c,
    ),
    from: [{ kind: "Derived", query: inner, alias: DERIVED, columns: names, lateral: false }],
    where: undefined,
    groupBy: groups,
    having: sel.having ? outer(sel.having) : undefined,
    orderBy: sel.orderBy.map((o) => ({ ...o, expr: outer(o.expr) })),
  };
}
