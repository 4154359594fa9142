import {
  type Expr,
  formatExpr,
  type Limit,
  literalToBindVariable,
  mapExprChildren,
  type QueryExpr,
  type TableExpr,
  walkExpr,
} from "../../../../libs/sqlparser/index.js";
import {
  type AnySingleColumn,
  isCursorSingleColumn,
  isSingleColumn,
  type SqlValue,
} from "../../../../libs/vindexes/index.js";
import type { ColumnVindex, VSchemaTable } from "../../../../libs/vschema/index.js";
import type { RouteOpcode } from "../../engine/route.js";
import type { RouteValue, RouteValues } from "../../engine/route-values.js";
import type { PlanContext } from "../context.js";
import { unsupported } from "../errors.js";

/** A table of a statement on a sharded keyspace, by the name the statement uses for it. */
export interface TableRef {
  /** Alias, else table name (lower case). */
  readonly ref: string;
  readonly table: VSchemaTable;
  readonly primary: ColumnVindex | undefined;
}

/** A SELECT's tables with its join conditions and WHERE conjuncts; `outer` when it has outer joins. */
export interface SelectTables {
  readonly tables: readonly TableRef[];
  readonly on: readonly Expr[];
  readonly where: readonly Expr[];
  readonly outer: boolean;
}

/** How a statement is routed: the opcode, and the vindex values for EqualUnique/Equal/IN. */
export interface Routing {
  readonly opcode: RouteOpcode;
  readonly vindex?: AnySingleColumn;
  readonly value?: RouteValue;
  readonly values?: RouteValues;
  /** The IN predicate the route fills per shard (`::__vals`). */
  readonly inExpr?: Expr;
  /** The vindex column the route is keyed on. */
  readonly column?: string;
}

export function conjuncts(e: Expr | undefined): Expr[] {
  if (!e) return [];
  if (e.kind === "Binary" && e.op === "and") return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

/** The tables of a FROM clause, with the ON conditions of its joins; derived tables are refused. */
export function flattenFrom(
  from: readonly TableExpr[],
  find: (name: string, qualifier: string | undefined) => VSchemaTable,
): { tables: TableRef[]; on: Expr[]; outer: boolean } {
  const tables: TableRef[] = [];
  const on: Expr[] = [];
  let outer = false;
  const visit = (t: TableExpr): void => {
    switch (t.kind) {
      case "Table": {
        const table = find(t.name.name, t.name.qualifier);
        tables.push({
          ref: (t.alias ?? t.name.name).toLowerCase(),
          table,
          primary: table.columnVindexes[0],
        });
        return;
      }
      case "Derived":
        throw unsupported("derived tables (subqueries in FROM) on a sharded keyspace");
      case "ParenTables":
        for (const x of t.tables) visit(x);
        return;
      case "Join":
        if (t.using || t.type.startsWith("natural"))
          throw unsupported("JOIN ... USING and NATURAL JOIN on a sharded keyspace");
        if (t.type !== "join" && t.type !== "straight_join") outer = true;
        visit(t.left);
        visit(t.right);
        on.push(...conjuncts(t.on));
        return;
    }
  };
  for (const t of from) visit(t);
  return { tables, on, outer };
}

/** The table a column belongs to: by qualifier, or the only table. */
export function tableOfColumn(tables: readonly TableRef[], e: Expr): TableRef | undefined {
  if (e.kind !== "Column") return undefined;
  if (e.table) return tables.find((t) => t.ref === e.table?.name.toLowerCase());
  return tables.length === 1 ? tables[0] : undefined;
}

/** Is `e` the (single) primary vindex column of its table? */
export function primaryColumnOf(tables: readonly TableRef[], e: Expr): TableRef | undefined {
  const t = tableOfColumn(tables, e);
  if (!t?.primary || e.kind !== "Column") return undefined;
  const col = t.primary.columns[0];
  return t.primary.columns.length === 1 && col?.toLowerCase() === e.name.toLowerCase() ? t : undefined;
}

/** A value expression routes can be keyed on, or undefined. */
export function routeValueOf(e: Expr): RouteValue | undefined {
  if (e.kind === "BindVar" && !e.list) return { kind: "bind", name: e.name };
  if (e.kind === "Null") return { kind: "const", value: { type: 0, value: Buffer.alloc(0) } };
  if (e.kind === "Literal") {
    const bv = literalToBindVariable(e);
    if (!bv) return undefined;
    const value: SqlValue = { type: bv.type, value: bv.value };
    return { kind: "const", value };
  }
  return undefined;
}

/** The functional or lookup vindexes of a table's columns, by column (lower case). */
function vindexesOf(t: TableRef): { column: string; vindex: AnySingleColumn }[] {
  const out: { column: string; vindex: AnySingleColumn }[] = [];
  for (const cv of t.table.columnVindexes) {
    if (cv.columns.length !== 1) continue;
    const v = cv.vindex;
    if (isSingleColumn(v) || isCursorSingleColumn(v))
      out.push({ column: (cv.columns[0] as string).toLowerCase(), vindex: v });
  }
  return out;
}

/** The vindex of a column of one of the tables, if it has one. */
function vindexOfColumn(tables: readonly TableRef[], e: Expr): AnySingleColumn | undefined {
  const t = tableOfColumn(tables, e);
  if (!t || e.kind !== "Column") return undefined;
  return vindexesOf(t).find((v) => v.column === e.name.toLowerCase())?.vindex;
}

const RANK: Readonly<Record<string, number>> = { EqualUnique: 0, Equal: 1, IN: 2, Scatter: 3 };

function better(a: Routing, b: Routing): boolean {
  const ra = RANK[a.opcode] ?? 9;
  const rb = RANK[b.opcode] ?? 9;
  if (ra !== rb) return ra < rb;
  return (a.vindex?.cost ?? 99) < (b.vindex?.cost ?? 99);
}

/**
 * Picks the route of a statement over `tables` (all colocated) from its conditions: `vindex col = value`
 * (EqualUnique), `vindex col in (...)` (IN), else Scatter.
 */
export function chooseRouting(tables: readonly TableRef[], conds: readonly Expr[]): Routing {
  let best: Routing = { opcode: "Scatter" };
  const offer = (r: Routing) => {
    if (better(r, best)) best = r;
  };
  for (const c of conds) {
    if (c.kind === "Binary" && c.op === "=") {
      for (const [col, val] of [
        [c.left, c.right],
        [c.right, c.left],
      ] as const) {
        const vindex = vindexOfColumn(tables, col);
        const value = routeValueOf(val);
        if (!vindex || !value || col.kind !== "Column") continue;
        offer({ opcode: vindex.isUnique ? "EqualUnique" : "Equal", vindex, value, column: col.name });
      }
    } else if (c.kind === "In" && !c.not) {
      const vindex = vindexOfColumn(tables, c.expr);
      if (!vindex || c.expr.kind !== "Column") continue;
      if (c.values.kind === "BindVar" && c.values.list) {
        offer({
          opcode: "IN",
          vindex,
          values: { kind: "listBind", name: c.values.name },
          inExpr: c,
          column: c.expr.name,
        });
      } else if (c.values.kind === "Tuple") {
        const values = c.values.exprs.map(routeValueOf);
        if (values.every((v): v is RouteValue => v !== undefined)) {
          offer({ opcode: "IN", vindex, values: { kind: "list", values }, inExpr: c, column: c.expr.name });
        }
      }
    }
  }
  return best;
}

/**
 * Are all tables on the same shard for every row combination? True when equalities between their primary
 * vindex columns (same vindex) connect them all (Vitess merges such joins into one route).
 */
export function colocated(tables: readonly TableRef[], conds: readonly Expr[]): boolean {
  if (tables.length <= 1) return true;
  const parent = tables.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : root(parent[i] as number));
  for (const c of conds) {
    if (c.kind !== "Binary" || c.op !== "=") continue;
    const a = primaryColumnOf(tables, c.left);
    const b = primaryColumnOf(tables, c.right);
    if (!a || !b || a.primary?.name !== b.primary?.name) continue;
    parent[root(tables.indexOf(a))] = root(tables.indexOf(b));
  }
  const r = root(0);
  return tables.every((_, i) => root(i) === r);
}

