import type { Column, Expr, OrderBy, TableName } from "./expr.js";
import type { Limit, QueryExpr, TableExpr } from "./query.js";

/** `col = expr` in UPDATE ... SET and ON DUPLICATE KEY UPDATE. */
export interface UpdateExpr {
  readonly column: Column;
  readonly expr: Expr;
}

/** `values (...), (...)`: every row as written (`default` is a Default expression). */
export interface ValuesRows {
  readonly kind: "Values";
  readonly rows: readonly (readonly Expr[])[];
}

/** `insert ... select ...`. */
export interface QueryRows {
  readonly kind: "Query";
  readonly query: QueryExpr;
}

export type InsertRows = ValuesRows | QueryRows;

/**
 * INSERT or REPLACE. `insert ... set a = 1, b = 2` is read as `insert ...(a, b) values (1, 2)`, which
 * MySQL treats the same.
 */
export interface Insert {
  readonly kind: "Insert";
  readonly action: "insert" | "replace";
  readonly comments: readonly string[];
  readonly priority?: "low_priority" | "delayed" | "high_priority" | undefined;
  readonly ignore: boolean;
  readonly table: TableName;
  readonly partitions?: readonly string[] | undefined;
  /** Empty when no column list was written. */
  readonly columns: readonly string[];
  readonly rows: InsertRows;
  /** `on duplicate key update ...`; empty when absent. */
  readonly onDuplicate: readonly UpdateExpr[];
}

export interface Update {
  readonly kind: "Update";
  readonly comments: readonly string[];
  readonly lowPriority: boolean;
  readonly ignore: boolean;
  readonly tables: readonly TableExpr[];
  readonly set: readonly UpdateExpr[];
  readonly where?: Expr | undefined;
  readonly orderBy: readonly OrderBy[];
  readonly limit?: Limit | undefined;
}

/**
 * DELETE. Single-table form: `targets` empty, `from` the one table. Multi-table forms
 * (`delete a, b from a join b ...` and `delete from a, b using a join b ...`) both become `targets` (the
 * tables rows are deleted from) plus `from` (the table references).
 */
export interface Delete {
  readonly kind: "Delete";
  readonly comments: readonly string[];
  readonly lowPriority: boolean;
  readonly quick: boolean;
  readonly ignore: boolean;
  readonly targets: readonly TableName[];
  readonly from: readonly TableExpr[];
  readonly partitions?: readonly string[] | undefined;
  readonly where?: Expr | undefined;
  readonly orderBy: readonly OrderBy[];
  readonly limit?: Limit | undefined;
}
