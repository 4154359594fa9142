import type {
  AlterTable,
  AlterView,
  CreateDatabase,
  CreateIndex,
  CreateTable,
  CreateView,
  DropDatabase,
  DropIndex,
  DropTable,
  DropView,
  RenameTable,
  TruncateTable,
} from "./ddl.js";
import type { Delete, Insert, Update } from "./dml.js";
import type { Select, Union } from "./query.js";
import type {
  Begin,
  Commit,
  Explain,
  Other,
  ReleaseSavepoint,
  Rollback,
  Savepoint,
  SetStatement,
  SetTransaction,
  Show,
  Use,
  VExplain,
} from "./session.js";

export type Statement =
  | Select
  | Union
  | Insert
  | Update
  | Delete
  | SetStatement
  | SetTransaction
  | Use
  | Begin
  | Commit
  | Rollback
  | Savepoint
  | ReleaseSavepoint
  | Show
  | Explain
  | VExplain
  | CreateTable
  | CreateIndex
  | CreateView
  | AlterView
  | AlterTable
  | RenameTable
  | DropTable
  | DropIndex
  | DropView
  | TruncateTable
  | CreateDatabase
  | DropDatabase
  | Other;

export type StatementKind = Statement["kind"];

/** One handler per statement kind: a kind left out is a compile error. */
export type StatementVisitor<R> = {
  readonly [K in StatementKind]: (node: Extract<Statement, { kind: K }>) => R;
};

export function visitStatement<R>(stmt: Statement, visitor: StatementVisitor<R>): R {
  return (visitor[stmt.kind] as (node: Statement) => R)(stmt);
}
