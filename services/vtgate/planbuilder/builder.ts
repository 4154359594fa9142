import { tabletTypeName } from "../../../libs/discovery/index.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import {
  format,
  type Statement,
  type StatementVisitor,
  visitStatement,
} from "../../../libs/sqlparser/index.js";
import type { PlanCursor } from "../engine/cursor.js";
import { ALL_SHARDS, destinationShard } from "../engine/destination.js";
import type { Primitive } from "../engine/primitive.js";
import { SavepointStatement } from "../engine/savepoint.js";
import { Send } from "../engine/send.js";
import { TransactionStatement } from "../engine/transaction.js";
import { UseTarget } from "../engine/use-target.js";
import { VExplainPlan } from "../engine/vexplain.js";
import type { PlanContext } from "./context.js";
import { unsupported, writeToReplica } from "./errors.js";
import { planLocalSelect } from "./local-select.js";
import { withMirror } from "./mirror.js";
import type { Plan, StatementType } from "./plan.js";
import { rewriteSql, type SqlRewrite } from "./rewrite.js";
import { buildRoute, targetedKeyspace } from "./route-builder.js";
import {
  defaultKeyspace,
  keyspaceLiterals,
  qualifierMap,
  resolveTables,
  tableRewrite,
} from "./route-planner.js";
import { planSet, planSetTransaction } from "./set.js";
import { planSharded } from "./sharded/index.js";
import { planVindexFunc } from "./sharded/vindex-func.js";
import { planShow } from "./show.js";
import { collectTables } from "./tables.js";

function plan(statementType: StatementType, keyspace: string, instructions: Primitive<PlanCursor>): Plan {
  return { statementType, keyspace, instructions };
}

/**
 * SELECT/INSERT/UPDATE/DELETE (and EXPLAIN of them): to the keyspace of their tables, qualifiers rewritten
 * to the tablets' database names, session values bound at execution. `tablesOf` is the statement whose
 * tables decide (the explained one for EXPLAIN).
 */
function routeStatement(
  ctx: PlanContext,
  tablesOf: Statement,
  sql: string,
  statementType: StatementType,
  isDML: boolean,
): Plan {
  if (isDML && ctx.target.tabletType !== TabletType.PRIMARY) {
    throw writeToReplica(statementType, tabletTypeName(ctx.target.tabletType).toLowerCase());
  }
  if (ctx.target.shard !== undefined) {
    const keyspace = targetedKeyspace(ctx);
    const rewritten = rewriteSql(sql, { qualifiers: qualifierMap(ctx), sessionValues: true });
    return plan(
      statementType,
      keyspace.name,
      buildRoute(ctx, keyspace, rewritten.sql, { isDML, sessionBindVars: rewritten.sessionBindVars }),
    );
  }
  if (tablesOf.kind === "Select") {
    const vindexFunc = planVindexFunc(ctx, ctx.normalized?.kind === "Select" ? ctx.normalized : tablesOf);
    if (vindexFunc)
      return {
        ...plan(statementType, vindexFunc.keyspace, vindexFunc),
        normalized: ctx.normalized !== undefined,
      };
  }
  const { tables, cteNames } = collectTables(tablesOf);
  const resolved = resolveTables(ctx, tables, cteNames, { tabletType: ctx.target.tabletType });
  if (resolved.keyspace?.sharded) {
    if (statementType === "EXPLAIN") throw unsupported("EXPLAIN on a sharded keyspace: use vexplain plan");
    const stmt = ctx.normalized ?? tablesOf;
    return {
      ...plan(statementType, resolved.keyspace.name, planSharded(ctx, stmt, resolved.keyspace, resolved)),
      normalized: ctx.normalized !== undefined,
    };
  }
  const rw: SqlRewrite = {
    ...tableRewrite(ctx, resolved, true),
    ...(resolved.systemSchema ? { keyspaceLiterals: keyspaceLiterals(ctx) } : {}),
  };
  const rewritten = rewriteSql(sql, rw);
  const keyspace =
    resolved.keyspace ??
    defaultKeyspace(ctx, resolved.systemSchema ? rewritten.literalKeyspaces[0] : undefined);
  return plan(
    statementType,
    keyspace.name,
    buildRoute(ctx, keyspace, rewritten.sql, {
      isDML,
      tableNames: resolved.tableNames,
      sessionBindVars: rewritten.sessionBindVars,
      renameSchemas: resolved.systemSchema,
    }),
  );
}

/** A SELECT or UNION: routed like other statements, and mirrored when its tables have mirror rules. */
function routeSelect(ctx: PlanContext, stmt: Statement, sql: string): Plan {
  const main = routeStatement(ctx, stmt, sql, "SELECT", false);
  return withMirror(ctx, main, (mirrorCtx) => routeStatement(mirrorCtx, stmt, sql, "SELECT", false));
}

/** `vexplain plan <query>` / `explain format=vitess <query>`: the plan of the query, as JSON. */
function vexplain(ctx: PlanContext, stmt: Statement, type: string): Plan {
  if (type !== "plan") throw unsupported(`VEXPLAIN ${type.toUpperCase()}`);
  const { normalized: _, ...rest } = ctx;
  const inner = buildPlan(stmt, format(stmt), ctx.normalized ? { ...rest, normalized: stmt } : rest);
  return {
    ...plan("EXPLAIN", inner.keyspace, new VExplainPlan(inner.instructions)),
    normalized: ctx.normalized !== undefined,
  };
}

