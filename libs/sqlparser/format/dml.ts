import type { Delete, Insert, Update, UpdateExpr } from "../ast/dml.js";
import type { Expr } from "../ast/expr.js";
import { formatExpr, formatExprList, formatOrderBy } from "./expr.js";
import { formatComments, formatLimit, formatQuery, formatTableExprs } from "./query.js";
import { formatIdent, formatTableName } from "./quote.js";

function formatAssignments(list: readonly UpdateExpr[]): string {
  let s = "";
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as UpdateExpr;
    if (i > 0) s += ", ";
    s += `${formatExpr(a.column)} = ${formatExpr(a.expr)}`;
  }
  return s;
}

export function formatInsert(stmt: Insert): string {
  let s = `${stmt.action} ${formatComments(stmt.comments)}`;
  if (stmt.priority !== undefined) s += `${stmt.priority} `;
  if (stmt.ignore) s += "ignore ";
  s += `into ${formatTableName(stmt.table)}`;
  if (stmt.partitions !== undefined) s += ` partition (${stmt.partitions.map(formatIdent).join(", ")})`;
  if (stmt.columns.length > 0) s += `(${stmt.columns.map(formatIdent).join(", ")})`;
  if (stmt.rows.kind === "Values") {
    s += " values ";
    const rows = stmt.rows.rows;
    for (let i = 0; i < rows.length; i++) {
      if (i > 0) s += ", ";
      s += `(${formatExprList(rows[i] as readonly Expr[])})`;
    }
  } else {
    s += ` ${formatQuery(stmt.rows.query)}`;
  }
  if (stmt.onDuplicate.length > 0) s += ` on duplicate key update ${formatAssignments(stmt.onDuplicate)}`;
  return s;
}

export function formatUpdate(stmt: Update): string {
  let s = `update ${formatComments(stmt.comments)}`;
  if (stmt.lowPriority) s += "low_priority ";
  if (stmt.ignore) s += "ignore ";
  s += `${formatTableExprs(stmt.tables)} set ${formatAssignments(stmt.set)}`;
  if (stmt.where !== undefined) s += ` where ${formatExpr(stmt.where)}`;
  if (stmt.orderBy.length > 0) s += ` order by ${formatOrderBy(stmt.orderBy)}`;
  if (stmt.limit !== undefined) s += formatLimit(stmt.limit);
  return s;
}

export function formatDelete(stmt: Delete): string {
  let s = `delete ${formatComments(stmt.comments)}`;
  if (stmt.lowPriority) s += "low_priority ";
  if (stmt.quick) s += "quick ";
  if (stmt.ignore) s += "ignore ";
  if (stmt.targets.length > 0) s += `${stmt.targets.map(formatTableName).join(", ")} `;
  s += `from ${formatTableExprs(stmt.from)}`;
  if (stmt.partitions !== undefined) s += ` partition (${stmt.partitions.map(formatIdent).join(", ")})`;
  if (stmt.where !== undefined) s += ` where ${formatExpr(stmt.where)}`;
  if (stmt.orderBy.length > 0) s += ` order by ${formatOrderBy(stmt.orderBy)}`;
  if (stmt.limit !== undefined) s += formatLimit(stmt.limit);
  return s;
}
