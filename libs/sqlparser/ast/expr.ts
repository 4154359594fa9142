import type { QueryExpr } from "./query.js";

/** A possibly qualified table name: `t`, `ks.t` (the qualifier is the keyspace or database). */
export interface TableName {
  readonly name: string;
  readonly qualifier?: string | undefined;
}

/**
 * Literal kinds. Numbers keep their text as written (`010`, `1.50`, `1e3`); `-5` is folded into one literal.
 * hexnum is `0x1F`, hexval `X'1F'` (value: the digits), bitnum `0b101`, bitval `B'101'` (value: the digits);
 * date/time/timestamp are the typed literals `date '2024-01-31'` etc.
 */
export type LiteralType =
  | "int"
  | "decimal"
  | "float"
  | "string"
  | "hexnum"
  | "hexval"
  | "bitnum"
  | "bitval"
  | "date"
  | "time"
  | "timestamp";

export interface Literal {
  readonly kind: "Literal";
  readonly type: LiteralType;
  readonly value: string;
  /**
   * Character set introducer of a string, hex or bit literal: `_binary`, `_utf8mb4` (lower case, with `_`),
   * or `N` for a national string `N'text'`.
   */
  readonly introducer?: string | undefined;
}

export interface NullLiteral {
  readonly kind: "Null";
}

export interface BoolLiteral {
  readonly kind: "Bool";
  readonly value: boolean;
}

/** `:name` (list = false) or `::name` (list = true, a tuple of values). `?` placeholders become `:v1`, `:v2`... */
export interface BindVar {
  readonly kind: "BindVar";
  readonly name: string;
  readonly list: boolean;
}

export interface Column {
  readonly kind: "Column";
  readonly name: string;
  readonly table?: TableName | undefined;
}

/** `@name` (user), `@@name` (implicit: session, else global), `@@session.name`, `@@global.name`. */
export type VariableScope = "user" | "implicit" | "session" | "global" | "persist" | "persist_only";

export interface Variable {
  readonly kind: "Variable";
  readonly scope: VariableScope;
  readonly name: string;
}

export type UnaryOp = "-" | "+" | "~" | "!" | "binary";

export interface Unary {
  readonly kind: "Unary";
  readonly op: UnaryOp;
  readonly expr: Expr;
}

export interface Not {
  readonly kind: "Not";
  readonly expr: Expr;
}

export type LogicalOp = "and" | "or" | "xor";
export type ComparisonOp = "=" | "<=>" | "!=" | "<" | "<=" | ">" | ">=";
export type ArithmeticOp = "|" | "&" | "<<" | ">>" | "+" | "-" | "*" | "/" | "div" | "%" | "^";
export type JsonOp = "->" | "->>";
export type BinaryOp = LogicalOp | ComparisonOp | ArithmeticOp | JsonOp;