/** DDL: to the PRIMARY of every shard of the keyspace of its tables (or the session's keyspace). */
function ddl(ctx: PlanContext, stmt: Statement, sql: string): Plan {
  const { tables, cteNames } = collectTables(stmt);
  const targeted = ctx.target.shard !== undefined;
  const resolved = resolveTables(ctx, tables, cteNames, {
    tabletType: TabletType.PRIMARY,
    newTables: true,
    routed: false,
  });
  const keyspace = targeted ? targetedKeyspace(ctx) : (resolved.keyspace ?? defaultKeyspace(ctx));
  const query = rewriteSql(sql, { tables: resolved.tables, qualifiers: qualifierMap(ctx) }).sql;
  return plan(
    "DDL",
    keyspace.name,
    new Send({
      keyspace: keyspace.name,
      destination: targeted ? destinationShard(ctx.target.shard as string) : ALL_SHARDS,
      query,
      isDML: false,
      isDDL: true,
    }),
  );
}

/** Statements the parser keeps as text: DDL-like ones to every shard's primary, the rest to the session's keyspace. */
function other(ctx: PlanContext, category: string, sql: string): Plan {
  const keyspace = ctx.target.shard !== undefined ? targetedKeyspace(ctx) : defaultKeyspace(ctx);
  if (category === "ddl") {
    return plan(
      "DDL",
      keyspace.name,
      new Send({
        keyspace: keyspace.name,
        destination: ctx.target.shard !== undefined ? destinationShard(ctx.target.shard) : ALL_SHARDS,
        query: sql,
        isDML: false,
        isDDL: true,
      }),
    );
  }
  return plan(
    category === "show" ? "SHOW" : "OTHER",
    keyspace.name,
    buildRoute(ctx, keyspace, sql, { isDML: false }),
  );
}

/**
 * Plans one statement (Vitess's planbuilder.BuildFromStmt) for unsharded keyspaces and shard targeting.
 * Throws the error the client should see: 1146 for a table no keyspace has, 1049 for an unknown keyspace,
 * UNIMPLEMENTED for what needs sharded routing or is not supported.
 */
export function buildPlan(stmt: Statement, sql: string, ctx: PlanContext): Plan {
  const ddlOf = (s: Statement) => ddl(ctx, s, sql);
  const visitor: StatementVisitor<Plan> = {
    Select: (s) => {
      const local = planLocalSelect(s, sql);
      return local ? plan("SELECT", "", local) : routeSelect(ctx, s, sql);
    },
    Union: (s) => routeSelect(ctx, s, sql),
    Insert: (s) => routeStatement(ctx, s, sql, "INSERT", true),
    Update: (s) => routeStatement(ctx, s, sql, "UPDATE", true),
    Delete: (s) => routeStatement(ctx, s, sql, "DELETE", true),
    Set: (s) => plan("SET", "", planSet(s)),
    SetTransaction: (s) => plan("SET", "", planSetTransaction(s)),
    Use: (s) => plan("USE", "", new UseTarget(s.target)),
    Begin: () => plan("BEGIN", "", new TransactionStatement("begin")),
    Commit: () => plan("COMMIT", "", new TransactionStatement("commit")),
    Rollback: (s) =>
      s.savepoint === undefined
        ? plan("ROLLBACK", "", new TransactionStatement("rollback"))
        : plan("SAVEPOINT", "", new SavepointStatement("rollback", s.savepoint, sql)),
    Savepoint: (s) => plan("SAVEPOINT", "", new SavepointStatement("savepoint", s.name, sql)),
    ReleaseSavepoint: (s) => plan("SAVEPOINT", "", new SavepointStatement("release", s.name, sql)),
    Show: (s) => {
      const shown = planShow(ctx, s, sql);
      return plan("SHOW", shown.keyspace, shown.instructions);
    },
    Explain: (s) => {
      if (s.format === "vitess") return vexplain(ctx, s.statement, "plan");
      if (s.format === "vtexplain") throw unsupported(`EXPLAIN FORMAT=${s.format.toUpperCase()}`);
      return routeStatement(ctx, s.statement, sql, "EXPLAIN", false);
    },
    VExplain: (s) => {
      const inner = ctx.normalized?.kind === "VExplain" ? ctx.normalized.statement : s.statement;
      return vexplain(ctx, inner, s.type);
    },
    CreateTable: ddlOf,
    CreateIndex: ddlOf,
    CreateView: ddlOf,
    AlterView: ddlOf,
    AlterTable: ddlOf,
    RenameTable: ddlOf,
    DropTable: ddlOf,
    DropIndex: ddlOf,
    DropView: ddlOf,
    TruncateTable: ddlOf,
    CreateDatabase: () => {
      throw unsupported("CREATE DATABASE: a keyspace is created with vtctldclient CreateKeyspace");
    },
    DropDatabase: () => {
      throw unsupported("DROP DATABASE: a keyspace is deleted with vtctldclient DeleteKeyspace");
    },
    Other: (s) => other(ctx, s.category, sql),
  };
  return visitStatement(stmt, visitor);
}
