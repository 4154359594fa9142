import {
  type AliasedExpr,
  type Expr,
  format,
  formatExpr,
  type Select,
  walkExpr,
} from "../../../../libs/sqlparser/index.js";
import type { KeyspaceRef } from "../../../../libs/vschema/index.js";
import type { PlanCursor } from "../../engine/cursor.js";
import { Join, type JoinColumn } from "../../engine/join.js";
import { MemorySort, type SortKey } from "../../engine/memory-sort.js";
import type { Primitive } from "../../engine/primitive.js";
import { LIST_VAR } from "../../engine/route.js";
import type { PlanContext } from "../context.js";
import { unsupported } from "../errors.js";
import type { ResolvedTables } from "../route-planner.js";
import {
  chooseRouting,
  exprText,
  replaceExpr,
  type SelectTables,
  type TableRef,
  tableOfColumn,
} from "./analysis.js";
import { shardedRoute } from "./route.js";

/** The tables (of the two) an expression reads; refuses unqualified columns and subqueries. */
function sidesOf(tables: readonly TableRef[], e: Expr): Set<number> {
  const out = new Set<number>();
  walkExpr(
    e,
    (x) => {
      if (x.kind === "Aggregate" || x.kind === "GroupConcat")
        throw unsupported("aggregates with a cross-shard join");
      if (x.kind !== "Column") return;
      const t = tableOfColumn(tables, x);
      if (!t) throw unsupported(`column ${formatExpr(x)} without its table in a cross-shard join`);
      out.add(tables.indexOf(t));
    },
    () => {
      throw unsupported("subqueries in a cross-shard join");
    },
  );
  return out;
}

function and(conds: readonly Expr[]): Expr | undefined {
  return conds.reduce<Expr | undefined>(
    (acc, c) => (acc ? { kind: "Binary", op: "and", left: acc, right: c } : c),
    undefined,
  );
}

const ONE: Expr = { kind: "Literal", type: "int", value: "1" };

/**
 * Two tables not joined on their primary vindex: a nested-loop Join of two routes (Vitess's join
 * planning, reduced). Conditions on one table go to its route; `left.col = right.col` becomes
 * `right.col = :__jvN` bound from each left row. Only plain select lists and ORDER BY on selected columns
 * are planned; aggregates, GROUP BY, DISTINCT, LIMIT and conditions that cannot be placed are refused.
 */
