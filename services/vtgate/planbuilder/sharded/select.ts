import {
  type Aggregate,
  type AliasedExpr,
  type Expr,
  format,
  formatExpr,
  impossibleQuery,
  type Select,
  type SelectExpr,
  walkExpr,
} from "../../../../libs/sqlparser/index.js";
import type { KeyspaceRef } from "../../../../libs/vschema/index.js";
import type { AggregateOp } from "../../engine/aggregate.js";
import { HashAggregate } from "../../engine/aggregate.js";
import type { PlanCursor } from "../../engine/cursor.js";
import { Distinct } from "../../engine/distinct.js";
import { Filter } from "../../engine/filter.js";
import { Limit, UPPER_LIMIT_VAR } from "../../engine/limit.js";
import { MemorySort, type SortKey } from "../../engine/memory-sort.js";
import type { Primitive } from "../../engine/primitive.js";
import { LIST_VAR } from "../../engine/route.js";
import { Truncate } from "../../engine/truncate.js";
import type { PlanContext } from "../context.js";
import { unsupported } from "../errors.js";
import type { ResolvedTables } from "../route-planner.js";
import {
  chooseRouting,
  colocated,
  conjuncts,
  exprText,
  findShardedTable,
  flattenFrom,
  limitValues,
  primaryColumnOf,
  type Routing,
  refuseSubqueries,
  replaceExpr,
  type SelectTables,
  type TableRef,
} from "./analysis.js";
import { planDerivedTable } from "./derived.js";
import { distinctAggregatesAsDerived } from "./distinct-aggregates.js";
import { planCrossShardJoin } from "./join.js";
import { vtgatePredicate } from "./predicate.js";
import { shardedRoute } from "./route.js";
import { extractSubqueries, SubqueryNames } from "./subquery.js";

const AGGREGATES = new Set(["count", "sum", "min", "max", "avg"]);

function hasAggregate(e: Expr): boolean {
  let found = false;
  walkExpr(
    e,
    (x) => {
      if (x.kind === "Aggregate" || x.kind === "GroupConcat") found = true;
    },
    () => undefined,
  );
  return found;
}

function aliased(expr: Expr, alias?: string): AliasedExpr {
  return alias === undefined ? { kind: "Aliased", expr } : { kind: "Aliased", expr, alias };
}

function positionOf(e: Expr): number | undefined {
  return e.kind === "Literal" && e.type === "int" ? Number(e.value) - 1 : undefined;
}

/** Builds the select list the shards answer and the operators that merge their rows. */
class MergePlanner {
  readonly cols: SelectExpr[];
  hidden = 0;
  readonly original: readonly SelectExpr[];

  constructor(
    readonly sel: Select,
    readonly tables: readonly TableRef[],
  ) {
    this.cols = [...sel.columns];
    this.original = sel.columns;
  }

  get hasStar(): boolean {
    return this.cols.some((c) => c.kind === "Star");
  }

  addHidden(expr: Expr): string {
    const name = `__vt_h${this.hidden + 1}`;
    this.cols.push(aliased(expr, name));
    this.hidden++;
    return name;
  }

  /** The visible column a name or expression refers to (alias, column name, same text), if any. */
  findVisible(e: Expr): number | undefined {
    const pos = positionOf(e);
    if (pos !== undefined) {
      if (this.hasStar) throw unsupported("ORDER BY/GROUP BY position with * on a sharded keyspace");
      if (pos < 0 || pos >= this.original.length)
        throw unsupported(`position ${pos + 1} is not in the select list`);
      return pos;
    }
    const text = exprText(e);
    for (let i = 0; i < this.original.length; i++) {
      const c = this.original[i] as SelectExpr;
      if (c.kind !== "Aliased") continue;
      if (e.kind === "Column" && !e.table && c.alias?.toLowerCase() === e.name.toLowerCase()) return i;
      if (exprText(c.expr) === text) return i;
      if (
        e.kind === "Column" &&
        c.expr.kind === "Column" &&
        c.alias === undefined &&
        c.expr.name.toLowerCase() === e.name.toLowerCase() &&
        (!e.table || !c.expr.table || c.expr.table.name.toLowerCase() === e.table.name.toLowerCase())
      )
        return i;
    }
    return undefined;
  }

  /** A sort key for an ORDER BY expression of the plain (not aggregated) path. */
  sortKey(e: Expr, desc: boolean): SortKey {
    const i = this.findVisible(e);
    if (i !== undefined) return { column: i, desc };
    if (this.hasStar && e.kind === "Column") return { column: e.name, desc };
    return { column: this.addHidden(e), desc };
  }
}

