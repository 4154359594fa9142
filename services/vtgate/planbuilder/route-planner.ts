import { TabletType } from "../../../libs/proto/topodata.js";
import type { TableName } from "../../../libs/sqlparser/index.js";
import type { KeyspaceRef, VSchemaTable } from "../../../libs/vschema/index.js";
import { Code, isVtError, VtError } from "../../../libs/vterrors/index.js";
import type { MirrorPlanning, PlanContext } from "./context.js";
import { noDatabaseSelected, tableNotFound, unknownDatabase, unsupported } from "./errors.js";
import { type SqlRewrite, type TableRename, tableKey } from "./rewrite.js";
import { isSystemSchema } from "./tables.js";

/** Where a statement's tables live, and how their names change for the tablets. */
export interface ResolvedTables {
  /** The one keyspace every (non-system) table is in; undefined when the statement names none. */
  readonly keyspace: KeyspaceRef | undefined;
  /** `ks.table` of each table, for plan descriptions. */
  readonly tableNames: readonly string[];
  readonly tables: ReadonlyMap<string, TableRename>;
  /** The statement reads information_schema (or another system schema). */
  readonly systemSchema: boolean;
}

export interface ResolveOptions {
  readonly tabletType: TabletType;
  /** DDL may name tables the VSchema does not know yet (CREATE TABLE): they go to their keyspace. */
  readonly newTables?: boolean;
  /** Routing rules apply (not to DDL, which works on the physical tables). Default true. */
  readonly routed?: boolean;
}

/** Raised while planning a mirrored copy when a table of the query has no mirror rule: nothing is mirrored. */
class NotMirrored extends Error {}

function mirrorTarget(
  ctx: PlanContext,
  mirror: MirrorPlanning,
  table: VSchemaTable | undefined,
  tabletType: TabletType,
): VSchemaTable {
  const rule = table && ctx.vschema.findMirrorRule(table, tabletType);
  if (!rule) throw new NotMirrored();
  mirror.percent = Math.min(mirror.percent, rule.percent);
  return rule.table;
}

/** The keyspace of a name: qualified, else the session's; NOT_FOUND 1049 for a keyspace that does not exist. */
function keyspaceOf(ctx: PlanContext, qualifier: string | undefined): string | undefined {
  if (qualifier !== undefined) {
    if (!ctx.vschema.keyspaces.has(qualifier)) throw unknownDatabase(qualifier);
    return qualifier;
  }
  return ctx.target.keyspace === "" ? undefined : ctx.target.keyspace;
}

function asMysqlError(err: unknown, table: TableName): unknown {
  if (isVtError(err, Code.NOT_FOUND) && !err.mysql) {
    return table.qualifier ? unknownDatabase(table.qualifier) : tableNotFound(table.name);
  }
  return err;
}

/**
 * Resolves each table like Vitess's vcursor.FindTable: the qualifier (or the session's keyspace) names the
 * keyspace; routing rules for the tablet type apply (`ks.t@replica`, `ks.t`, `t@replica`, `t`); an
 * unsharded keyspace serves any table name; with no keyspace selected, the table must be in exactly one
 * keyspace's VSchema, or there must be only one keyspace. All tables must end up in one keyspace.
 */
