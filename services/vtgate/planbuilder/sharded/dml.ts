import {
  type Delete,
  type Expr,
  format,
  formatExpr,
  type Select,
  type TableExpr,
  type Update,
} from "../../../../libs/sqlparser/index.js";
import { isCursorSingleColumn, isLookup, isSingleColumn } from "../../../../libs/vindexes/index.js";
import type { KeyspaceRef } from "../../../../libs/vschema/index.js";
import type { PlanCursor } from "../../engine/cursor.js";
import { type OwnedVindex, OwnedVindexDml } from "../../engine/dml-owned-vindexes.js";
import type { Primitive } from "../../engine/primitive.js";
import { LIST_VAR, type Route } from "../../engine/route.js";
import type { PlanContext } from "../context.js";
import { unsupported } from "../errors.js";
import type { ResolvedTables } from "../route-planner.js";
import {
  chooseRouting,
  conjuncts,
  findShardedTable,
  flattenFrom,
  refuseSubqueries,
  replaceExpr,
  routeValueOf,
  type TableRef,
} from "./analysis.js";
import { shardedRoute } from "./route.js";
import { planShardedSelect } from "./select.js";
import { extractSubqueries, SubqueryNames } from "./subquery.js";

/**
 * UPDATE/DELETE of one table of a sharded keyspace: to the shard of `vindex col = value`, the shards of an
 * IN list, or every shard (each shard commits on its own unless the session is in a transaction). A table
 * owning lookup vindexes keeps their rows in step (engine/dml-owned-vindexes.ts). Changing the primary
 * vindex column or an unowned vindex's, ORDER BY/LIMIT over several shards, joins and subqueries in SET
 * are refused; subqueries in WHERE are planned as in a SELECT.
 */
export function planShardedDml(
  ctx: PlanContext,
  stmt: Update | Delete,
  keyspace: KeyspaceRef,
  resolved: ResolvedTables,
): Primitive<PlanCursor> {
  const from = stmt.kind === "Update" ? stmt.tables : stmt.from;
  if (stmt.kind === "Delete" && stmt.targets.length > 0)
    throw unsupported("multi-table DELETE on a sharded keyspace");
  const { tables } = flattenFrom(from, findShardedTable(ctx, keyspace.name));
  if (tables.length !== 1) throw unsupported(`multi-table ${stmt.kind.toUpperCase()} on a sharded keyspace`);
  const t = tables[0]!;
  if (!t.primary) throw unsupported(`table ${t.table.name} has no primary vindex`);
  if (stmt.kind === "Update") {
    for (const set of stmt.set) {
      const cv = t.table.columnVindexes.find((v) =>
        v.columns.some((c) => c.toLowerCase() === set.column.name.toLowerCase()),
      );
      if (cv === t.primary) {
        throw unsupported(`you cannot UPDATE primary vindex columns; invalid update on vindex: ${cv?.name}`);
      }
      if (cv && !cv.owned) {
        throw unsupported(
          `you cannot UPDATE a column of vindex ${cv.name}, which table ${t.table.name} does not own`,
        );
      }
    }
    refuseSubqueries(
      stmt.set.map((s) => s.expr),
      keyspace.name,
    );
  }
  const subqueries = whereSubqueries(ctx, stmt.where, from, tables, keyspace, resolved);
  const planned = planDml(ctx, { ...stmt, where: subqueries.where }, keyspace, resolved, t, from);
  return subqueries.wrap(planned);
}

/**
 * The subqueries of a DML's WHERE clause: uncorrelated ones pulled out and run first (their values bound),
 * correlated ones kept when they read the row's shard only (see subquery.ts).
 */
function whereSubqueries(
  ctx: PlanContext,
  where: Expr | undefined,
  from: readonly TableExpr[],
  tables: readonly TableRef[],
  keyspace: KeyspaceRef,
  resolved: ResolvedTables,
): { where: Expr | undefined; wrap(plan: Primitive<PlanCursor>): Primitive<PlanCursor> } {
  const names = new SubqueryNames();
  const select: Select = {
    kind: "Select",
    comments: [],
    distinct: false,
    options: [],
    columns: [],
    from,
    where,
    groupBy: [],
    withRollup: false,
    orderBy: [],
  };
  const extracted = extractSubqueries(select, {
    tables,
    conditions: conjuncts(where),
    colocated: true,
    find: findShardedTable(ctx, keyspace.name),
    keyspace: keyspace.name,
    names,
    plan: (q) => planShardedSelect(ctx, q, keyspace, resolved, names),
  });
  return { where: extracted.select.where, wrap: (plan) => extracted.wrap(plan) };
}

