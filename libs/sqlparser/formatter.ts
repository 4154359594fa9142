/**
 * AST to SQL text: canonical (lower-case keywords, single spaces, names backquoted only when needed,
 * strings single-quoted with backslash escapes, bind variables as `:name` / `::name`, parentheses only
 * where precedence needs them), so that `parse(format(ast))` equals `ast` and MySQL reads the text with the
 * same meaning. The text of a normalized statement is the plan-cache key.
 */
import type { Statement, StatementVisitor } from "./ast/statement.js";
import { visitStatement } from "./ast/statement.js";
import {
  formatAlterTable,
  formatCreateIndex,
  formatCreateTable,
  formatTableOption,
  formatView,
} from "./format/ddl.js";
import { formatDelete, formatInsert, formatUpdate } from "./format/dml.js";
import { formatQuery } from "./format/query.js";
import { formatIdent, formatTableName } from "./format/quote.js";
import { formatBegin, formatSet, formatSetTransaction, formatShow, formatUse } from "./format/session.js";

export { formatExpr } from "./format/expr.js";
export { formatQuery, formatTableExpr } from "./format/query.js";
export { formatIdent, formatString, formatTableName } from "./format/quote.js";

const STATEMENTS: StatementVisitor<string> = {
  Select: formatQuery,
  Union: formatQuery,
  Insert: formatInsert,
  Update: formatUpdate,
  Delete: formatDelete,
  Set: formatSet,
  SetTransaction: formatSetTransaction,
  Use: formatUse,
  Begin: formatBegin,
  Commit: () => "commit",
  Rollback: (s) => (s.savepoint === undefined ? "rollback" : `rollback to ${formatIdent(s.savepoint)}`),
  Savepoint: (s) => `savepoint ${formatIdent(s.name)}`,
  ReleaseSavepoint: (s) => `release savepoint ${formatIdent(s.name)}`,
  Show: formatShow,
  Explain: (s) =>
    `explain ${s.analyze ? "analyze " : ""}${s.format === undefined ? "" : `format = ${s.format} `}${format(s.statement)}`,
  VExplain: (s) => `vexplain ${s.type} ${format(s.statement)}`,
  CreateTable: formatCreateTable,
  CreateIndex: formatCreateIndex,
  CreateView: (s) => formatView("create", s),
  AlterView: (s) => formatView("alter", s),
  AlterTable: formatAlterTable,
  RenameTable: (s) =>
    `rename table ${s.pairs.map((p) => `${formatTableName(p.from)} to ${formatTableName(p.to)}`).join(", ")}`,
  DropTable: (s) =>
    `drop ${s.temporary ? "temporary " : ""}table ${s.ifExists ? "if exists " : ""}${s.tables.map(formatTableName).join(", ")}`,
  DropIndex: (s) =>
    `drop index ${formatIdent(s.name)} on ${formatTableName(s.table)}${s.options.map((o) => ` ${formatTableOption(o)}`).join("")}`,
  DropView: (s) => `drop view ${s.ifExists ? "if exists " : ""}${s.views.map(formatTableName).join(", ")}`,
  TruncateTable: (s) => `truncate table ${formatTableName(s.table)}`,
  CreateDatabase: (s) =>
    `create database ${s.ifNotExists ? "if not exists " : ""}${formatIdent(s.name)}${s.options.map((o) => ` ${formatTableOption(o)}`).join("")}`,
  DropDatabase: (s) => `drop database ${s.ifExists ? "if exists " : ""}${formatIdent(s.name)}`,
  Other: (s) => s.sql,
};

/** The canonical SQL text of a statement. */
export function format(stmt: Statement): string {
  return visitStatement(stmt, STATEMENTS);
}