function shardSelect(sel: Select, routing: Routing, patch: Partial<Select>): Select {
  let where = sel.where;
  if (where && routing.inExpr && routing.inExpr.kind === "In") {
    where = replaceExpr(where, routing.inExpr, {
      ...routing.inExpr,
      values: { kind: "BindVar", name: LIST_VAR, list: true },
    });
  }
  return { ...sel, where, ...patch };
}

/**
 * SELECT on a sharded keyspace (Vitess's operator planner, reduced): all tables must be colocated (joined
 * on their primary vindex columns); the route is picked from the WHERE clause; when it may reach several
 * shards, ORDER BY, LIMIT, aggregates, GROUP BY, HAVING and DISTINCT are merged at vtgate. Whatever is
 * not sure to merge correctly is refused with `unsupported: ...`.
 */
export function planShardedSelect(
  ctx: PlanContext,
  original: Select,
  keyspace: KeyspaceRef,
  resolved: ResolvedTables,
  names: SubqueryNames = new SubqueryNames(),
): Primitive<PlanCursor> {
  if (original.with) throw unsupported("WITH (common table expressions) on a sharded keyspace");
  if (original.withRollup) throw unsupported("GROUP BY ... WITH ROLLUP on a sharded keyspace");
  if (original.options.includes("sql_calc_found_rows"))
    throw unsupported("SQL_CALC_FOUND_ROWS on a sharded keyspace");
  const planInner = (q: Select) => planShardedSelect(ctx, q, keyspace, resolved, names);
  if (original.from.some((t) => t.kind === "Derived")) {
    return planDerivedTable(ctx, original, keyspace, resolved, planInner);
  }
  const distinctAggregates = distinctAggregatesAsDerived(original);
  if (distinctAggregates) return planDerivedTable(ctx, distinctAggregates, keyspace, resolved, planInner);
  const find = findShardedTable(ctx, keyspace.name);
  const { tables, on, outer } = flattenFrom(original.from, find);
  for (const t of tables) {
    if (!t.primary)
      throw unsupported(`table ${t.table.name} of sharded keyspace ${keyspace.name} has no primary vindex`);
  }
  for (const c of original.columns) {
    if (c.kind === "NextValues") throw unsupported("NEXT VALUES on a table that is not a sequence");
  }
  refuseSubqueries(
    [original.having, ...on, ...original.groupBy, ...original.orderBy.map((o) => o.expr)],
    keyspace.name,
  );
  const conditions = [...on, ...conjuncts(original.where)];
  const subqueries = extractSubqueries(original, {
    tables,
    conditions,
    colocated: colocated(tables, conditions),
    find,
    keyspace: keyspace.name,
    names,
    plan: planInner,
  });
  const sel = subqueries.select;
  const where = conjuncts(sel.where);
  if (!colocated(tables, [...on, ...where])) {
    if (subqueries.pulledOut > 0 || subqueries.merged > 0)
      throw unsupported("subqueries in a cross-shard join on a sharded keyspace");
    if (tables.length === 2)
      return planCrossShardJoin(ctx, sel, keyspace, resolved, { tables, on, where, outer });
    throw unsupported(
      `cross-shard join: tables ${tables.map((t) => t.table.name).join(", ")} are not joined on their primary vindex columns`,
    );
  }
  return subqueries.wrap(planColocated(ctx, sel, keyspace, resolved, { tables, on, where, outer }));
}

/** A SELECT whose tables all live on one shard per row: one route, merged at vtgate when it scatters. */
function planColocated(
  ctx: PlanContext,
  sel: Select,
  keyspace: KeyspaceRef,
  resolved: ResolvedTables,
  { tables, on, where, outer }: SelectTables,
): Primitive<PlanCursor> {
  const routing = chooseRouting(tables, outer ? where : [...where, ...on]);
  const route = (s: Select) =>
    shardedRoute(ctx, keyspace, resolved, format(s), routing, false, format(impossibleQuery(s)));
  if (routing.opcode === "EqualUnique") return route(shardSelect(sel, routing, {}));

  const groupedByVindex = sel.groupBy.some((g) => primaryColumnOf(tables, g) !== undefined);
  const aggregated =
    sel.groupBy.length > 0 ||
    sel.columns.some((c) => c.kind === "Aliased" && hasAggregate(c.expr)) ||
    (sel.having !== undefined && hasAggregate(sel.having)) ||
    sel.orderBy.some((o) => hasAggregate(o.expr));
  const m = new MergePlanner(sel, tables);
  if (aggregated && !groupedByVindex) return planAggregate(sel, m, routing, route);

  // Rows from several shards, each complete: sort, de-duplicate and limit at vtgate.
  const keys = sel.orderBy.map((o) => m.sortKey(o.expr, o.direction === "desc"));
  const vindexSelected = m.original.some(
    (c) => c.kind === "Aliased" && primaryColumnOf(tables, c.expr) !== undefined,
  );
  const needsDistinct = sel.distinct && !vindexSelected;
  const limit = limitValues(sel.limit);
  let plan: Primitive<PlanCursor> = route(
    shardSelect(sel, routing, {
      columns: m.cols,
      ...(limit ? { limit: { count: { kind: "BindVar", name: UPPER_LIMIT_VAR, list: false } } } : {}),
    }),
  );
  if (keys.length > 0) plan = new MemorySort(plan, keys);
  if (needsDistinct) plan = new Distinct(plan, m.hidden);
  if (limit) plan = new Limit(plan, limit.count, limit.offset);
  if (m.hidden > 0) plan = new Truncate(plan, m.hidden);
  return plan;
}

