import type { IndexHint, Limit, QueryExpr, Select, SelectExpr, TableExpr, With } from "../ast/query.js";
import { formatExpr, formatExprList, formatOrderBy } from "./expr.js";
import { formatIdent, formatTableName } from "./quote.js";

export function formatComments(comments: readonly string[]): string {
  let s = "";
  for (const c of comments) s += `${c} `;
  return s;
}

export function formatLimit(limit: Limit): string {
  return limit.offset === undefined
    ? ` limit ${formatExpr(limit.count)}`
    : ` limit ${formatExpr(limit.offset)}, ${formatExpr(limit.count)}`;
}

function formatWith(w: With): string {
  let s = w.recursive ? "with recursive " : "with ";
  w.ctes.forEach((cte, i) => {
    if (i > 0) s += ", ";
    s += formatIdent(cte.name);
    if (cte.columns !== undefined) s += `(${cte.columns.map(formatIdent).join(", ")})`;
    s += ` as (${formatQuery(cte.query)})`;
  });
  return `${s} `;
}

/** Order/limit/lock of a query, which need parentheses when the query is one side of a UNION. */
function hasTail(q: QueryExpr): boolean {
  return q.orderBy.length > 0 || q.limit !== undefined || q.lock !== undefined || q.with !== undefined;
}

function formatTail(q: QueryExpr): string {
  let s = "";
  if (q.orderBy.length > 0) s += ` order by ${formatOrderBy(q.orderBy)}`;
  if (q.limit !== undefined) s += formatLimit(q.limit);
  if (q.lock !== undefined) s += ` ${q.lock}`;
  return s;
}

/** SQL text of a SELECT or UNION. */
export function formatQuery(q: QueryExpr): string {
  const prefix = q.with === undefined ? "" : formatWith(q.with);
  if (q.kind === "Select") return prefix + formatSelect(q);
  const left = hasTail(q.left) ? `(${formatQuery(q.left)})` : formatQuery(q.left);
  const right =
    q.right.kind === "Union" || hasTail(q.right) ? `(${formatQuery(q.right)})` : formatQuery(q.right);
  return `${prefix}${left} union ${q.all ? "all " : ""}${right}${formatTail(q)}`;
}

function formatSelect(q: Select): string {
  let s = `select ${formatComments(q.comments)}`;
  if (q.distinct) s += "distinct ";
  for (const o of q.options) s += `${o} `;
  s += formatSelectExprs(q.columns);
  s += q.from.length === 0 ? " from dual" : ` from ${formatTableExprs(q.from)}`;
  if (q.where !== undefined) s += ` where ${formatExpr(q.where)}`;
  if (q.groupBy.length > 0)
    s += ` group by ${formatExprList(q.groupBy)}${q.withRollup ? " with rollup" : ""}`;
  if (q.having !== undefined) s += ` having ${formatExpr(q.having)}`;
  return s + formatTail(q);
}

function formatSelectExpr(e: SelectExpr): string {
  switch (e.kind) {
    case "Star":
      return e.table === undefined ? "*" : `${formatTableName(e.table)}.*`;
    case "Aliased":
      return e.alias === undefined ? formatExpr(e.expr) : `${formatExpr(e.expr)} as ${formatIdent(e.alias)}`;
    case "NextValues":
      return `next ${formatExpr(e.count)} values`;
  }
}

function formatSelectExprs(list: readonly SelectExpr[]): string {
  let s = "";
  for (let i = 0; i < list.length; i++) {
    if (i > 0) s += ", ";
    s += formatSelectExpr(list[i] as SelectExpr);
  }
  return s;
}

function formatHint(h: IndexHint): string {
  const forClause = h.for === undefined ? "" : ` for ${h.for}`;
  return ` ${h.type} index${forClause} (${h.indexes.map(formatIdent).join(", ")})`;
}

export function formatTableExpr(t: TableExpr): string {
  switch (t.kind) {
    case "Table": {
      let s = formatTableName(t.name);
      if (t.partitions !== undefined) s += ` partition (${t.partitions.map(formatIdent).join(", ")})`;
      if (t.alias !== undefined) s += ` as ${formatIdent(t.alias)}`;
      if (t.hints !== undefined) for (const h of t.hints) s += formatHint(h);
      return s;
    }
    case "Derived": {
      let s = `${t.lateral ? "lateral " : ""}(${formatQuery(t.query)}) as ${formatIdent(t.alias)}`;
      if (t.columns !== undefined) s += `(${t.columns.map(formatIdent).join(", ")})`;
      return s;
    }
    case "Join": {
      const right = t.right.kind === "Join" ? `(${formatTableExpr(t.right)})` : formatTableExpr(t.right);
      let s = `${formatTableExpr(t.left)} ${t.type} ${right}`;
      if (t.on !== undefined) s += ` on ${formatExpr(t.on)}`;
      if (t.using !== undefined) s += ` using (${t.using.map(formatIdent).join(", ")})`;
      return s;
    }
    case "ParenTables":
      return `(${formatTableExprs(t.tables)})`;
  }
}

export function formatTableExprs(list: readonly TableExpr[]): string {
  let s = "";
  for (let i = 0; i < list.length; i++) {
    if (i > 0) s += ", ";
    s += formatTableExpr(list[i] as TableExpr);
  }
  return s;
}
