import type { KeyspaceRef } from "../../../../libs/vschema/index.js";
import { Route } from "../../engine/route.js";
import type { PlanContext } from "../context.js";
import { rewriteSql } from "../rewrite.js";
import { type ResolvedTables, tableRewrite } from "../route-planner.js";
import type { Routing } from "./analysis.js";

/** The Route of a statement on a sharded keyspace: keyspace qualifiers rewritten to database names. */
export function shardedRoute(
  ctx: PlanContext,
  keyspace: KeyspaceRef,
  resolved: ResolvedTables,
  sql: string,
  routing: Routing,
  isDML: boolean,
  fieldQuery?: string,
): Route {
  const rw = tableRewrite(ctx, resolved, true);
  const rewritten = rewriteSql(sql, rw);
  return new Route({
    opcode: routing.opcode,
    keyspace: keyspace.name,
    query: rewritten.sql,
    tableNames: resolved.tableNames,
    isDML,
    sessionBindVars: rewritten.sessionBindVars,
    ...(routing.vindex ? { vindex: routing.vindex } : {}),
    ...(routing.value ? { value: routing.value } : {}),
    ...(routing.values ? { values: routing.values } : {}),
    ...(fieldQuery !== undefined && routing.opcode !== "Scatter"
      ? { fieldQuery: rewriteSql(fieldQuery, rw).sql }
      : {}),
  });
}