export function resolveTables(
  ctx: PlanContext,
  tables: readonly TableName[],
  cteNames: ReadonlySet<string>,
  options: ResolveOptions,
): ResolvedTables {
  let keyspace: KeyspaceRef | undefined;
  const tableNames: string[] = [];
  const renames = new Map<string, TableRename>();
  let systemSchema = false;
  for (const table of tables) {
    if (isSystemSchema(table.qualifier)) {
      systemSchema = true;
      continue;
    }
    if (table.qualifier === undefined && (cteNames.has(table.name) || table.name.toLowerCase() === "dual"))
      continue;
    const ksName = keyspaceOf(ctx, table.qualifier);
    let ref: KeyspaceRef;
    let name = table.name;
    try {
      let found =
        options.routed === false
          ? ctx.vschema.findTable(ksName, table.name)
          : ctx.vschema.findRoutedTable(ksName, table.name, options.tabletType);
      if (ctx.mirror) found = mirrorTarget(ctx, ctx.mirror, found, options.tabletType);
      if (found) {
        ref = found.keyspace;
        name = found.name;
      } else if (options.newTables && ksName !== undefined) {
        ref = ctx.vschema.keyspaces.get(ksName)?.keyspace ?? { name: ksName, sharded: false };
      } else if (options.newTables && ksName === undefined && ctx.vschema.keyspaces.size === 1) {
        ref = [...ctx.vschema.keyspaces.values()][0]!.keyspace;
      } else if (ksName === undefined && ctx.vschema.keyspaces.size === 0) {
        throw noDatabaseSelected();
      } else {
        throw tableNotFound(table.name, table.qualifier);
      }
    } catch (err) {
      throw asMysqlError(err, table);
    }
    if (keyspace && keyspace.name !== ref.name) {
      throw unsupported(
        `cross-keyspace statements (tables in ${keyspace.name} and ${ref.name}) are not supported yet`,
      );
    }
    keyspace = ref;
    tableNames.push(`${ref.name}.${name}`);
    if (table.qualifier !== undefined || name !== table.name) {
      renames.set(tableKey(table.qualifier, table.name), { qualifier: ctx.dbName(ref.name), name });
    }
  }
  return { keyspace, tableNames, tables: renames, systemSchema };
}

/** The keyspace a statement without tables (or with system tables only) runs in. */
export function defaultKeyspace(ctx: PlanContext, preferred?: string): KeyspaceRef {
  const name = preferred ?? (ctx.target.keyspace === "" ? undefined : ctx.target.keyspace);
  if (name !== undefined) {
    const ks = ctx.vschema.keyspaces.get(name);
    if (!ks) throw unknownDatabase(name);
    return ks.keyspace;
  }
  const names = [...ctx.vschema.keyspaces.keys()].sort();
  if (names.length === 0) throw noDatabaseSelected();
  return ctx.vschema.keyspaces.get(names[0] as string)!.keyspace;
}

/**
 * The keyspace of a statement about "the current database" (SHOW TABLES): the session's, else the only
 * one; 1046 No database selected when there are several.
 */
export function currentKeyspace(ctx: PlanContext): KeyspaceRef {
  if (ctx.target.keyspace === "" && ctx.vschema.keyspaces.size !== 1) throw noDatabaseSelected();
  return defaultKeyspace(ctx);
}

/** Keyspace qualifiers -> database names, for names the table resolution did not rewrite. */
export function qualifierMap(ctx: PlanContext): Map<string, string> {
  const map = new Map<string, string>();
  for (const name of ctx.vschema.keyspaces.keys()) map.set(name, ctx.dbName(name));
  return map;
}

/** The rewrite for a statement routed by its tables. */
export function tableRewrite(ctx: PlanContext, resolved: ResolvedTables, sessionValues: boolean): SqlRewrite {
  return {
    tables: resolved.tables,
    qualifiers: qualifierMap(ctx),
    sessionValues: sessionValues && !resolved.systemSchema,
  };
}

/** Keyspace names -> database names of string literals in a system-schema query (`table_schema = 'commerce'`). */
export function keyspaceLiterals(ctx: PlanContext): Map<string, string> {
  return qualifierMap(ctx);
}

/** Throws when a keyspace is sharded and the session does not target one shard. */
export function requireUnsharded(ctx: PlanContext, keyspace: KeyspaceRef): void {
  if (keyspace.sharded && ctx.target.shard === undefined) {
    throw new VtError(
      Code.UNIMPLEMENTED,
      `unsupported: keyspace ${keyspace.name} is sharded; sharded routing is not supported yet (target a shard with 'use ${keyspace.name}/<shard>')`,
    );
  }
}

export function isPrimary(type: TabletType): boolean {
  return type === TabletType.PRIMARY;
}
