import type { Filter } from "../../../libs/proto/binlogdata.js";
import {
  type Expr,
  isSqlSyntaxError,
  parse,
  type Select,
  type SelectExpr,
} from "../../../libs/sqlparser/index.js";
import { errorMessage, invalidArgument } from "../../../libs/vterrors/index.js";

/**
 * A filter rule checked and parsed once per stream: which tables it matches and, for a table named exactly,
 * its select (Vitess's Rule: `match` is a table name or a `/regexp/`; `filter` is a select on that table,
 * or, for a regexp, "" or a key range like "-80" applied with each table's primary vindex).
 */
export type CompiledRule =
  | { readonly kind: "table"; readonly match: string; readonly select: FilterSelect }
  | { readonly kind: "regexp"; readonly match: string; readonly regexp: RegExp; readonly keyRange: string };

/** The parts of a filter select a plan is built from, already checked to be supported. */
export interface FilterSelect {
  readonly table: string;
  /** Undefined for `select *`. */
  readonly columns: readonly SelectExpr[] | undefined;
  /** The WHERE clause split at AND. */
  readonly conditions: readonly Expr[];
  readonly text: string;
}

export interface CompiledFilter {
  readonly rules: readonly CompiledRule[];
  /** Some rule needs the keyspace's VSchema (a primary vindex or a vindex by name). */
  readonly needsVSchema: boolean;
}

function unsupported(what: string, sql: string): never {
  throw invalidArgument(`unsupported: ${what} in filter "${sql}"`);
}

/** `a and b and c` as [a, b, c]. */
export function splitAnd(expr: Expr | undefined, out: Expr[] = []): Expr[] {
  if (expr === undefined) return out;
  if (expr.kind === "Binary" && expr.op === "and") {
    splitAnd(expr.left, out);
    splitAnd(expr.right, out);
  } else {
    out.push(expr);
  }
  return out;
}

/**
 * Parses a filter select and checks its shape (Vitess's analyzeSelect): one plain table, no joins, grouping,
 * ordering or limits. Throws INVALID_ARGUMENT with the parser's message for text that is not SQL.
 */
export function analyzeSelect(sql: string): FilterSelect {
  let statement: ReturnType<typeof parse>;
  try {
    statement = parse(sql);
  } catch (err) {
    const detail = isSqlSyntaxError(err) ? err.message : errorMessage(err);
    throw invalidArgument(`filter "${sql}" is not a valid select: ${detail}`, { cause: err });
  }
  if (statement.kind !== "Select") {
    throw invalidArgument(
      `filter "${sql}" is not a select statement: only simple selects can filter a stream`,
    );
  }
  const select: Select = statement;
  if (select.with !== undefined) unsupported("WITH", sql);
  if (select.distinct) unsupported("DISTINCT", sql);
  if (select.groupBy.length > 0 || select.having !== undefined) unsupported("GROUP BY/HAVING", sql);
  if (select.orderBy.length > 0) unsupported("ORDER BY", sql);
  if (select.limit !== undefined) unsupported("LIMIT", sql);
  if (select.lock !== undefined) unsupported("a locking clause", sql);
  if (select.from.length !== 1)
    unsupported(select.from.length === 0 ? "a select without FROM" : "joins", sql);
  const from = select.from[0]!;
  if (from.kind !== "Table") unsupported(from.kind === "Derived" ? "a derived table" : "joins", sql);
  const table = from.name.name;
  const star = select.columns.length === 1 && select.columns[0]!.kind === "Star";
  for (const column of select.columns) {
    if (column.kind === "Star" && !star) unsupported("* beside other columns", sql);
    if (column.kind === "NextValues") unsupported("next values", sql);
  }
  return { table, columns: star ? undefined : select.columns, conditions: splitAnd(select.where), text: sql };
}

function usesVSchema(select: FilterSelect): boolean {
  for (const condition of select.conditions) {
    if (condition.kind === "Func" && condition.name.toLowerCase() === "in_keyrange") return true;
  }
  for (const column of select.columns ?? []) {
    if (
      column.kind === "Aliased" &&
      column.expr.kind === "Func" &&
      column.expr.name.toLowerCase() === "keyspace_id"
    )
      return true;
  }
  return false;
}

/** A rule for the table a select reads (VStreamRows: the query is the filter). */
export function compileSelectRule(sql: string): { rule: CompiledRule; needsVSchema: boolean } {
  const select = analyzeSelect(sql);
  return { rule: { kind: "table", match: select.table, select }, needsVSchema: usesVSchema(select) };
}

/** A regexp rule `/expr/`, as Vitess: the slashes trimmed, matched anywhere in the name. */
function compileRegexp(match: string): RegExp {
  const source = match.replace(/^\/+|\/+$/g, "");
  try {
    return new RegExp(source);
  } catch (err) {
    throw invalidArgument(`invalid table regexp ${match} in filter rule: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

/**
 * Checks and parses every rule of a stream's filter. A rule for a named table whose filter is "" streams the
 * whole table; its select must name the rule's table. Throws INVALID_ARGUMENT naming the rule.
 */
export function compileFilter(filter: Filter | undefined): CompiledFilter {
  const rules: CompiledRule[] = [];
  let needsVSchema = false;
  for (const rule of filter?.rules ?? []) {
    if (rule.match === "") throw invalidArgument("filter rule without a table to match");
    if (rule.match.startsWith("/")) {
      const keyRange = rule.filter.trim();
      if (keyRange !== "") needsVSchema = true;
      rules.push({ kind: "regexp", match: rule.match, regexp: compileRegexp(rule.match), keyRange });
      continue;
    }
    const text = rule.filter.trim() === "" ? `select * from ${rule.match}` : rule.filter;
    const select = analyzeSelect(text);
    if (select.table !== rule.match) {
      throw invalidArgument(
        `unsupported: select expression table ${select.table} does not match the table entry name ${rule.match}`,
      );
    }
    if (usesVSchema(select)) needsVSchema = true;
    rules.push({ kind: "table", match: rule.match, select });
  }
  return { rules, needsVSchema };
}

/** The first rule matching a table (Vitess's ruleMatches/buildPlan order), or undefined. */
export function ruleFor(rules: readonly CompiledRule[], table: string): CompiledRule | undefined {
  for (const rule of rules) {
    if (rule.kind === "table" ? rule.match === table : rule.regexp.test(table)) return rule;
  }
  return undefined;
}