export interface Binary {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** `a = any (select ...)`, `a > all (select ...)`: the right side of a comparison. */
export interface Quantified {
  readonly kind: "Quantified";
  readonly quantifier: "any" | "all";
  readonly query: QueryExpr;
}

export type IsTest =
  | "null"
  | "not null"
  | "true"
  | "not true"
  | "false"
  | "not false"
  | "unknown"
  | "not unknown";

export interface Is {
  readonly kind: "Is";
  readonly expr: Expr;
  readonly test: IsTest;
}

/** `a [not] in (1, 2)`, `a in ::list`, `a in (select ...)`. */
export interface In {
  readonly kind: "In";
  readonly not: boolean;
  readonly expr: Expr;
  readonly values: Tuple | BindVar | Subquery;
}

export interface Between {
  readonly kind: "Between";
  readonly not: boolean;
  readonly expr: Expr;
  readonly low: Expr;
  readonly high: Expr;
}

export interface Like {
  readonly kind: "Like";
  readonly not: boolean;
  readonly expr: Expr;
  readonly pattern: Expr;
  readonly escape?: Expr | undefined;
}

/** `a [not] regexp b` (and `rlike`). */
export interface Regexp {
  readonly kind: "Regexp";
  readonly not: boolean;
  readonly expr: Expr;
  readonly pattern: Expr;
}

export interface Exists {
  readonly kind: "Exists";
  readonly query: QueryExpr;
}

export interface Subquery {
  readonly kind: "Subquery";
  readonly query: QueryExpr;
}

/** `(a, b)`: two or more expressions (one parenthesised expression is just that expression). */
export interface Tuple {
  readonly kind: "Tuple";
  readonly exprs: readonly Expr[];
}

export interface When {
  readonly cond: Expr;
  readonly result: Expr;
}

export interface Case {
  readonly kind: "Case";
  readonly operand?: Expr | undefined;
  readonly whens: readonly When[];
  readonly else?: Expr | undefined;
}

/**
 * A function call, name as written (`now()`, `IFNULL(a, b)`, `in_keyrange(col, 'hash', '-80')`).
 * `qualifier` for stored functions called as `db.f()`.
 */
export interface FuncCall {
  readonly kind: "Func";
  readonly name: string;
  readonly qualifier?: string | undefined;
  readonly args: readonly Expr[];
}

export type AggregateName =
  | "count"
  | "sum"
  | "min"
  | "max"
  | "avg"
  | "bit_and"
  | "bit_or"
  | "bit_xor"
  | "std"
  | "stddev"
  | "stddev_pop"
  | "stddev_samp"
  | "var_pop"
  | "var_samp"
  | "variance"
  | "json_arrayagg"
  | "json_objectagg"
  | "any_value";

/** An aggregate: `count(*)` (star), `count(distinct a, b)`, `sum(x)`; the name is lower case. */
export interface Aggregate {
  readonly kind: "Aggregate";
  readonly name: AggregateName;
  readonly distinct: boolean;
  readonly star: boolean;
  readonly args: readonly Expr[];
}

export interface OrderBy {
  readonly expr: Expr;
  readonly direction: "asc" | "desc";
}

export interface GroupConcat {
  readonly kind: "GroupConcat";
  readonly distinct: boolean;
  readonly args: readonly Expr[];
  readonly orderBy: readonly OrderBy[];
  readonly separator?: string | undefined;
  readonly limit?: Expr | undefined;
}

/**
 * A target type of CAST/CONVERT: `unsigned` (also `unsigned integer`), `signed`, `char(10) charset x`,
 * `binary(4)`, `decimal(10, 2)`, `date`, `datetime(6)`, `time`, `json`, `double`, `float` ...
 */
export interface ConvertType {
  readonly name: string;
  readonly length?: string | undefined;
  readonly scale?: string | undefined;
  readonly charset?: string | undefined;
}

/** `cast(expr as type)` (style cast) or `convert(expr, type)` (style convert). */
export interface Cast {
  readonly kind: "Cast";
  readonly style: "cast" | "convert";
  readonly expr: Expr;
  readonly type: ConvertType;
}

/** `convert(expr using charset)`. */
export interface ConvertUsing {
  readonly kind: "ConvertUsing";
  readonly expr: Expr;
  readonly charset: string;
}

export interface Collate {
  readonly kind: "Collate";
  readonly expr: Expr;
  readonly collation: string;
}

/** `interval expr unit` (in date arithmetic and date_add/date_sub); the unit is lower case (`day`, `day_hour`). */
export interface Interval {
  readonly kind: "Interval";
  readonly expr: Expr;
  readonly unit: string;
}

/** `extract(unit from expr)`. */
export interface ExtractFunc {
  readonly kind: "Extract";
  readonly unit: string;
  readonly expr: Expr;
}

/** `trim([leading|trailing|both] [remove from] str)`. */
export interface Trim {
  readonly kind: "Trim";
  readonly side?: "leading" | "trailing" | "both" | undefined;
  readonly remove?: Expr | undefined;
  readonly expr: Expr;
}

/** `match (cols) against (expr [mode])`. */
export interface Match {
  readonly kind: "Match";
  readonly columns: readonly Column[];
  readonly against: Expr;
  readonly mode?:
    | "in natural language mode"
    | "in natural language mode with query expansion"
    | "in boolean mode"
    | "with query expansion"
    | undefined;
}

/** `default` (in VALUES and SET lists) or `default(col)`. */
export interface Default {
  readonly kind: "Default";
  readonly column?: string | undefined;
}

/** `@x := expr` inside an expression. */
export interface Assignment {
  readonly kind: "Assignment";
  readonly variable: Variable;
  readonly expr: Expr;
}

export type Expr =
  | Literal
  | NullLiteral
  | BoolLiteral
  | BindVar
  | Column
  | Variable
  | Unary
  | Not
  | Binary
  | Quantified
  | Is
  | In
  | Between
  | Like
  | Regexp
  | Exists
  | Subquery
  | Tuple
  | Case
  | FuncCall
  | Aggregate
  | GroupConcat
  | Cast
  | ConvertUsing
  | Collate
  | Interval
  | ExtractFunc
  | Trim
  | Match
  | Default
  | Assignment;

export type ExprKind = Expr["kind"];

/** One handler per expression kind: adding a kind without handling it everywhere is a compile error. */
export type ExprVisitor<R> = { readonly [K in ExprKind]: (node: Extract<Expr, { kind: K }>) => R };

export function visitExpr<R>(expr: Expr, visitor: ExprVisitor<R>): R {
  return (visitor[expr.kind] as (node: Expr) => R)(expr);
}
