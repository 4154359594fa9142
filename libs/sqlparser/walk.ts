import type { Expr, ExprKind, Tuple } from "./ast/expr.js";
import type { QueryExpr } from "./ast/query.js";

type MapExpr = (e: Expr) => Expr;
type MapQuery = (q: QueryExpr) => QueryExpr;

/** Maps a list, returning the same array when no element changed. */
export function mapList<T>(list: readonly T[], f: (item: T) => T): readonly T[] {
  let out: T[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const item = list[i] as T;
    const mapped = f(item);
    if (mapped !== item && out === undefined) out = list.slice(0, i);
    if (out !== undefined) out.push(mapped);
  }
  return out ?? list;
}

function mapOptional(e: Expr | undefined, f: MapExpr): Expr | undefined {
  return e === undefined ? undefined : f(e);
}

type ChildMapper = {
  readonly [K in ExprKind]: (node: Extract<Expr, { kind: K }>, f: MapExpr, q: MapQuery) => Expr;
};

/** Rebuilds each kind of node from mapped children; a node whose children did not change is returned as is. */
const CHILD_MAPPERS: ChildMapper = {
  Literal: (e) => e,
  Null: (e) => e,
  Bool: (e) => e,
  BindVar: (e) => e,
  Column: (e) => e,
  Variable: (e) => e,
  Default: (e) => e,
  Unary: (e, f) => {
    const expr = f(e.expr);
    return expr === e.expr ? e : { ...e, expr };
  },
  Not: (e, f) => {
    const expr = f(e.expr);
    return expr === e.expr ? e : { ...e, expr };
  },
  Binary: (e, f) => {
    const left = f(e.left);
    const right = f(e.right);
    return left === e.left && right === e.right ? e : { ...e, left, right };
  },
  Quantified: (e, _f, q) => {
    const query = q(e.query);
    return query === e.query ? e : { ...e, query };
  },
  Is: (e, f) => {
    const expr = f(e.expr);
    return expr === e.expr ? e : { ...e, expr };
  },
  In: (e, f) => {
    const expr = f(e.expr);
    const values = f(e.values) as Tuple | typeof e.values;
    return expr === e.expr && values === e.values ? e : { ...e, expr, values };
  },
  Between: (e, f) => {
    const expr = f(e.expr);
    const low = f(e.low);
    const high = f(e.high);
    return expr === e.expr && low === e.low && high === e.high ? e : { ...e, expr, low, high };
  },
  Like: (e, f) => {
    const expr = f(e.expr);
    const pattern = f(e.pattern);
    const escapeChar = mapOptional(e.escape, f);
    return expr === e.expr && pattern === e.pattern && escapeChar === e.escape
      ? e
      : { ...e, expr, pattern, escape: escapeChar };
  },
  Regexp: (e, f) => {
    const expr = f(e.expr);
    const pattern = f(e.pattern);
    return expr === e.expr && pattern === e.pattern ? e : { ...e, expr, pattern };
  },
  Exists: (e, _f, q) => {
    const query = q(e.query);
    return query === e.query ? e : { ...e, query };
  },
  Subquery: (e, _f, q) => {
    const query = q(e.query);
    return query === e.query ? e : { ...e, query };
  },
  Tuple: (e, f) => {
    const exprs = mapList(e.exprs, f);
    return exprs === e.exprs ? e : { ...e, exprs };
  },
  Case: (e, f) => {
    const operand = mapOptional(e.operand, f);
    const whens = mapList(e.whens, (w) => {
      const cond = f(w.cond);
      const result = f(w.result);
      return cond === w.cond && result === w.result ? w : { cond, result };
    });
    const elseExpr = mapOptional(e.else, f);
    return operand === e.operand && whens === e.whens && elseExpr === e.else
      ? e
      : { ...e, operand, whens, else: elseExpr };
  },
  Func: (e, f) => {
    const args = mapList(e.args, f);
    return args === e.args ? e : { ...e, args };
  },
  Aggregate: (e, f) => {
    const args = mapList(e.args, f);
    return args === e.args ? e : { ...e, args };
  },
  GroupConcat: (e, f) => {
    const args = mapList(e.args, f);
    const orderBy = mapList(e.orderBy, (o) => {
      const expr = f(o.expr);
      return expr === o.expr ? o : { ...o, expr };
    });
    const limit = mapOptional(e.limit, f);
    return args === e.args && orderBy === e.orderBy && limit === e.limit ? e : { ...e, args, orderBy, limit };
  },
  Cast: (e, f) => {
    const expr = f(e.expr);
    return expr === e.expr ? e : { ...e, expr };
  },
  ConvertUsing: (e, f) => {
    const expr = f(e.expr);
    return expr === e.expr ? e : { ...e, expr };
  },
  Collate: (e, f) => {
    const expr = f(e.expr);
    return expr === e.expr ? e : { ...e, expr };
  },
  Interval: (e, f) => {
    const expr = f(e.expr);
    return expr === e.expr ? e : { ...e, expr };
  },
  Extract: (e, f) => {
    const expr = f(e.expr);
    return expr === e.expr ? e : { ...e, expr };
  },
  Trim: (e, f) => {
    const expr = f(e.expr);
    const remove = mapOptional(e.remove, f);
    return expr === e.expr && remove === e.remove ? e : { ...e, expr, remove };
  },
  Match: (e, f) => {
    const against = f(e.against);
    return against === e.against ? e : { ...e, against };
  },
  Assignment: (e, f) => {
    const expr = f(e.expr);
    return expr === e.expr ? e : { ...e, expr };
  },
};

/**
 * The expression with each direct child expression replaced by `f(child)` and each subquery by
 * `q(query)`. Returns `e` itself when nothing changed, so rewrites copy only the path they touch.
 */
export function mapExprChildren(e: Expr, f: MapExpr, q: MapQuery): Expr {
  return (CHILD_MAPPERS[e.kind] as (node: Expr, f: MapExpr, q: MapQuery) => Expr)(e, f, q);
}

/** Calls `onExpr` for every expression under (and including) `e`, and `onQuery` for every subquery. */
export function walkExpr(e: Expr, onExpr: (e: Expr) => void, onQuery: (q: QueryExpr) => void): void {
  const visit = (x: Expr): Expr => {
    onExpr(x);
    mapExprChildren(x, visit, visitQuery);
    return x;
  };
  const visitQuery = (q: QueryExpr): QueryExpr => {
    onQuery(q);
    return q;
  };
  visit(e);
}
