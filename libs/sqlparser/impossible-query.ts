import type { Expr, Select } from "./ast/index.js";

const ONE: Expr = { kind: "Literal", type: "int", value: "1" };
const ONE_NE_ONE: Expr = { kind: "Binary", op: "!=", left: ONE, right: ONE };

/**
 * The select with `where 1 != 1` and no grouping, ordering, limit or lock: MySQL answers it with the
 * result's columns and no row, without reading the table (Vitess's FormatImpossibleQuery). Used where only
 * the columns are wanted: prepared statements, results no shard is asked for.
 */
export function impossibleQuery(select: Select): Select {
  return {
    ...select,
    where: ONE_NE_ONE,
    groupBy: [],
    withRollup: false,
    having: undefined,
    orderBy: [],
    limit: undefined,
    lock: undefined,
  };
}