export function planCrossShardJoin(
  ctx: PlanContext,
  sel: Select,
  keyspace: KeyspaceRef,
  resolved: ResolvedTables,
  { tables, on, where, outer }: SelectTables,
): Primitive<PlanCursor> {
  if (tables.length !== 2) throw unsupported(`cross-shard join of ${tables.length} tables`);
  if (sel.groupBy.length > 0 || sel.having || sel.distinct || sel.limit) {
    throw unsupported("GROUP BY, HAVING, DISTINCT or LIMIT with a cross-shard join");
  }
  const hasRightJoin = sel.from.some((f) => f.kind === "Join" && f.type.includes("right"));
  if (hasRightJoin) throw unsupported("RIGHT JOIN across shards");
  const sideConds: Expr[][] = [[], []];
  const sideCols: AliasedExpr[][] = [[], []];
  /** Bind variable names of the join columns, in the order they are added to the left select list. */
  const joinVars: string[] = [];
  const place = (c: Expr, fromOn: boolean): void => {
    const sides = sidesOf(tables, c);
    if (sides.size === 1) {
      const side = [...sides][0] as number;
      if (outer && side === 0 && fromOn)
        throw unsupported("an ON condition on the outer table of a cross-shard LEFT JOIN");
      if (outer && side === 1 && !fromOn)
        throw unsupported("a WHERE condition on the inner table of a cross-shard LEFT JOIN");
      sideConds[side]?.push(c);
      return;
    }
    if (sides.size === 2 && c.kind === "Binary" && c.op === "=" && (fromOn || !outer)) {
      const [l, r] = sidesOf(tables, c.left).has(0) ? [c.left, c.right] : [c.right, c.left];
      if (
        l.kind === "Column" &&
        r.kind === "Column" &&
        sidesOf(tables, l).has(0) &&
        sidesOf(tables, r).has(1)
      ) {
        const name = `__jv${joinVars.length + 1}`;
        sideCols[0]?.push({ kind: "Aliased", expr: l });
        joinVars.push(name);
        sideConds[1]?.push({
          kind: "Binary",
          op: "=",
          left: r,
          right: { kind: "BindVar", name, list: false },
        });
        return;
      }
    }
    throw unsupported(`join condition ${formatExpr(c)} across shards`);
  };
  for (const c of on) place(c, true);
  for (const c of where) place(c, false);
  // The select list, each column from one side.
  const columns: { side: 0 | 1; expr: AliasedExpr }[] = [];
  for (const c of sel.columns) {
    if (c.kind !== "Aliased") throw unsupported("* or NEXT VALUES with a cross-shard join");
    const sides = sidesOf(tables, c.expr);
    if (sides.size > 1)
      throw unsupported(`expression ${formatExpr(c.expr)} over both sides of a cross-shard join`);
    const side = sides.has(1) ? 1 : 0;
    columns.push({ side, expr: c });
  }
  const selected: AliasedExpr[][] = [[], []];
  const output: JoinColumn[] = columns.map((c) => {
    selected[c.side]?.push(c.expr);
    return { side: c.side === 0 ? "left" : "right", index: (selected[c.side]?.length ?? 1) - 1 };
  });
  const leftList = [...(selected[0] ?? []), ...(sideCols[0] ?? [])];
  const finalVars: Record<string, number> = {};
  joinVars.forEach((name, i) => {
    finalVars[name] = (selected[0]?.length ?? 0) + i;
  });
  const rightList =
    (selected[1]?.length ?? 0) > 0
      ? (selected[1] as AliasedExpr[])
      : [{ kind: "Aliased", expr: ONE } as AliasedExpr];
  const sideRoute = (i: 0 | 1, list: readonly AliasedExpr[]) => {
    const t = tables[i] as TableRef;
    const conds = sideConds[i] ?? [];
    const routing = chooseRouting([t], conds);
    let whereExpr = and(conds);
    if (whereExpr && routing.inExpr?.kind === "In") {
      whereExpr = replaceExpr(whereExpr, routing.inExpr, {
        ...routing.inExpr,
        values: { kind: "BindVar", name: LIST_VAR, list: true },
      });
    }
    const query: Select = {
      kind: "Select",
      comments: [],
      distinct: false,
      options: [],
      columns: list,
      from: [
        {
          kind: "Table",
          name: { name: t.table.name },
          ...(t.ref !== t.table.name.toLowerCase() ? { alias: t.ref } : {}),
        },
      ],
      where: whereExpr,
      groupBy: [],
      withRollup: false,
      orderBy: [],
      ...(sel.lock ? { lock: sel.lock } : {}),
    };
    const fieldQuery = format({ ...query, where: { kind: "Binary", op: "!=", left: ONE, right: ONE } });
    return shardedRoute(ctx, keyspace, resolved, format(query), routing, false, fieldQuery);
  };
  let plan: Primitive<PlanCursor> = new Join(
    sideRoute(0, leftList),
    sideRoute(1, rightList),
    outer,
    output,
    finalVars,
  );
  if (sel.orderBy.length > 0) {
    const keys: SortKey[] = sel.orderBy.map((o) => {
      const text = exprText(o.expr);
      const i = columns.findIndex(
        (c) =>
          exprText(c.expr.expr) === text ||
          (o.expr.kind === "Column" &&
            !o.expr.table &&
            c.expr.alias?.toLowerCase() === o.expr.name.toLowerCase()),
      );
      if (i < 0)
        throw unsupported(`ORDER BY ${formatExpr(o.expr)} not in the select list of a cross-shard join`);
      return { column: i, desc: o.direction === "desc" };
    });
    plan = new MemorySort(plan, keys);
  }
  return plan;
}