/** Refuses subqueries (their rows may live on other shards than the outer query's). */
export function refuseSubqueries(exprs: readonly (Expr | undefined)[], keyspace: string): void {
  for (const e of exprs) {
    if (!e) continue;
    walkExpr(
      e,
      () => undefined,
      () => {
        throw unsupported(`subqueries on sharded keyspace ${keyspace}`);
      },
    );
  }
}

/** `root` with `target` (by identity) replaced. */
export function replaceExpr(root: Expr, target: Expr, replacement: Expr): Expr {
  const f = (e: Expr): Expr => (e === target ? replacement : mapExprChildren(e, f, (q: QueryExpr) => q));
  return f(root);
}

export function exprText(e: Expr): string {
  return formatExpr(e).toLowerCase();
}

/** The sequence-filled column, or the vindex columns a statement must not change. */
export function vindexColumns(table: VSchemaTable): Set<string> {
  const out = new Set<string>();
  for (const cv of table.columnVindexes) for (const c of cv.columns) out.add(c.toLowerCase());
  return out;
}

export function findShardedTable(ctx: PlanContext, keyspace: string) {
  return (name: string, qualifier: string | undefined): VSchemaTable => {
    const found = ctx.vschema.findRoutedTable(qualifier ?? keyspace, name, ctx.target.tabletType);
    if (!found) throw unsupported(`table ${name} is not in the VSchema of ${keyspace}`);
    return found;
  };
}

/** A LIMIT's count and offset as route values; refuses expressions (vtgate applies the limit itself). */
export function limitValues(
  limit: Limit | undefined,
): { count: RouteValue; offset: RouteValue | undefined } | undefined {
  if (!limit) return undefined;
  const count = routeValueOf(limit.count);
  const offset = limit.offset ? routeValueOf(limit.offset) : undefined;
  if (!count || (limit.offset && !offset))
    throw unsupported("LIMIT with an expression on a sharded keyspace");
  return { count, offset };
}
