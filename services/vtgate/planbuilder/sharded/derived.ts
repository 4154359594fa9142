import {
  type Aggregate,
  type DerivedTable,
  type Expr,
  format,
  formatExpr,
  impossibleQuery,
  type Select,
} from "../../../../libs/sqlparser/index.js";
import type { KeyspaceRef } from "../../../../libs/vschema/index.js";
import { type AggregateOp, HashAggregate } from "../../engine/aggregate.js";
import type { PlanCursor } from "../../engine/cursor.js";
import { Distinct } from "../../engine/distinct.js";
import { Filter } from "../../engine/filter.js";
import { Limit } from "../../engine/limit.js";
import { MemorySort, type SortKey } from "../../engine/memory-sort.js";
import type { Primitive } from "../../engine/primitive.js";
import { type ProjectedColumn, Projection } from "../../engine/projection.js";
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
  refuseSubqueries,
} from "./analysis.js";
import { vtgatePredicate } from "./predicate.js";
import { shardedRoute } from "./route.js";

type AggregateName = "count" | "sum" | "min" | "max" | "avg";

const AGGREGATES: ReadonlySet<string> = new Set(["count", "sum", "min", "max", "avg"]);

/** The names of a derived table's columns: the column list, else the select list's aliases or columns. */
function derivedColumns(d: DerivedTable, inner: Select): string[] {
  if (d.columns && d.columns.length > 0) return d.columns.map((c) => c.toLowerCase());
  return inner.columns.map((c) => {
    if (c.kind !== "Aliased") throw unsupported(`* in derived table ${d.alias} across shards`);
    if (c.alias !== undefined) return c.alias.toLowerCase();
    return c.expr.kind === "Column" ? c.expr.name.toLowerCase() : formatExpr(c.expr).toLowerCase();
  });
}

/** The one derived table a single-shard inner query lets go to that shard whole, if it does. */
function singleShardRoute(
  ctx: PlanContext,
  sel: Select,
  inner: Select,
  keyspace: KeyspaceRef,
  resolved: ResolvedTables,
): Primitive<PlanCursor> | undefined {
  if (inner.from.some((t) => t.kind === "Derived")) return undefined;
  const { tables, on, outer } = flattenFrom(inner.from, findShardedTable(ctx, keyspace.name));
  const where = conjuncts(inner.where);
  if (tables.some((t) => !t.primary) || !colocated(tables, [...on, ...where])) return undefined;
  const routing = chooseRouting(tables, outer ? where : [...where, ...on]);
  if (routing.opcode !== "EqualUnique") return undefined;
  return shardedRoute(ctx, keyspace, resolved, format(sel), routing, false, format(impossibleQuery(sel)));
}

/**
 * SELECT ... FROM (subquery) alias on a sharded keyspace. When the derived table reads one shard
 * (EqualUnique), the whole statement goes there. Otherwise the derived table is planned like any query
 * (its rows merged from the shards at vtgate) and the outer query is evaluated at vtgate over its rows:
 * columns of the derived table, COUNT/SUM/MIN/MAX/AVG over them, WHERE and HAVING conditions that
 * compare, GROUP BY, ORDER BY, DISTINCT and LIMIT. Joins with a derived table, expressions other than
 * columns and aggregates, and subqueries in the outer query are refused.
 */
export function planDerivedTable(
  ctx: PlanContext,
  sel: Select,
  keyspace: KeyspaceRef,
  resolved: ResolvedTables,
  planInner: (q: Select) => Primitive<PlanCursor>,
): Primitive<PlanCursor> {
  const d = sel.from[0];
  if (sel.from.length !== 1 || d?.kind !== "Derived") {
    throw unsupported("derived tables joined with other tables on a sharded keyspace");
  }
  if (d.lateral) throw unsupported("LATERAL derived tables on a sharded keyspace");
  if (d.query.kind !== "Select") throw unsupported(`UNION in derived table ${d.alias} on a sharded keyspace`);
  const inner = d.query;
  const outerExprs = [sel.where, sel.having, ...sel.groupBy, ...sel.orderBy.map((o) => o.expr)];
  for (const c of sel.columns) if (c.kind === "Aliased") outerExprs.push(c.expr);
  refuseSubqueries(outerExprs, keyspace.name);
  const whole = singleShardRoute(ctx, sel, inner, keyspace, resolved);
  if (whole) return whole;
  return new DerivedPlanner(d, derivedColumns(d, inner), sel).plan(planInner(inner));
}

