import type { Expr, OrderBy, TableName } from "./expr.js";

/** `*` or `t.*` / `ks.t.*` in a select list. */
export interface StarExpr {
  readonly kind: "Star";
  readonly table?: TableName | undefined;
}

export interface AliasedExpr {
  readonly kind: "Aliased";
  readonly expr: Expr;
  readonly alias?: string | undefined;
}

/** `select next N values from seq` (Vitess sequences): N is a literal or a bind variable. */
export interface NextValues {
  readonly kind: "NextValues";
  readonly count: Expr;
}

export type SelectExpr = StarExpr | AliasedExpr | NextValues;

export type IndexHintType = "use" | "force" | "ignore";

export interface IndexHint {
  readonly type: IndexHintType;
  /** `index` and `key` are the same; `for join`, `for order by`, `for group by`. */
  readonly for?: "join" | "order by" | "group by" | undefined;
  readonly indexes: readonly string[];
}

export interface AliasedTable {
  readonly kind: "Table";
  readonly name: TableName;
  readonly alias?: string | undefined;
  readonly partitions?: readonly string[] | undefined;
  readonly hints?: readonly IndexHint[] | undefined;
}

export interface DerivedTable {
  readonly kind: "Derived";
  readonly query: QueryExpr;
  readonly alias: string;
  readonly columns?: readonly string[] | undefined;
  readonly lateral: boolean;
}

/** `join` covers inner and cross joins; the natural ones take neither ON nor USING. */
export type JoinType =
  | "join"
  | "left join"
  | "right join"
  | "straight_join"
  | "natural join"
  | "natural left join"
  | "natural right join";

export interface Join {
  readonly kind: "Join";
  readonly type: JoinType;
  readonly left: TableExpr;
  readonly right: TableExpr;
  readonly on?: Expr | undefined;
  readonly using?: readonly string[] | undefined;
}

/** `(a, b)` in a FROM clause: a parenthesised list of two or more table expressions. */
export interface ParenTables {
  readonly kind: "ParenTables";
  readonly tables: readonly TableExpr[];
}

export type TableExpr = AliasedTable | DerivedTable | Join | ParenTables;

export interface Limit {
  readonly offset?: Expr | undefined;
  readonly count: Expr;
}

export type LockType =
  | "for update"
  | "for update nowait"
  | "for update skip locked"
  | "for share"
  | "for share nowait"
  | "for share skip locked"
  | "lock in share mode";

export interface CommonTableExpr {
  readonly name: string;
  readonly columns?: readonly string[] | undefined;
  readonly query: QueryExpr;
}

export interface With {
  readonly recursive: boolean;
  readonly ctes: readonly CommonTableExpr[];
}

/**
 * Select options written after SELECT, lower case: `distinct` is its own field; these are
 * `straight_join`, `sql_calc_found_rows`, `sql_no_cache`, `sql_cache`, `high_priority`,
 * `sql_small_result`, `sql_big_result`, `sql_buffer_result`.
 */
export type SelectOption =
  | "straight_join"
  | "sql_calc_found_rows"
  | "sql_no_cache"
  | "sql_cache"
  | "high_priority"
  | "sql_small_result"
  | "sql_big_result"
  | "sql_buffer_result";

export interface Select {
  readonly kind: "Select";
  /** Block comments written right after SELECT (`/*vt+ QUERY_TIMEOUT_MS=10 *\/`), as written. */
  readonly comments: readonly string[];
  readonly with?: With | undefined;
  readonly distinct: boolean;
  readonly options: readonly SelectOption[];
  readonly columns: readonly SelectExpr[];
  /** Empty for `select 1` / `select 1 from dual`. */
  readonly from: readonly TableExpr[];
  readonly where?: Expr | undefined;
  readonly groupBy: readonly Expr[];
  readonly withRollup: boolean;
  readonly having?: Expr | undefined;
  readonly orderBy: readonly OrderBy[];
  readonly limit?: Limit | undefined;
  readonly lock?: LockType | undefined;
}

/** `left union [all] right [order by ...] [limit ...]`; unions chain to the left. */
export interface Union {
  readonly kind: "Union";
  readonly with?: With | undefined;
  readonly left: QueryExpr;
  readonly right: QueryExpr;
  /** false for UNION (DISTINCT), true for UNION ALL. */
  readonly all: boolean;
  readonly orderBy: readonly OrderBy[];
  readonly limit?: Limit | undefined;
  readonly lock?: LockType | undefined;
}

/** A query: what may appear as a statement, a subquery or a derived table. */
export type QueryExpr = Select | Union;
