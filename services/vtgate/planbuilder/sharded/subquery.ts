import {
  type Expr,
  formatExpr,
  mapExprChildren,
  type QueryExpr,
  type Select,
  type TableExpr,
  walkExpr,
} from "../../../../libs/sqlparser/index.js";
import type { VSchemaTable } from "../../../../libs/vschema/index.js";
import type { PlanCursor } from "../../engine/cursor.js";
import type { Primitive } from "../../engine/primitive.js";
import { type PulloutOpcode, UncorrelatedSubquery } from "../../engine/uncorrelated-subquery.js";
import { unsupported } from "../errors.js";
import { colocated, conjuncts, flattenFrom, refuseSubqueries, type TableRef } from "./analysis.js";

/** Numbers the pulled-out subqueries of one statement, nested ones included (`__sq1`, `__sq2`...). */
export class SubqueryNames {
  private last = 0;

  next(): number {
    this.last++;
    return this.last;
  }
}

/** What the outer query is planned over, and how its subqueries are planned. */
export interface SubqueryScope {
  readonly tables: readonly TableRef[];
  /** The outer query's WHERE conjuncts and ON conditions. */
  readonly conditions: readonly Expr[];
  /** The outer tables all live on the same shard for each row (joined on their primary vindex). */
  readonly colocated: boolean;
  readonly find: (name: string, qualifier: string | undefined) => VSchemaTable;
  readonly keyspace: string;
  readonly names: SubqueryNames;
  readonly plan: (sel: Select) => Primitive<PlanCursor>;
}

export interface ExtractedSubqueries {
  /** The statement with pulled-out subqueries replaced by their bind variables. */
  readonly select: Select;
  /** Pulled-out subqueries run first (UncorrelatedSubquery); merged ones stay in the statement. */
  readonly pulledOut: number;
  readonly merged: number;
  wrap(outer: Primitive<PlanCursor>): Primitive<PlanCursor>;
}

interface Pullout {
  readonly opcode: PulloutOpcode;
  readonly n: number;
  readonly plan: Primitive<PlanCursor>;
}

const one: Expr = { kind: "Literal", type: "int", value: "1" };

function hasValues(n: number, value: 0 | 1): Expr {
  return {
    kind: "Binary",
    op: "=",
    left: { kind: "BindVar", name: `__sq_has_values${n}`, list: false },
    right: value === 1 ? one : { kind: "Literal", type: "int", value: "0" },
  };
}

/** The names a query's FROM clause makes visible (aliases, else table names; lower case). */
function fromNames(from: readonly TableExpr[]): Set<string> {
  const out = new Set<string>();
  const visit = (t: TableExpr): void => {
    if (t.kind === "Table") out.add((t.alias ?? t.name.name).toLowerCase());
    else if (t.kind === "Derived") out.add(t.alias.toLowerCase());
    else if (t.kind === "ParenTables") t.tables.forEach(visit);
    else {
      visit(t.left);
      visit(t.right);
    }
  };
  from.forEach(visit);
  return out;
}

function joinConditions(from: readonly TableExpr[]): Expr[] {
  const out: Expr[] = [];
  const visit = (t: TableExpr): void => {
    if (t.kind === "ParenTables") t.tables.forEach(visit);
    if (t.kind !== "Join") return;
    if (t.on) out.push(t.on);
    visit(t.left);
    visit(t.right);
  };
  from.forEach(visit);
  return out;
}

function selectExprs(q: Select): Expr[] {
  const exprs: Expr[] = [...joinConditions(q.from), ...q.groupBy, ...q.orderBy.map((o) => o.expr)];
  if (q.where) exprs.push(q.where);
  if (q.having) exprs.push(q.having);
  for (const c of q.columns) if (c.kind === "Aliased") exprs.push(c.expr);
  return exprs;
}

/** Does the query name a table of `outer` that it does not define itself (a correlated subquery)? */
function refersTo(q: QueryExpr, outer: ReadonlySet<string>): boolean {
  if (q.kind === "Union") return refersTo(q.left, outer) || refersTo(q.right, outer);
  const own = fromNames(q.from);
  const visible = new Set([...outer].filter((name) => !own.has(name)));
  let found = false;
  for (const e of selectExprs(q)) {
    walkExpr(
      e,
      (x) => {
        if (x.kind === "Column" && x.table && visible.has(x.table.name.toLowerCase())) found = true;
      },
      (inner) => {
        if (refersTo(inner, visible)) found = true;
      },
    );
  }
  return found;
}

