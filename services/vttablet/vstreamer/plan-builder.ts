import { type KeyRange, parseShardName } from "../../../libs/key/index.js";
import { type Field, MySqlFlag, Type } from "../../../libs/proto/query.js";
import { type CompareOp, type Expr, formatExpr, type SelectExpr } from "../../../libs/sqlparser/index.js";
import type { SingleColumn } from "../../../libs/vindexes/index.js";
import { errorMessage, invalidArgument, VtError } from "../../../libs/vterrors/index.js";
import type { CompiledRule, FilterSelect } from "./filter-rules.js";
import type { VindexResolver } from "./vindex-resolver.js";

/** A table as the stream sees it: its columns as query.Fields, and its primary key. */
export interface TableSchema {
  readonly name: string;
  readonly fields: readonly Field[];
  /** Column indexes of the primary key in key order; empty when the table has none. */
  readonly pkColumns: readonly number[];
}

/** A literal of a filter's WHERE clause: an integer or a string (compared as bytes, as Vitess). */
export type FilterLiteral =
  | { readonly kind: "int"; readonly value: bigint }
  | { readonly kind: "string"; readonly bytes: Buffer };

/** One AND-ed condition of a filter (Vitess's Filter opcodes). Column numbers index the table's columns. */
export type RowCondition =
  | {
      readonly kind: "keyRange";
      readonly vindex: SingleColumn;
      readonly column: number;
      readonly keyRange: KeyRange;
    }
  | {
      readonly kind: "compare";
      readonly op: CompareOp;
      readonly column: number;
      readonly value: FilterLiteral;
    }
  | { readonly kind: "in"; readonly column: number; readonly values: readonly FilterLiteral[] }
  | { readonly kind: "notNull"; readonly column: number };

/** One output column: a table column, the row's keyspace id, or the constant 1. */
export type ColumnExpr =
  | { readonly kind: "column"; readonly column: number }
  | { readonly kind: "keyspaceId"; readonly vindex: SingleColumn; readonly column: number }
  | { readonly kind: "fixed"; readonly value: Buffer };

/** How rows of one table are filtered and shaped for a stream (Vitess's vstreamer Plan). */
export interface TablePlan {
  readonly table: TableSchema;
  readonly columns: readonly ColumnExpr[];
  /** The FIELD event's fields: one per output column. */
  readonly fields: readonly Field[];
  readonly conditions: readonly RowCondition[];
  /** Every column in table order and no condition: rows go out as the binlog has them. */
  readonly passThrough: boolean;
  /** An ENUM or SET column is streamed (its values are member names already). */
  readonly hasEnumOrSet: boolean;
}

const KEYSPACE_ID_FIELD: Field = {
  name: "keyspace_id",
  type: Type.VARBINARY,
  table: "",
  orgTable: "",
  database: "",
  orgName: "",
  columnLength: 0,
  charset: 63,
  decimals: 0,
  flags: MySqlFlag.BINARY_FLAG,
  columnType: "",
};

const ONE_FIELD: Field = {
  ...KEYSPACE_ID_FIELD,
  name: "1",
  type: Type.INT64,
  flags: MySqlFlag.NOT_NULL_FLAG | MySqlFlag.NUM_FLAG,
};

const ONE = Buffer.from("1");

function findColumn(table: TableSchema, name: string): number {
  const lowered = name.toLowerCase();
  const index = table.fields.findIndex((field) => field.name.toLowerCase() === lowered);
  if (index < 0) throw invalidArgument(`column ${name} not found in table ${table.name}`);
  return index;
}

function columnOf(expr: Expr, table: TableSchema): number {
  if (expr.kind !== "Column") throw invalidArgument(`unexpected: ${formatExpr(expr)}`);
  if (expr.table !== undefined) {
    throw invalidArgument(`unsupported qualifier for column: ${formatExpr(expr)}`);
  }
  return findColumn(table, expr.name);
}