function aggregateOp(a: Aggregate): "count" | "sum" | "min" | "max" | "avg" {
  const name = a.name.toLowerCase();
  if (!AGGREGATES.has(name)) throw unsupported(`aggregate function ${name} across shards`);
  if (a.distinct && name !== "min" && name !== "max")
    throw unsupported(`${name}(distinct ...) across shards`);
  return name as "count" | "sum" | "min" | "max" | "avg";
}

/** Aggregates and GROUP BY merged at vtgate (the groups may span shards). */
function planAggregate(
  sel: Select,
  m: MergePlanner,
  routing: Routing,
  route: (s: Select) => Primitive<PlanCursor>,
): Primitive<PlanCursor> {
  if (m.hasStar) throw unsupported("* with aggregates or GROUP BY across shards");
  const ops: AggregateOp[] = [];
  const addAggregate = (a: Aggregate, index: number, alias: string | undefined): void => {
    const op = aggregateOp(a);
    if (op === "avg") {
      m.cols[index] = aliased({ ...a, name: "sum" }, alias ?? formatExpr(a));
      const countName = m.addHidden({ ...a, name: "count" });
      ops.push({
        op: "avg",
        column: index,
        countColumn: m.cols.findIndex((c) => c.kind === "Aliased" && c.alias === countName),
      });
    } else ops.push({ op, column: index });
  };
  m.original.forEach((c, i) => {
    if (c.kind !== "Aliased") return;
    if (c.expr.kind === "Aggregate") addAggregate(c.expr, i, c.alias);
    else if (hasAggregate(c.expr))
      throw unsupported(`expression over aggregates across shards: ${formatExpr(c.expr)}`);
  });
  const hiddenIndex = (name: string) => m.cols.findIndex((c) => c.kind === "Aliased" && c.alias === name);
  const keys = sel.groupBy.map((g) => m.findVisible(g) ?? hiddenIndex(m.addHidden(g)));
  const columnFor = (e: Expr): number => {
    const i = m.findVisible(e);
    if (i !== undefined) return i;
    if (e.kind === "Aggregate") {
      const op = aggregateOp(e);
      if (op === "avg") throw unsupported("AVG outside the select list across shards");
      const index = hiddenIndex(m.addHidden(e));
      ops.push({ op, column: index });
      return index;
    }
    const k = sel.groupBy.findIndex((g) => exprText(g) === exprText(e));
    if (k >= 0) return keys[k] as number;
    throw unsupported(`${formatExpr(e)} is neither aggregated nor grouped across shards`);
  };
  const having = sel.having
    ? vtgatePredicate(sel.having, columnFor, "HAVING condition %s across shards")
    : undefined;
  const sortKeys: SortKey[] = sel.orderBy.map((o) => ({
    column: columnFor(o.expr),
    desc: o.direction === "desc",
  }));
  const limit = limitValues(sel.limit);
  let plan: Primitive<PlanCursor> = route(
    shardSelect(sel, routing, {
      columns: m.cols,
      having: undefined,
      orderBy: [],
      limit: undefined,
      distinct: false,
    }),
  );
  plan = new HashAggregate(plan, keys, ops);
  if (having) plan = new Filter(plan, having);
  if (sortKeys.length > 0) plan = new MemorySort(plan, sortKeys);
  if (sel.distinct) plan = new Distinct(plan, m.hidden);
  if (limit) plan = new Limit(plan, limit.count, limit.offset);
  if (m.hidden > 0) plan = new Truncate(plan, m.hidden);
  return plan;
}
