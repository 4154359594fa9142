import type { Expr, TableName } from "./expr.js";
import type { QueryExpr } from "./query.js";

/**
 * A column type: the lower-case name (`bigint`, `varbinary`, `decimal`, `enum`, `double` for
 * `double precision`), its length/precision and scale as written, and the attributes that belong to it.
 */
export interface ColumnType {
  readonly name: string;
  readonly length?: string | undefined;
  readonly scale?: string | undefined;
  readonly unsigned: boolean;
  readonly zerofill: boolean;
  /** The values of an enum or set. */
  readonly values?: readonly string[] | undefined;
  readonly charset?: string | undefined;
  /** `binary` attribute of a character type (`varchar(10) binary`). */
  readonly binary: boolean;
}

export interface GeneratedColumn {
  readonly expr: Expr;
  readonly stored: boolean;
}

export type ColumnKeyOption = "primary key" | "unique key" | "unique" | "key";

export interface ColumnDefinition {
  readonly name: string;
  readonly type: ColumnType;
  /** true: NOT NULL, false: NULL written, undefined: neither. */
  readonly notNull?: boolean | undefined;
  readonly default?: Expr | undefined;
  readonly onUpdate?: Expr | undefined;
  readonly autoIncrement: boolean;
  readonly comment?: string | undefined;
  readonly key?: ColumnKeyOption | undefined;
  readonly collate?: string | undefined;
  readonly generated?: GeneratedColumn | undefined;
  readonly invisible?: boolean | undefined;
  readonly srid?: string | undefined;
  readonly columnFormat?: string | undefined;
  readonly storage?: string | undefined;
  readonly check?: Expr | undefined;
  readonly references?: ForeignKeyReference | undefined;
}

export interface IndexColumn {
  /** The column, or undefined for a functional key part `(expr)`. */
  readonly column?: string | undefined;
  readonly length?: string | undefined;
  readonly expr?: Expr | undefined;
  readonly direction?: "asc" | "desc" | undefined;
}

export interface IndexOption {
  /** Lower case: `using`, `comment`, `key_block_size`, `visible`, `invisible`, `with parser`, `clustering`. */
  readonly name: string;
  readonly value?: string | undefined;
  /** The value was a quoted string (comment). */
  readonly quoted?: boolean | undefined;
}

export type IndexType = "primary" | "unique" | "index" | "fulltext" | "spatial";

export interface IndexDefinition {
  readonly type: IndexType;
  readonly name?: string | undefined;
  /** `constraint name` written before PRIMARY KEY / UNIQUE. */
  readonly constraintName?: string | undefined;
  /** `using btree|hash` written before the column list. */
  readonly using?: string | undefined;
  readonly columns: readonly IndexColumn[];
  readonly options: readonly IndexOption[];
}

export type ReferenceAction = "restrict" | "cascade" | "set null" | "no action" | "set default";

export interface ForeignKeyReference {
  readonly table: TableName;
  readonly columns: readonly string[];
  readonly match?: "full" | "partial" | "simple" | undefined;
  readonly onDelete?: ReferenceAction | undefined;
  readonly onUpdate?: ReferenceAction | undefined;
}

export interface ForeignKeyDefinition {
  readonly kind: "ForeignKey";
  readonly constraintName?: string | undefined;
  readonly indexName?: string | undefined;
  readonly columns: readonly string[];
  readonly references: ForeignKeyReference;
}

export interface CheckDefinition {
  readonly kind: "Check";
  readonly constraintName?: string | undefined;
  readonly expr: Expr;
  readonly enforced?: boolean | undefined;
}

export type ConstraintDefinition = ForeignKeyDefinition | CheckDefinition;

/**
 * A table (or database) option: lower-case canonical name (`engine`, `auto_increment`, `charset` for
 * `[default] character set`, `collate`, `comment`, `row_format` ...) and its value as written.
 */
export interface TableOption {
  readonly name: string;
  readonly value: string;
  /** The value was a quoted string (`comment 'vitess_sequence'`). */
  readonly quoted: boolean;
  /** `union (t1, t2)`: the table list. */
  readonly tables?: readonly TableName[] | undefined;
}

