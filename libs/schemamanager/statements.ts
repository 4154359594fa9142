import type { TableName } from "../sqlparser/ast/expr.js";
import { type ApplySchemaStatement, parseApplySchemaSql } from "../sqlparser/classify.js";
import { invalidArgument } from "../vterrors/index.js";

/** ApplySchema's size rules (seed 003): ALTER at most 100,000 rows, other changes at most 2,000,000; DROP always. */
export const ALTER_MAX_ROWS = 100_000;
export const OTHER_MAX_ROWS = 2_000_000;

export type SchemaChangeKind = ApplySchemaStatement["change"]["change"];

/** One statement of an ApplySchema, parsed and classified. */
export interface SchemaChange {
  /** The statement as written (one statement, no trailing `;`). */
  readonly sql: string;
  /** `CREATE TABLE`, `ALTER TABLE`, ... */
  readonly name: string;
  readonly kind: SchemaChangeKind;
  /** The tables (or views) the size rules measure. */
  readonly tables: readonly string[];
  /** `IF EXISTS` / `IF NOT EXISTS`: a change that may leave the schema as it is. */
  readonly conditional: boolean;
}

/** The most rows a table may have for a change of `kind` (undefined: no limit, DROP). */
export function maxRowsFor(kind: SchemaChangeKind): number | undefined {
  switch (kind) {
    case "drop":
      return undefined;
    case "alter":
      return ALTER_MAX_ROWS;
    case "create":
    case "rename":
      return OTHER_MAX_ROWS;
  }
}

/** The rule a change of `kind` is measured by, as a sentence for messages. */
export function sizeRuleText(kind: SchemaChangeKind): string {
  return kind === "alter"
    ? `ALTER statements are only allowed on tables with at most ${ALTER_MAX_ROWS.toLocaleString("en-US")} rows`
    : `statements other than ALTER and DROP are only allowed on tables with at most ${OTHER_MAX_ROWS.toLocaleString("en-US")} rows`;
}

function qualified(table: TableName): boolean {
  return table.qualifier !== undefined && table.qualifier !== "";
}

/**
 * Splits and parses ApplySchema's SQL (each entry may hold several `;`-separated statements) and classifies
 * every statement. INVALID_ARGUMENT naming the statement when one does not parse, is not a permitted kind
 * (CREATE/ALTER/DROP TABLE, CREATE/ALTER/DROP VIEW, CREATE/DROP INDEX, RENAME TABLE), or names a database
 * (`vt_commerce.t`): schema changes run in each shard's own database, and the pre-flight runs them in a
 * temporary one, where a qualified name would reach the live database.
 */
export function parseSchemaChanges(sql: readonly string[]): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const entry of sql) {
    if (entry.trim() === "") continue;
    for (const parsed of parseApplySchemaSql(entry)) {
      const { statement, change } = parsed;
      const named: TableName[] = [...change.tables];
      if (statement.kind === "RenameTable") named.push(...statement.pairs.map((p) => p.to));
      const bad = named.find(qualified);
      if (bad) {
        throw invalidArgument(
          `ApplySchema does not allow database-qualified table names (${bad.qualifier}.${bad.name}): ${parsed.sql}; the change is applied in each shard's database, write ${bad.name}`,
        );
      }
      const conditional =
        (statement.kind === "CreateTable" && statement.ifNotExists) ||
        ((statement.kind === "DropTable" || statement.kind === "DropView") && statement.ifExists);
      changes.push({
        sql: parsed.sql,
        name: change.name,
        kind: change.change,
        tables: change.tables.map((t) => t.name),
        conditional,
      });
    }
  }
  if (changes.length === 0) throw invalidArgument("ApplySchema: no SQL statement given");
  return changes;
}

/** The first line of a statement, shortened, for messages. */
export function describeStatement(sql: string): string {
  const oneLine = sql.replace(/\s+/g, " ").trim();
  return oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine;
}
