import { TabletType } from "../../../libs/proto/topodata.js";
import type { Show } from "../../../libs/sqlparser/index.js";
import type { PlanCursor } from "../engine/cursor.js";
import { FixedResult } from "../engine/fixed-result.js";
import type { Primitive } from "../engine/primitive.js";
import { localField, localResult } from "../engine/results.js";
import { ShowKeyspaces } from "../engine/show-keyspaces.js";
import { ShowShards } from "../engine/show-shards.js";
import { ShowTablets } from "../engine/show-tablets.js";
import { ShowVSchemaTables } from "../engine/show-vschema-tables.js";
import type { PlanContext } from "./context.js";
import { unknownDatabase, unsupported } from "./errors.js";
import { rewriteSql, type SqlRewrite } from "./rewrite.js";
import { buildRoute } from "./route-builder.js";
import { currentKeyspace, defaultKeyspace, qualifierMap, resolveTables } from "./route-planner.js";
import { isSystemSchema } from "./tables.js";

export interface ShowPlan {
  readonly keyspace: string;
  readonly instructions: Primitive<PlanCursor>;
}

const WARNING_FIELDS = () => [localField("Level"), localField("Code"), localField("Message")];

/** SHOW commands with a database (`show tables from commerce`): to that keyspace, the name rewritten. */
const DATABASE_COMMANDS = new Set(["tables", "table status", "open tables", "triggers", "events"]);
/** SHOW commands about one table: routed like the table. */
const TABLE_COMMANDS = new Set(["columns", "index", "create table", "create view"]);

/**
 * SHOW: Vitess's own commands (vitess_tablets, vitess_keyspaces, vitess_shards, databases, vschema
 * tables) are answered by vtgate; commands about a database or a table go to that keyspace's tablet with
 * the keyspace name rewritten to its database name; the rest go to the session's keyspace as they are.
 */
export function planShow(ctx: PlanContext, stmt: Show, sql: string): ShowPlan {
  const local = (instructions: Primitive<PlanCursor>): ShowPlan => ({ keyspace: "", instructions });
  switch (stmt.command) {
    case "databases":
      return local(new ShowKeyspaces(true));
    case "keyspaces":
    case "vitess_keyspaces":
      return local(new ShowKeyspaces(false));
    case "vitess_tablets":
      return local(new ShowTablets());
    case "vitess_shards":
      return local(new ShowShards());
    case "vschema tables":
      return local(new ShowVSchemaTables());
    case "warnings":
    case "errors":
      return local(new FixedResult(stmt.command, () => localResult(WARNING_FIELDS(), [])));
    default:
      break;
  }
  if (stmt.command.startsWith("vitess_") || stmt.command === "vschema vindexes") {
    throw unsupported(`SHOW ${stmt.command.toUpperCase()}`);
  }
  const tabletType = ctx.target.tabletType;
  if (DATABASE_COMMANDS.has(stmt.command) && stmt.database !== undefined && !isSystemSchema(stmt.database)) {
    if (!ctx.vschema.keyspaces.has(stmt.database)) throw unknownDatabase(stmt.database);
    const keyspace = defaultKeyspace(ctx, stmt.database);
    const rw: SqlRewrite = { showDatabase: { from: stmt.database, to: ctx.dbName(stmt.database) } };
    return {
      keyspace: keyspace.name,
      instructions: buildRoute(ctx, keyspace, rewriteSql(sql, rw).sql, { isDML: false }),
    };
  }
  if (TABLE_COMMANDS.has(stmt.command) && stmt.table && !isSystemSchema(stmt.table.qualifier)) {
    const resolved = resolveTables(ctx, [stmt.table], new Set(), {
      tabletType: tabletType ?? TabletType.PRIMARY,
    });
    const keyspace = resolved.keyspace ?? defaultKeyspace(ctx);
    const rw: SqlRewrite = {
      tables: resolved.tables,
      qualifiers: qualifierMap(ctx),
      ...(stmt.table.qualifier !== undefined
        ? { showDatabase: { from: stmt.table.qualifier, to: ctx.dbName(keyspace.name) } }
        : {}),
    };
    return {
      keyspace: keyspace.name,
      instructions: buildRoute(ctx, keyspace, rewriteSql(sql, rw).sql, {
        isDML: false,
        tableNames: resolved.tableNames,
      }),
    };
  }
  if (stmt.command === "create database" && stmt.table && !isSystemSchema(stmt.table.name)) {
    const keyspace = defaultKeyspace(ctx, stmt.table.name);
    const query = `show create database \`${ctx.dbName(keyspace.name)}\``;
    return {
      keyspace: keyspace.name,
      instructions: buildRoute(ctx, keyspace, query, { isDML: false, renameSchemas: true }),
    };
  }
  const keyspace =
    DATABASE_COMMANDS.has(stmt.command) && stmt.database === undefined
      ? currentKeyspace(ctx)
      : defaultKeyspace(ctx);
  return { keyspace: keyspace.name, instructions: buildRoute(ctx, keyspace, sql, { isDML: false }) };
}