/** Builds the vtgate operators that evaluate the outer query over a derived table's rows. */
class DerivedPlanner {
  /** The Projection's columns: the select list first, then hidden ones (sort keys, groups, counts). */
  private readonly projected: ProjectedColumn[] = [];
  private readonly ops: AggregateOp[] = [];
  private readonly visible: number;
  private readonly aggregated: boolean;

  constructor(
    private readonly d: DerivedTable,
    private readonly names: readonly string[],
    private readonly sel: Select,
  ) {
    const hasAggregate = (e: Expr | undefined) => e?.kind === "Aggregate";
    const averages: { column: number; index: number }[] = [];
    this.aggregated =
      sel.groupBy.length > 0 ||
      sel.columns.some((c) => c.kind === "Aliased" && hasAggregate(c.expr)) ||
      hasAggregate(sel.having);
    for (const c of sel.columns) {
      if (c.kind === "Star") {
        if (this.aggregated) throw unsupported(`* with aggregates over derived table ${d.alias}`);
        this.names.forEach((name, index) => {
          this.projected.push({ kind: "column", index, name });
        });
        continue;
      }
      if (c.kind !== "Aliased") throw unsupported(`${c.kind} over derived table ${d.alias}`);
      const name = c.alias ?? formatExpr(c.expr);
      if (c.expr.kind === "Aggregate" && this.aggregated) {
        this.addAggregate(c.expr, name, averages);
        continue;
      }
      if (this.aggregated && !sel.groupBy.some((g) => exprText(g) === exprText(c.expr))) {
        throw unsupported(
          `${formatExpr(c.expr)} is neither aggregated nor grouped over derived table ${d.alias} across shards`,
        );
      }
      this.projected.push({ kind: "column", index: this.derivedIndex(c.expr), name });
    }
    this.visible = this.projected.length;
    for (const avg of averages) this.addAverageCount(avg.column, avg.index);
  }

  plan(input: Primitive<PlanCursor>): Primitive<PlanCursor> {
    const sel = this.sel;
    let plan = input;
    if (sel.where) {
      const where = vtgatePredicate(
        sel.where,
        (e) => this.derivedIndex(e),
        `WHERE condition %s over derived table ${this.d.alias} across shards`,
      );
      plan = new Filter(plan, where);
    }
    const keys = sel.groupBy.map((g) => this.outputIndex(g) ?? this.hide(g));
    const having = sel.having
      ? vtgatePredicate(
          sel.having,
          (e) => this.outputIndex(e) ?? this.hide(e),
          `HAVING condition %s over derived table ${this.d.alias} across shards`,
        )
      : undefined;
    const sortKeys: SortKey[] = sel.orderBy.map((o) => ({
      column: this.outputIndex(o.expr) ?? this.hide(o.expr),
      desc: o.direction === "desc",
    }));
    plan = new Projection(plan, [...this.projected]);
    if (this.aggregated) plan = new HashAggregate(plan, keys, this.ops);
    if (having) plan = new Filter(plan, having);
    if (sortKeys.length > 0) plan = new MemorySort(plan, sortKeys);
    const hidden = this.projected.length - this.visible;
    if (sel.distinct) plan = new Distinct(plan, hidden);
    const limit = limitValues(sel.limit);
    if (limit) plan = new Limit(plan, limit.count, limit.offset);
    if (hidden > 0) plan = new Truncate(plan, hidden);
    return plan;
  }