function literalOf(expr: Expr): FilterLiteral {
  if (expr.kind === "Literal" && expr.type === "int") return { kind: "int", value: BigInt(expr.value) };
  if (expr.kind === "Literal" && expr.type === "string") {
    return { kind: "string", bytes: Buffer.from(expr.value, "utf8") };
  }
  throw invalidArgument(`unexpected: ${formatExpr(expr)}: only integer and string literals can be compared`);
}

function stringArg(expr: Expr): string {
  if (expr.kind !== "Literal" || expr.type !== "string")
    throw invalidArgument(`unsupported: ${formatExpr(expr)}`);
  return expr.value;
}

/** A key range as written in a filter: `-80`, `80-`, `40-80`, `-` (everything). */
export function parseFilterKeyRange(spec: string): KeyRange {
  try {
    return parseShardName(spec);
  } catch (err) {
    throw invalidArgument(`invalid key range "${spec}" in filter: ${errorMessage(err)}`, { cause: err });
  }
}

function singleColumnVindex(columns: readonly string[], vindex: SingleColumn, table: TableSchema): number {
  if (columns.length !== 1) {
    throw invalidArgument(
      `vindex ${vindex.name} on (${columns.join(", ")}) of table ${table.name}: only single-column vindexes can filter a stream`,
    );
  }
  return findColumn(table, columns[0]!);
}

/** `in_keyrange('-80')` (primary vindex) or `in_keyrange(col, 'vindex', '-80')`. */
function inKeyRange(args: readonly Expr[], table: TableSchema, vindexes: VindexResolver): RowCondition {
  if (args.length === 1) {
    const primary = vindexes.primaryVindex(table.name);
    const column = singleColumnVindex(primary.columns, primary.vindex, table);
    return {
      kind: "keyRange",
      vindex: primary.vindex,
      column,
      keyRange: parseFilterKeyRange(stringArg(args[0]!)),
    };
  }
  if (args.length === 3) {
    const column = columnOf(args[0]!, table);
    const vindex = vindexes.findOrCreate(stringArg(args[1]!));
    return { kind: "keyRange", vindex, column, keyRange: parseFilterKeyRange(stringArg(args[2]!)) };
  }
  throw invalidArgument(
    `unexpected in_keyrange parameters (${args.map(formatExpr).join(", ")}): use in_keyrange('-80') or in_keyrange(col, 'hash', '-80')`,
  );
}

function condition(expr: Expr, table: TableSchema, vindexes: VindexResolver): RowCondition {
  switch (expr.kind) {
    case "Binary":
      switch (expr.op) {
        case "=":
        case "!=":
        case "<":
        case "<=":
        case ">":
        case ">=":
          return {
            kind: "compare",
            op: expr.op,
            column: columnOf(expr.left, table),
            value: literalOf(expr.right),
          };
        default:
          throw invalidArgument(`unsupported constraint: ${formatExpr(expr)}`);
      }
    case "In":
      if (expr.not || expr.values.kind !== "Tuple")
        throw invalidArgument(`unsupported constraint: ${formatExpr(expr)}`);
      return { kind: "in", column: columnOf(expr.expr, table), values: expr.values.exprs.map(literalOf) };
    case "Is":
      if (expr.test !== "not null") throw invalidArgument(`unsupported constraint: ${formatExpr(expr)}`);
      return { kind: "notNull", column: columnOf(expr.expr, table) };
    case "Func":
      if (expr.name.toLowerCase() !== "in_keyrange" || expr.qualifier !== undefined) {
        throw invalidArgument(`unsupported constraint: ${formatExpr(expr)}`);
      }
      return inKeyRange(expr.args, table, vindexes);
    default:
      throw invalidArgument(`unsupported constraint: ${formatExpr(expr)}`);
  }
}

