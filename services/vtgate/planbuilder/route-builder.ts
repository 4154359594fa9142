import type { KeyspaceRef } from "../../../libs/vschema/index.js";
import type { PlanCursor } from "../engine/cursor.js";
import { destinationShard } from "../engine/destination.js";
import type { Primitive } from "../engine/primitive.js";
import { RenameSchema } from "../engine/rename-schema.js";
import { Route, type SessionBindVars } from "../engine/route.js";
import type { PlanContext } from "./context.js";
import { unknownDatabase } from "./errors.js";
import { requireUnsharded } from "./route-planner.js";

export interface RouteOptions {
  readonly isDML: boolean;
  readonly tableNames?: readonly string[];
  readonly sessionBindVars?: SessionBindVars;
  /** Map database names back to keyspace names in the results (system-schema queries). */
  readonly renameSchemas?: boolean;
}

/**
 * The Route for a statement of `keyspace`: to the session's shard when it targets one (Vitess's shard
 * targeting: the statement goes there as is), else to the unsharded keyspace's shard.
 */
export function buildRoute(
  ctx: PlanContext,
  keyspace: KeyspaceRef,
  sql: string,
  options: RouteOptions,
): Primitive<PlanCursor> {
  let route: Route;
  const common = {
    query: sql,
    tableNames: options.tableNames ?? [],
    isDML: options.isDML,
    sessionBindVars: options.sessionBindVars,
  };
  if (ctx.target.shard !== undefined) {
    route = new Route({
      ...common,
      opcode: "ByDestination",
      keyspace: ctx.target.keyspace || keyspace.name,
      destination: destinationShard(ctx.target.shard),
    });
  } else {
    requireUnsharded(ctx, keyspace);
    route = new Route({ ...common, opcode: "Unsharded", keyspace: keyspace.name });
  }
  if (!options.renameSchemas) return route;
  const names = new Map<string, string>();
  for (const name of ctx.vschema.keyspaces.keys()) names.set(ctx.dbName(name), name);
  return new RenameSchema(route, names);
}

/** The session's target keyspace under shard targeting; 1049 when it does not exist. */
export function targetedKeyspace(ctx: PlanContext): KeyspaceRef {
  const ks = ctx.vschema.keyspaces.get(ctx.target.keyspace);
  if (!ks) throw unknownDatabase(ctx.target.keyspace);
  return ks.keyspace;
}
