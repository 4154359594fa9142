import type { Statement } from "../../../../libs/sqlparser/index.js";
import type { KeyspaceRef } from "../../../../libs/vschema/index.js";
import type { PlanCursor } from "../../engine/cursor.js";
import type { Primitive } from "../../engine/primitive.js";
import type { PlanContext } from "../context.js";
import { unsupported } from "../errors.js";
import type { ResolvedTables } from "../route-planner.js";
import { planShardedDml } from "./dml.js";
import { planShardedInsert } from "./insert.js";
import { planShardedSelect } from "./select.js";
import { SubqueryNames } from "./subquery.js";
import { planShardedUnion } from "./union.js";

/** A statement on a sharded keyspace (no shard targeted): SELECT, INSERT, UPDATE, DELETE. */
export function planSharded(
  ctx: PlanContext,
  stmt: Statement,
  keyspace: KeyspaceRef,
  resolved: ResolvedTables,
): Primitive<PlanCursor> {
  if (resolved.systemSchema) throw unsupported("system schema tables together with a sharded keyspace");
  switch (stmt.kind) {
    case "Select":
      return planShardedSelect(ctx, stmt, keyspace, resolved);
    case "Insert":
      return planShardedInsert(ctx, stmt, keyspace, resolved);
    case "Update":
    case "Delete":
      return planShardedDml(ctx, stmt, keyspace, resolved);
    case "Union": {
      const names = new SubqueryNames();
      return planShardedUnion(stmt, (q) => {
        if (q.kind !== "Select")
          throw unsupported(`parenthesized UNION on sharded keyspace ${keyspace.name}`);
        return planShardedSelect(ctx, q, keyspace, resolved, names);
      });
    }
    default:
      throw unsupported(
        `${stmt.kind.toUpperCase()} on sharded keyspace ${keyspace.name} without a shard target`,
      );
  }
}