export interface CreateTable {
  readonly kind: "CreateTable";
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  readonly table: TableName;
  readonly columns: readonly ColumnDefinition[];
  readonly indexes: readonly IndexDefinition[];
  readonly constraints: readonly ConstraintDefinition[];
  readonly options: readonly TableOption[];
  /** `partition by ...` as written. */
  readonly partitions?: string | undefined;
  /** `create table t like u`. */
  readonly like?: TableName | undefined;
  /** `create table t [(...)] [as] select ...`. */
  readonly select?: QueryExpr | undefined;
}

export interface CreateIndex {
  readonly kind: "CreateIndex";
  readonly table: TableName;
  readonly index: IndexDefinition;
  /** `algorithm = x` / `lock = x`, lower-case name and value as written. */
  readonly options: readonly TableOption[];
}

export interface ViewDefinition {
  readonly orReplace: boolean;
  readonly algorithm?: string | undefined;
  /** `definer = user@host` as written after `=`. */
  readonly definer?: string | undefined;
  readonly security?: "definer" | "invoker" | undefined;
  readonly view: TableName;
  readonly columns?: readonly string[] | undefined;
  readonly select: QueryExpr;
  readonly checkOption?: "cascaded" | "local" | "" | undefined;
}

export interface CreateView extends ViewDefinition {
  readonly kind: "CreateView";
}

export interface AlterView extends ViewDefinition {
  readonly kind: "AlterView";
}

export type ColumnPosition = { readonly first: true } | { readonly after: string };

export type AlterOption =
  | {
      readonly kind: "AddColumn";
      readonly columns: readonly ColumnDefinition[];
      readonly position?: ColumnPosition | undefined;
    }
  | { readonly kind: "AddIndex"; readonly index: IndexDefinition }
  | { readonly kind: "AddConstraint"; readonly constraint: ConstraintDefinition }
  | { readonly kind: "DropColumn"; readonly name: string }
  | { readonly kind: "DropIndex"; readonly name: string }
  | { readonly kind: "DropPrimaryKey" }
  | { readonly kind: "DropForeignKey"; readonly name: string }
  /** `drop check c` (check: true) or `drop constraint c` (any kind; the one MariaDB knows). */
  | { readonly kind: "DropConstraint"; readonly check: boolean; readonly name: string }
  | {
      readonly kind: "ModifyColumn";
      readonly column: ColumnDefinition;
      readonly position?: ColumnPosition | undefined;
    }
  | {
      readonly kind: "ChangeColumn";
      readonly oldName: string;
      readonly column: ColumnDefinition;
      readonly position?: ColumnPosition | undefined;
    }
  | { readonly kind: "RenameColumn"; readonly from: string; readonly to: string }
  | { readonly kind: "RenameIndex"; readonly from: string; readonly to: string }
  | { readonly kind: "RenameTable"; readonly to: TableName }
  | { readonly kind: "AlterColumnDefault"; readonly column: string; readonly default?: Expr | undefined }
  | { readonly kind: "TableOption"; readonly option: TableOption }
  | { readonly kind: "ConvertCharset"; readonly charset: string; readonly collate?: string | undefined }
  | { readonly kind: "Force" }
  | { readonly kind: "Raw"; readonly text: string };

export type AlterOptionKind = AlterOption["kind"];

/**
 * ALTER TABLE: the table, each alter option parsed (options this parser does not model are kept as Raw
 * text, so they round-trip), and `partition ...` clauses as written.
 */
export interface AlterTable {
  readonly kind: "AlterTable";
  readonly comments: readonly string[];
  readonly table: TableName;
  readonly options: readonly AlterOption[];
  readonly partitions?: string | undefined;
}

export interface RenameTable {
  readonly kind: "RenameTable";
  readonly pairs: readonly { readonly from: TableName; readonly to: TableName }[];
}

export interface DropTable {
  readonly kind: "DropTable";
  readonly temporary: boolean;
  readonly ifExists: boolean;
  readonly tables: readonly TableName[];
}

export interface DropIndex {
  readonly kind: "DropIndex";
  readonly name: string;
  readonly table: TableName;
  readonly options: readonly TableOption[];
}

export interface DropView {
  readonly kind: "DropView";
  readonly ifExists: boolean;
  readonly views: readonly TableName[];
}

export interface TruncateTable {
  readonly kind: "TruncateTable";
  readonly table: TableName;
}

export interface CreateDatabase {
  readonly kind: "CreateDatabase";
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly options: readonly TableOption[];
}

export interface DropDatabase {
  readonly kind: "DropDatabase";
  readonly ifExists: boolean;
  readonly name: string;
}
