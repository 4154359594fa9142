import type { Expr, TableName, Variable } from "./expr.js";
import type { Statement } from "./statement.js";

/** `var = expr` in SET; the variable's scope is resolved (`set global a = 1, b = 2` makes both global). */
export interface SetVar {
  readonly kind: "SetVar";
  readonly variable: Variable;
  readonly value: Expr;
}

/** `set names utf8mb4 [collate x]`, `set names default`. */
export interface SetNames {
  readonly kind: "SetNames";
  readonly charset: string;
  readonly collate?: string | undefined;
}

/** `set character set x` / `set charset x`. */
export interface SetCharset {
  readonly kind: "SetCharset";
  readonly charset: string;
}

export type SetItem = SetVar | SetNames | SetCharset;

export interface SetStatement {
  readonly kind: "Set";
  readonly comments: readonly string[];
  readonly items: readonly SetItem[];
}

export type IsolationLevel = "read uncommitted" | "read committed" | "repeatable read" | "serializable";

/** `set [global|session] transaction isolation level ..., read only|read write`. */
export interface SetTransaction {
  readonly kind: "SetTransaction";
  readonly scope?: "global" | "session" | undefined;
  readonly isolationLevel?: IsolationLevel | undefined;
  readonly accessMode?: "read only" | "read write" | undefined;
}

/**
 * `use target`: the target as written without quotes, in Vitess's forms `ks`, `ks@replica`, `ks:-80`,
 * `ks/-80@rdonly`, `@primary` (see target.ts to split it).
 */
export interface Use {
  readonly kind: "Use";
  readonly target: string;
}

export type TransactionCharacteristic = "read only" | "read write" | "with consistent snapshot";

/** BEGIN and START TRANSACTION. */
export interface Begin {
  readonly kind: "Begin";
  readonly characteristics: readonly TransactionCharacteristic[];
}

export interface Commit {
  readonly kind: "Commit";
}

/** ROLLBACK, or ROLLBACK TO [SAVEPOINT] name. */
export interface Rollback {
  readonly kind: "Rollback";
  readonly savepoint?: string | undefined;
}

export interface Savepoint {
  readonly kind: "Savepoint";
  readonly name: string;
}

export interface ReleaseSavepoint {
  readonly kind: "ReleaseSavepoint";
  readonly name: string;
}

export type ShowFilter =
  | { readonly kind: "like"; readonly pattern: string }
  | { readonly kind: "where"; readonly expr: Expr };

/**
 * SHOW commands, canonical lower-case names (synonyms folded: `schemas` -> `databases`, `fields` ->
 * `columns`, `indexes`/`keys` -> `index`, `character set` -> `charset`, `storage engines` -> `engines`,
 * `master logs` -> `binary logs`). Vitess's own commands are `vitess_*` and `vschema tables`/`vschema vindexes`.
 */
export type ShowCommand =
  | "databases"
  | "tables"
  | "open tables"
  | "columns"
  | "index"
  | "table status"
  | "variables"
  | "status"
  | "warnings"
  | "errors"
  | "engines"
  | "processlist"
  | "charset"
  | "collation"
  | "plugins"
  | "privileges"
  | "triggers"
  | "events"
  | "function status"
  | "procedure status"
  | "master status"
  | "slave status"
  | "replica status"
  | "binary logs"
  | "grants"
  | "create table"
  | "create view"
  | "create database"
  | "create procedure"
  | "create function"
  | "create trigger"
  | "create event"
  | "create user"
  | "vschema tables"
  | "vschema vindexes"
  | "keyspaces"
  | `vitess_${string}`;

export interface Show {
  readonly kind: "Show";
  readonly command: ShowCommand;
  readonly full: boolean;
  /** `show global|session variables|status`. */
  readonly scope?: "global" | "session" | undefined;
  /** The table of columns/index/create table/create view, or the object of the other `show create`s. */
  readonly table?: TableName | undefined;
  /** `from db` / `in db` for tables, table status, open tables, triggers, events. */
  readonly database?: string | undefined;
  readonly filter?: ShowFilter | undefined;
}

export type ExplainFormat = "traditional" | "json" | "tree" | "vitess" | "vtexplain";

/** EXPLAIN / DESCRIBE of a statement (`describe t` is `show columns from t`). */
export interface Explain {
  readonly kind: "Explain";
  readonly format?: ExplainFormat | undefined;
  readonly analyze: boolean;
  readonly statement: Statement;
}

export type VExplainType = "plan" | "queries" | "all" | "trace" | "keys";

/** Vitess's `vexplain [plan|queries|all|trace|keys] statement`. */
export interface VExplain {
  readonly kind: "VExplain";
  readonly type: VExplainType;
  readonly statement: Statement;
}

/**
 * What the parser does not model, kept as written with a classification: `ddl` (create procedure,
 * alter database ...), `admin` (grant, analyze, flush, kill, lock tables ...), `show` (show commands not
 * listed in ShowCommand), `dml` (load data, call, do), `other`. `name` is upper case for messages
 * (`CREATE PROCEDURE`, `GRANT`, `SHOW ENGINE`).
 */
export interface Other {
  readonly kind: "Other";
  readonly category: "ddl" | "admin" | "show" | "dml" | "other";
  readonly name: string;
  readonly sql: string;
}
