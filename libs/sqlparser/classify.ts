import { invalidArgument } from "../vterrors/index.js";
import type { TableName } from "./ast/expr.js";
import type { Statement, StatementVisitor } from "./ast/statement.js";
import { visitStatement } from "./ast/statement.js";
import { parse } from "./parser.js";
import { splitStatements } from "./split.js";

/** SELECT or UNION. */
export function isSelect(stmt: Statement): boolean {
  return stmt.kind === "Select" || stmt.kind === "Union";
}

/** INSERT / REPLACE, UPDATE, DELETE. */
export function isDML(stmt: Statement): boolean {
  return stmt.kind === "Insert" || stmt.kind === "Update" || stmt.kind === "Delete";
}

/** Statements that change a table's or view's definition (TRUNCATE included, as in Vitess), or are DDL kept as Other. */
export function isDDL(stmt: Statement): boolean {
  switch (stmt.kind) {
    case "CreateTable":
    case "CreateIndex":
    case "CreateView":
    case "AlterView":
    case "AlterTable":
    case "RenameTable":
    case "DropTable":
    case "DropIndex":
    case "DropView":
    case "TruncateTable":
      return true;
    case "Other":
      return stmt.category === "ddl";
    default:
      return false;
  }
}

/** CREATE DATABASE / DROP DATABASE. */
export function isDatabaseDDL(stmt: Statement): boolean {
  return stmt.kind === "CreateDatabase" || stmt.kind === "DropDatabase";
}

/** BEGIN, COMMIT, ROLLBACK [TO], SAVEPOINT, RELEASE SAVEPOINT. */
export function isTransactionControl(stmt: Statement): boolean {
  switch (stmt.kind) {
    case "Begin":
    case "Commit":
    case "Rollback":
    case "Savepoint":
    case "ReleaseSavepoint":
      return true;
    default:
      return false;
  }
}

const NAMES: StatementVisitor<string> = {
  Select: () => "SELECT",
  Union: () => "SELECT",
  Insert: (s) => (s.action === "replace" ? "REPLACE" : "INSERT"),
  Update: () => "UPDATE",
  Delete: () => "DELETE",
  Set: () => "SET",
  SetTransaction: () => "SET TRANSACTION",
  Use: () => "USE",
  Begin: () => "BEGIN",
  Commit: () => "COMMIT",
  Rollback: (s) => (s.savepoint === undefined ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT"),
  Savepoint: () => "SAVEPOINT",
  ReleaseSavepoint: () => "RELEASE SAVEPOINT",
  Show: (s) => `SHOW ${s.command.toUpperCase()}`,
  Explain: () => "EXPLAIN",
  VExplain: () => "VEXPLAIN",
  CreateTable: () => "CREATE TABLE",
  CreateIndex: () => "CREATE INDEX",
  CreateView: () => "CREATE VIEW",
  AlterView: () => "ALTER VIEW",
  AlterTable: () => "ALTER TABLE",
  RenameTable: () => "RENAME TABLE",
  DropTable: () => "DROP TABLE",
  DropIndex: () => "DROP INDEX",
  DropView: () => "DROP VIEW",
  TruncateTable: () => "TRUNCATE TABLE",
  CreateDatabase: () => "CREATE DATABASE",
  DropDatabase: () => "DROP DATABASE",
  Other: (s) => s.name,
};

/** The statement's name for messages, upper case: `SELECT`, `CREATE TABLE`, `SHOW VITESS_TABLETS`, `GRANT ALL`. */
export function statementName(stmt: Statement): string {
  return visitStatement(stmt, NAMES);
}

/** What ApplySchema may run (seed 003): the table and view DDL below; everything else is refused. */
export const APPLY_SCHEMA_ALLOWED: readonly string[] = [
  "CREATE TABLE",
  "CREATE INDEX",
  "CREATE VIEW",
  "ALTER TABLE",
  "ALTER VIEW",
  "RENAME TABLE",
  "DROP TABLE",
  "DROP INDEX",
  "DROP VIEW",
];

/**
 * How ApplySchema's size rules see a permitted statement: `drop` is always allowed, `alter` only on tables
 * of at most 100,000 rows, `create` and `rename` at most 2,000,000 (unless --allow-long-unavailability).
 * `tables` are the tables whose row counts the rules look at.
 */
export type ApplySchemaChange =
  | {
      readonly allowed: true;
      readonly name: string;
      readonly change: "create" | "alter" | "drop" | "rename";
      readonly tables: readonly TableName[];
    }
  | { readonly allowed: false; readonly name: string };

export function classifyForApplySchema(stmt: Statement): ApplySchemaChange {
  const name = statementName(stmt);
  switch (stmt.kind) {
    case "CreateTable":
      return { allowed: true, name, change: "create", tables: [stmt.table] };
    case "CreateIndex":
      return { allowed: true, name, change: "create", tables: [stmt.table] };
    case "CreateView":
      return { allowed: true, name, change: "create", tables: [stmt.view] };
    case "AlterTable":
      return { allowed: true, name, change: "alter", tables: [stmt.table] };
    case "AlterView":
      return { allowed: true, name, change: "alter", tables: [stmt.view] };
    case "RenameTable":
      return { allowed: true, name, change: "rename", tables: stmt.pairs.map((p) => p.from) };
    case "DropTable":
      return { allowed: true, name, change: "drop", tables: stmt.tables };
    case "DropIndex":
      return { allowed: true, name, change: "drop", tables: [stmt.table] };
    case "DropView":
      return { allowed: true, name, change: "drop", tables: stmt.views };
    default:
      return { allowed: false, name };
  }
}

export interface ApplySchemaStatement {
  /** The statement as written. */
  readonly sql: string;
  readonly statement: Statement;
  readonly change: ApplySchemaChange & { readonly allowed: true };
}

/**
 * Splits ApplySchema's SQL into statements, parses and classifies each. Throws INVALID_ARGUMENT naming
 * the first statement that does not parse or is not permitted
 * (`ApplySchema does not allow INSERT (allowed: CREATE TABLE, ...): insert into t values (1)`).
 */
export function parseApplySchemaSql(sql: string): ApplySchemaStatement[] {
  const out: ApplySchemaStatement[] = [];
  for (const text of splitStatements(sql)) {
    let statement: Statement;
    try {
      statement = parse(text);
    } catch (err) {
      throw invalidArgument(`ApplySchema: cannot parse statement "${text}": ${(err as Error).message}`, {
        cause: err,
      });
    }
    const change = classifyForApplySchema(statement);
    if (!change.allowed) {
      throw invalidArgument(
        `ApplySchema does not allow ${change.name} (allowed: ${APPLY_SCHEMA_ALLOWED.join(", ")}): ${text}`,
      );
    }
    out.push({ sql: text, statement, change });
  }
  if (out.length === 0) throw invalidArgument("ApplySchema: no SQL statement given");
  return out;
}