/**
 * Subqueries in the WHERE clause and select list of a SELECT on a sharded keyspace (Vitess's subquery
 * planning, reduced):
 * - uncorrelated ones are pulled out: run first on their own route, their result bound as `::__sqN`
 *   (IN / NOT IN, with `:__sq_has_values N` guarding the empty list), `:__sqN` (a scalar) or only
 *   `:__sq_has_valuesN` (EXISTS); the outer query then routes on the bound values;
 * - correlated ones stay in the query (merged) when every row they read lives on the outer row's shard:
 *   their tables joined to the outer ones on the primary vindex column (`o.customer_id = c.customer_id`);
 * - anything else is refused (`unsupported: correlated subquery ... across shards`).
 */
export function extractSubqueries(sel: Select, scope: SubqueryScope): ExtractedSubqueries {
  const pullouts: Pullout[] = [];
  let merged = 0;
  const outerNames = new Set(scope.tables.map((t) => t.ref));

  const pullout = (opcode: PulloutOpcode, q: QueryExpr): number => {
    if (q.kind !== "Select") throw unsupported(`UNION in a subquery on sharded keyspace ${scope.keyspace}`);
    const n = scope.names.next();
    const query = opcode === "PulloutExists" && !q.limit ? { ...q, limit: { count: one } } : q;
    pullouts.push({ opcode, n, plan: scope.plan(query) });
    return n;
  };

  const merge = (q: QueryExpr): void => {
    const text = formatExpr({ kind: "Subquery", query: q });
    if (q.kind !== "Select" || !scope.colocated) {
      throw unsupported(`correlated subquery ${text} across shards`);
    }
    refuseSubqueries(selectExprs(q), scope.keyspace);
    const inner = flattenFrom(q.from, scope.find);
    if (inner.tables.some((t) => outerNames.has(t.ref) || !t.primary)) {
      throw unsupported(`correlated subquery ${text}: give its tables their own aliases`);
    }
    const all = [...scope.tables, ...inner.tables];
    if (!colocated(all, [...scope.conditions, ...inner.on, ...conjuncts(q.where)])) {
      throw unsupported(
        `correlated subquery ${text} across shards: join it to the outer query on the primary vindex column`,
      );
    }
    merged++;
  };

  const correlated = (q: QueryExpr): boolean => refersTo(q, outerNames);

  const rewrite = (e: Expr): Expr => {
    if (e.kind === "In" && e.values.kind === "Subquery") {
      const expr = rewrite(e.expr);
      const q = e.values.query;
      if (correlated(q)) {
        merge(q);
        return expr === e.expr ? e : { ...e, expr };
      }
      const n = pullout(e.not ? "PulloutNotIn" : "PulloutIn", q);
      const list: Expr = {
        kind: "In",
        not: e.not,
        expr,
        values: { kind: "BindVar", name: `__sq${n}`, list: true },
      };
      return e.not
        ? { kind: "Binary", op: "or", left: hasValues(n, 0), right: list }
        : { kind: "Binary", op: "and", left: hasValues(n, 1), right: list };
    }
    if (e.kind === "Exists") {
      if (correlated(e.query)) {
        merge(e.query);
        return e;
      }
      return hasValues(pullout("PulloutExists", e.query), 1);
    }
    if (e.kind === "Subquery") {
      if (correlated(e.query)) {
        merge(e.query);
        return e;
      }
      return { kind: "BindVar", name: `__sq${pullout("PulloutValue", e.query)}`, list: false };
    }
    if (e.kind === "Quantified") {
      if (correlated(e.query)) {
        merge(e.query);
        return e;
      }
      throw unsupported(`${formatExpr(e)}: ANY/SOME/ALL subqueries across shards`);
    }
    return mapExprChildren(e, rewrite, (q) => q);
  };

  const where = sel.where ? rewrite(sel.where) : undefined;
  const columns = sel.columns.map((c) => {
    if (c.kind !== "Aliased") return c;
    const expr = rewrite(c.expr);
    if (expr === c.expr) return c;
    // The column keeps the name MySQL gives it: the subquery as written.
    return { ...c, expr, alias: c.alias ?? formatExpr(c.expr) };
  });
  return {
    select: { ...sel, where, columns },
    pulledOut: pullouts.length,
    merged,
    wrap(outer) {
      let plan = outer;
      for (const p of pullouts) {
        plan = new UncorrelatedSubquery<PlanCursor>({
          opcode: p.opcode,
          subqueryResult: `__sq${p.n}`,
          hasValues: `__sq_has_values${p.n}`,
          subquery: p.plan,
          outer: plan,
        });
      }
      return plan;
    },
  };
}