function planDml(
  ctx: PlanContext,
  stmt: Update | Delete,
  keyspace: KeyspaceRef,
  resolved: ResolvedTables,
  t: TableRef,
  from: readonly TableExpr[],
): Primitive<PlanCursor> {
  const tables = [t];
  const routing = chooseRouting(tables, conjuncts(stmt.where));
  if (routing.opcode !== "EqualUnique" && (stmt.limit || stmt.orderBy.length > 0)) {
    throw unsupported(`multi-shard ${stmt.kind.toUpperCase()} with ORDER BY or LIMIT`);
  }
  let where = stmt.where;
  if (where && routing.inExpr && routing.inExpr.kind === "In") {
    where = replaceExpr(where, routing.inExpr, {
      ...routing.inExpr,
      values: { kind: "BindVar", name: LIST_VAR, list: true },
    });
  }
  const dml = shardedRoute(ctx, keyspace, resolved, format({ ...stmt, where }), routing, true);
  if (t.table.owned.length === 0) return dml;
  return ownedVindexDml(t, stmt, from, where, dml, (sql) =>
    shardedRoute(ctx, keyspace, resolved, sql, routing, true),
  );
}

/**
 * The DML with the owned vindex query that reads, before the statement runs, each touched row's primary
 * vindex value and owned vindex columns (and for an UPDATE whether the row already holds the new value).
 */
function ownedVindexDml(
  t: TableRef,
  stmt: Update | Delete,
  from: readonly TableExpr[],
  where: Expr | undefined,
  dml: Route,
  route: (sql: string) => Route,
): OwnedVindexDml {
  const ksidVindex = t.primary?.vindex;
  const ksidColumn = t.primary?.columns[0];
  if (!ksidVindex || !ksidColumn || (!isSingleColumn(ksidVindex) && !isCursorSingleColumn(ksidVindex))) {
    throw unsupported(
      `${stmt.kind.toUpperCase()} of ${t.table.name}: its primary vindex maps no single column`,
    );
  }
  const column = (name: string): Expr => ({ kind: "Column", name });
  const selectExprs: Expr[] = [column(ksidColumn)];
  const changes: Expr[] = [];
  const owned = t.table.owned.map((cv): OwnedVindex => {
    const vindex = cv.vindex;
    const col = cv.columns[0] as string;
    if (!isLookup(vindex) || cv.columns.length !== 1) {
      throw unsupported(
        `${stmt.kind.toUpperCase()} of ${t.table.name}: multi-column lookup vindex ${cv.name}`,
      );
    }
    selectExprs.push(column(col));
    const set =
      stmt.kind === "Update"
        ? stmt.set.find((u) => u.column.name.toLowerCase() === col.toLowerCase())
        : undefined;
    if (!set) return { vindex, column: col };
    const value = routeValueOf(set.expr);
    if (!value) {
      throw unsupported(
        `UPDATE of lookup vindex column ${col} to ${formatExpr(set.expr)}: only literals are supported`,
      );
    }
    // The flag columns follow the primary vindex column and every owned vindex column.
    const unchangedOffset = 1 + t.table.owned.length + changes.length;
    changes.push({ kind: "Binary", op: "=", left: column(col), right: set.expr });
    return { vindex, column: col, change: { value, unchangedOffset } };
  });

  const select: Select = {
    kind: "Select",
    comments: [],
    distinct: false,
    options: [],
    columns: [...selectExprs, ...changes].map((expr) => ({ kind: "Aliased", expr })),
    from,
    where,
    groupBy: [],
    withRollup: false,
    orderBy: stmt.orderBy,
    limit: stmt.limit,
    lock: "for update",
  };
  return new OwnedVindexDml({
    statement: stmt.kind === "Update" ? "update" : "delete",
    table: t.table.name,
    ownedVindexQuery: route(format(select)),
    ksidVindex,
    owned,
    dml,
  });
}