  /** The derived table's column an expression names (`t.sku`, `sku`). */
  private derivedIndex(e: Expr): number {
    const alias = this.d.alias.toLowerCase();
    if (e.kind === "Column" && (!e.table || e.table.name.toLowerCase() === alias)) {
      const i = this.names.indexOf(e.name.toLowerCase());
      if (i >= 0) return i;
    }
    throw unsupported(`${formatExpr(e)} over derived table ${this.d.alias} across shards`);
  }

  /** The select-list column an expression is (its alias, its text, or the derived column it shows). */
  private outputIndex(e: Expr): number | undefined {
    if (e.kind === "Literal" && e.type === "int") {
      const pos = Number(e.value) - 1;
      if (pos < 0 || pos >= this.visible) throw unsupported(`position ${pos + 1} is not in the select list`);
      return pos;
    }
    const text = exprText(e);
    for (let i = 0; i < this.visible; i++) {
      const c = this.projected[i] as ProjectedColumn;
      if (c.name.toLowerCase() === text) return i;
    }
    if (e.kind !== "Column") return undefined;
    const index = this.derivedIndex(e);
    for (let i = 0; i < this.visible; i++) {
      const c = this.projected[i] as ProjectedColumn;
      if (c.kind === "column" && c.index === index && !this.isAggregate(i)) return i;
    }
    return undefined;
  }

  private isAggregate(i: number): boolean {
    return this.ops.some((o) => o.column === i || (o.op === "avg" && o.countColumn === i));
  }

  /** A hidden column for a sort key, group or HAVING operand that the select list does not show. */
  private hide(e: Expr): number {
    const name = `__vt_h${this.projected.length - this.visible + 1}`;
    if (e.kind === "Aggregate") {
      if (!this.aggregated) throw unsupported(`${formatExpr(e)} without grouping`);
      return this.addAggregate(e, name);
    }
    if (this.aggregated && !this.sel.groupBy.some((g) => exprText(g) === exprText(e))) {
      throw unsupported(
        `${formatExpr(e)} is neither aggregated nor grouped over derived table ${this.d.alias} across shards`,
      );
    }
    this.projected.push({ kind: "column", index: this.derivedIndex(e), name });
    return this.projected.length - 1;
  }

  /**
   * Adds the column an aggregate starts from; returns the index of its result. AVG also needs the count
   * of its non-NULL values: added at once, or later into `averages` (behind the select list).
   */
  private addAggregate(a: Aggregate, name: string, averages?: { column: number; index: number }[]): number {
    const op = a.name.toLowerCase();
    if (!AGGREGATES.has(op)) throw unsupported(`aggregate function ${op} over derived table ${this.d.alias}`);
    if (a.distinct && op !== "min" && op !== "max") {
      throw unsupported(`${op}(distinct ...) over derived table ${this.d.alias}`);
    }
    const column = this.projected.length;
    if (a.star) {
      if (op !== "count") throw unsupported(`${op}(*)`);
      this.projected.push({ kind: "one", name });
      this.ops.push({ op: "count", column });
      return column;
    }
    const index = this.derivedIndex(a.args[0] as Expr);
    const kind = op as AggregateName;
    if (kind === "count") {
      this.projected.push({ kind: "notNull", index, name });
      this.ops.push({ op: "count", column });
      return column;
    }
    this.projected.push({ kind: "column", index, name });
    if (kind !== "avg") this.ops.push({ op: kind, column });
    else if (averages) averages.push({ column, index });
    else this.addAverageCount(column, index);
    return column;
  }

  private addAverageCount(column: number, index: number): void {
    const countColumn = this.projected.length;
    this.projected.push({ kind: "notNull", index, name: `__vt_h${countColumn - this.visible + 1}` });
    this.ops.push({ op: "avg", column, countColumn });
  }
}
