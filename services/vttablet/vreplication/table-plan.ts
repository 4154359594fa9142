import type { RawRow, RawValue } from "../../../libs/mysql/query-result.js";
import { encodeSqlValue, quoteIdentifier, quoteString } from "../../../libs/mysql/sql-literal.js";
import type { BinlogSource, Rule } from "../../../libs/proto/binlogdata.js";
import type { Field, Row } from "../../../libs/proto/query.js";
import { invalidArgument } from "../../../libs/vterrors/index.js";
import { rowValuesSql } from "./row-values-sql.js";

/**
 * Where one target table's rows come from (Vitess's table_plan_builder): the source table its events name,
 * and the select VStreamRows copies it with. A rule names the target table (`match`) and selects from the
 * source (`filter`: a select, "" for all columns, or for a `/regexp/` rule a key range like "-80").
 */
export interface TableRoute {
  readonly target: string;
  readonly source: string;
  readonly query: string;
}

const FROM_TABLE = /\bfrom\s+(?:`((?:[^`]|``)+)`|([A-Za-z0-9_$]+))/i;

/** The table a filter select reads from. */
export function filterSourceTable(filter: string): string {
  const match = FROM_TABLE.exec(filter);
  if (match === null) throw invalidArgument(`cannot find the source table in filter "${filter}"`);
  return match[1] !== undefined ? match[1].replaceAll("``", "`") : (match[2] as string);
}

function routeOfRule(rule: Rule, target: string): TableRoute {
  if (rule.match.startsWith("/")) {
    const keyRange = rule.filter.trim();
    const where = keyRange === "" ? "" : ` where in_keyrange(${quoteString(keyRange)})`;
    return { target, source: target, query: `select * from ${quoteIdentifier(target)}${where}` };
  }
  if (rule.filter.trim() === "") {
    return { target, source: target, query: `select * from ${quoteIdentifier(target)}` };
  }
  return { target, source: filterSourceTable(rule.filter), query: rule.filter };
}

/**
 * The routes of every target table the source's rules name, in rule order; a `/regexp/` rule takes the
 * target tables it matches (Vitess: the first rule matching a table wins).
 */
export function tableRoutes(source: BinlogSource, targetTables: readonly string[]): TableRoute[] {
  const routes: TableRoute[] = [];
  const seen = new Set<string>();
  for (const rule of source.filter?.rules ?? []) {
    if (rule.match.startsWith("/")) {
      const body = rule.match.slice(1, rule.match.endsWith("/") ? -1 : undefined);
      const regexp = new RegExp(`^(?:${body})$`);
      for (const table of targetTables) {
        if (seen.has(table) || !regexp.test(table)) continue;
        seen.add(table);
        routes.push(routeOfRule(rule, table));
      }
    } else if (!seen.has(rule.match)) {
      seen.add(rule.match);
      routes.push(routeOfRule(rule, rule.match));
    }
  }
  return routes;
}

/** A value as SQL: NULL, or the literal of its field's type. */
export function sqlValue(field: Field, value: RawValue): string {
  return value === null ? "NULL" : encodeSqlValue(field.type, value);
}

/** The column list `(a, b, c)` of the fields. */
export function columnList(fields: readonly Field[]): string {
  return `(${fields.map((field) => quoteIdentifier(field.name)).join(", ")})`;
}

/** `(v1, v2), (v3, v4)`: rows as the VALUES of a multi-row INSERT. */
export function valuesList(fields: readonly Field[], rows: readonly RawRow[]): string {
  const tuples = new Array<string>(rows.length);
  const n = fields.length;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as RawRow;
    const parts = new Array<string>(n);
    for (let i = 0; i < n; i++) parts[i] = sqlValue(fields[i] as Field, row[i] ?? null);
    tuples[r] = `(${parts.join(", ")})`;
  }
  return tuples.join(", ");
}

/**
 * A table's apply plan for the columns a FIELD event (or VStreamRows) announced: the target table, the fields
 * (named as the target's columns) and which of them make the target's primary key.
 */
export interface ApplyPlan {
  readonly target: string;
  readonly fields: readonly Field[];
  /** Indexes into `fields` of the key columns that identify a row (every column when the key is unknown). */
  readonly keyIndexes: readonly number[];
}

export function buildApplyPlan(
  target: string,
  fields: readonly Field[],
  pkColumns: readonly string[],
): ApplyPlan {
  const lower = fields.map((field) => field.name.toLowerCase());
  const keyIndexes = pkColumns.map((name) => lower.indexOf(name.toLowerCase()));
  const complete = keyIndexes.length > 0 && keyIndexes.every((i) => i >= 0);
  return { target, fields, keyIndexes: complete ? keyIndexes : fields.map((_, i) => i) };
}

/** `insert into t (cols) values (...), (...)`. */
export function insertSql(plan: ApplyPlan, rows: readonly RawRow[]): string {
  return `insert into ${quoteIdentifier(plan.target)} ${columnList(plan.fields)} values ${valuesList(plan.fields, rows)}`;
}

/** `insertSql` of packed rows (VStreamRows'), written without unpacking them: the copy's inserts. */
export function packedInsertSql(plan: ApplyPlan, rows: readonly Row[]): string {
  return `insert into ${quoteIdentifier(plan.target)} ${columnList(plan.fields)} values ${rowValuesSql(plan.fields, rows)}`;
}

function whereKey(plan: ApplyPlan, row: RawRow): string {
  return plan.keyIndexes
    .map((i) => {
      const field = plan.fields[i] as Field;
      const value = row[i] ?? null;
      const name = quoteIdentifier(field.name);
      return value === null ? `${name} is null` : `${name} = ${sqlValue(field, value)}`;
    })
    .join(" and ");
}

/** The statement for one row change: an insert (no before), a delete (no after) or an update by key. */
export function rowChangeSql(plan: ApplyPlan, before: RawRow | undefined, after: RawRow | undefined): string {
  if (before === undefined && after === undefined) throw invalidArgument("a row change without rows");
  if (before === undefined) return insertSql(plan, [after as RawRow]);
  const table = quoteIdentifier(plan.target);
  if (after === undefined) return `delete from ${table} where ${whereKey(plan, before)}`;
  const sets = plan.fields.map(
    (field, i) => `${quoteIdentifier(field.name)} = ${sqlValue(field, after[i] ?? null)}`,
  );
  return `update ${table} set ${sets.join(", ")} where ${whereKey(plan, before)}`;
}