function columnExpr(
  selectExpr: SelectExpr,
  table: TableSchema,
  vindexes: VindexResolver,
): { expr: ColumnExpr; field: Field } {
  if (selectExpr.kind !== "Aliased") throw invalidArgument("unsupported: * beside other columns");
  const expr = selectExpr.expr;
  switch (expr.kind) {
    case "Column": {
      const column = columnOf(expr, table);
      return { expr: { kind: "column", column }, field: table.fields[column]! };
    }
    case "Func": {
      if (expr.name.toLowerCase() !== "keyspace_id" || expr.qualifier !== undefined) {
        throw invalidArgument(`unsupported function: ${formatExpr(expr)}`);
      }
      if (expr.args.length !== 0) throw invalidArgument(`unexpected: ${formatExpr(expr)}`);
      const primary = vindexes.primaryVindex(table.name);
      const column = singleColumnVindex(primary.columns, primary.vindex, table);
      return { expr: { kind: "keyspaceId", vindex: primary.vindex, column }, field: KEYSPACE_ID_FIELD };
    }
    case "Literal":
      if (expr.type !== "int" || BigInt(expr.value) !== 1n) {
        throw invalidArgument("only the integer literal 1 is supported");
      }
      return { expr: { kind: "fixed", value: ONE }, field: ONE_FIELD };
    default:
      throw invalidArgument(`unsupported: ${formatExpr(expr)}`);
  }
}

function finish(
  table: TableSchema,
  columns: ColumnExpr[],
  fields: Field[],
  conditions: RowCondition[],
): TablePlan {
  const passThrough =
    conditions.length === 0 &&
    columns.length === table.fields.length &&
    columns.every((column, i) => column.kind === "column" && column.column === i);
  const hasEnumOrSet = fields.some((field) => field.type === Type.ENUM || field.type === Type.SET);
  return { table, columns, fields, conditions, passThrough, hasEnumOrSet };
}

function allColumns(table: TableSchema): { columns: ColumnExpr[]; fields: Field[] } {
  return {
    columns: table.fields.map((_, column): ColumnExpr => ({ kind: "column", column })),
    fields: [...table.fields],
  };
}

/** The plan of a select filter for `table` (Vitess's buildTablePlan): WHERE first, then the select list. */
export function buildSelectPlan(
  select: FilterSelect,
  table: TableSchema,
  vindexes: VindexResolver,
): TablePlan {
  const conditions = select.conditions.map((expr) => condition(expr, table, vindexes));
  if (select.columns === undefined) {
    const all = allColumns(table);
    return finish(table, all.columns, all.fields, conditions);
  }
  const columns: ColumnExpr[] = [];
  const fields: Field[] = [];
  for (const selectExpr of select.columns) {
    const { expr, field } = columnExpr(selectExpr, table, vindexes);
    columns.push(expr);
    fields.push(field);
  }
  return finish(table, columns, fields, conditions);
}

/**
 * The plan of `rule` for `table`. Throws INVALID_ARGUMENT for a filter that does not fit the table (unknown
 * columns, a vindex the VSchema does not have); the message names the table and the filter.
 */
export function buildTablePlan(rule: CompiledRule, table: TableSchema, vindexes: VindexResolver): TablePlan {
  try {
    if (rule.kind === "table") return buildSelectPlan(rule.select, table, vindexes);
    const all = allColumns(table);
    if (rule.keyRange === "") return finish(table, all.columns, all.fields, []);
    const primary = vindexes.primaryVindex(table.name);
    const column = singleColumnVindex(primary.columns, primary.vindex, table);
    const keyRange = parseFilterKeyRange(rule.keyRange);
    return finish(table, all.columns, all.fields, [
      { kind: "keyRange", vindex: primary.vindex, column, keyRange },
    ]);
  } catch (err) {
    if (err instanceof VtError) {
      const filter = rule.kind === "table" ? rule.select.text : rule.keyRange;
      throw new VtError(err.code, `table ${table.name}, filter "${filter}": ${err.message}`, {
        cause: err,
        mysql: err.mysql,
      });
    }
    throw err;
  }
}
