import { formatExpr, type QueryExpr, type Union } from "../../../../libs/sqlparser/index.js";
import { Concatenate } from "../../engine/concatenate.js";
import type { PlanCursor } from "../../engine/cursor.js";
import { Distinct } from "../../engine/distinct.js";
import { Limit } from "../../engine/limit.js";
import { MemorySort, type SortKey } from "../../engine/memory-sort.js";
import type { Primitive } from "../../engine/primitive.js";
import { unsupported } from "../errors.js";
import { limitValues } from "./analysis.js";

/**
 * UNION [ALL] on a sharded keyspace (Vitess's Concatenate): each SELECT is planned on its own, their rows
 * concatenated at vtgate; UNION (distinct) drops duplicates of everything to its left, as MySQL does
 * with mixed unions. ORDER BY (result columns by name or position) and LIMIT of the union run at vtgate.
 */
export function planShardedUnion(
  union: Union,
  planSelect: (q: QueryExpr) => Primitive<PlanCursor>,
): Primitive<PlanCursor> {
  if (union.with) throw unsupported("WITH (common table expressions) on a sharded keyspace");
  if (union.lock) throw unsupported(`${union.lock} on a UNION across shards`);
  const side = (q: QueryExpr) =>
    q.kind === "Union" && q.orderBy.length === 0 && !q.limit
      ? planShardedUnion(q, planSelect)
      : planSelect(q);
  let plan: Primitive<PlanCursor> = new Concatenate([side(union.left), side(union.right)]);
  if (!union.all) plan = new Distinct(plan, 0);
  const keys = union.orderBy.map((o): SortKey => {
    const e = o.expr;
    const desc = o.direction === "desc";
    if (e.kind === "Literal" && e.type === "int") return { column: Number(e.value) - 1, desc };
    if (e.kind === "Column" && !e.table) return { column: e.name, desc };
    throw unsupported(`ORDER BY ${formatExpr(e)} of a UNION across shards: order by result columns`);
  });
  if (keys.length > 0) plan = new MemorySort(plan, keys);
  const limit = limitValues(union.limit);
  if (limit) plan = new Limit(plan, limit.count, limit.offset);
  return plan;
}
