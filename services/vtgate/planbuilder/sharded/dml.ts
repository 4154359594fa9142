import { type Delete, format, type Update } from "../../../../libs/sqlparser/index.js";
import { isLookup } from "../../../../libs/vindexes/index.js";
import type { KeyspaceRef } from "../../../../libs/vschema/index.js";
import type { PlanCursor } from "../../engine/cursor.js";
import type { Primitive } from "../../engine/primitive.js";
import { LIST_VAR } from "../../engine/route.js";
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
} from "./analysis.js";
import { shardedRoute } from "./route.js";

/**
 * UPDATE/DELETE of one table of a sharded keyspace: to the shard of `vindex col = value`, the shards of an
 * IN list, or every shard (each shard commits on its own unless the session is in a transaction). Changing
 * a vindex column, ORDER BY/LIMIT over several shards, joins and subqueries are refused.
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
  if (t.table.columnVindexes.some((cv) => isLookup(cv.vindex) && cv.owned)) {
    throw unsupported(`${stmt.kind.toUpperCase()} of table ${t.table.name}, which owns lookup vindexes`);
  }
  if (stmt.kind === "Update") {
    for (const set of stmt.set) {
      const cv = t.table.columnVindexes.find((v) =>
        v.columns.some((c) => c.toLowerCase() === set.column.name.toLowerCase()),
      );
      if (cv) {
        throw unsupported(`you cannot UPDATE primary vindex columns; invalid update on vindex: ${cv.name}`);
      }
    }
    refuseSubqueries([stmt.where, ...stmt.set.map((s) => s.expr)], keyspace.name);
  } else {
    refuseSubqueries([stmt.where], keyspace.name);
  }
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
  return shardedRoute(ctx, keyspace, resolved, format({ ...stmt, where }), routing, true);
}
