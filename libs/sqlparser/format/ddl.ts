import type {
  AlterOption,
  AlterTable,
  ColumnDefinition,
  ColumnPosition,
  ColumnType,
  ConstraintDefinition,
  CreateIndex,
  CreateTable,
  ForeignKeyReference,
  IndexColumn,
  IndexDefinition,
  IndexOption,
  TableOption,
  ViewDefinition,
} from "../ast/ddl.js";
import type { Expr } from "../ast/expr.js";
import { formatExpr } from "./expr.js";
import { formatQuery } from "./query.js";
import { formatIdent, formatString, formatTableName } from "./quote.js";

function names(list: readonly string[]): string {
  return list.map(formatIdent).join(", ");
}

export function formatColumnType(t: ColumnType): string {
  let s = t.name;
  if (t.values !== undefined) s += `(${t.values.map(formatString).join(", ")})`;
  else if (t.length !== undefined) s += t.scale === undefined ? `(${t.length})` : `(${t.length},${t.scale})`;
  if (t.unsigned) s += " unsigned";
  if (t.zerofill) s += " zerofill";
  if (t.binary) s += " binary";
  if (t.charset !== undefined) s += ` charset ${formatIdent(t.charset)}`;
  return s;
}

const PLAIN_DEFAULT_FUNCTIONS: ReadonlySet<string> = new Set([
  "current_timestamp",
  "now",
  "localtime",
  "localtimestamp",
]);

/** A DEFAULT / ON UPDATE value: literals and CURRENT_TIMESTAMP as they are, other expressions in parentheses. */
export function formatDefault(e: Expr): string {
  const s = formatExpr(e);
  const plain =
    e.kind === "Literal" ||
    e.kind === "Null" ||
    e.kind === "Bool" ||
    (e.kind === "Func" && e.qualifier === undefined && PLAIN_DEFAULT_FUNCTIONS.has(e.name.toLowerCase()));
  return plain ? s : `(${s})`;
}

function formatReference(r: ForeignKeyReference): string {
  let s = `references ${formatTableName(r.table)} (${names(r.columns)})`;
  if (r.match !== undefined) s += ` match ${r.match}`;
  if (r.onDelete !== undefined) s += ` on delete ${r.onDelete}`;
  if (r.onUpdate !== undefined) s += ` on update ${r.onUpdate}`;
  return s;
}

export function formatColumnDefinition(c: ColumnDefinition): string {
  let s = `${formatIdent(c.name)} ${formatColumnType(c.type)}`;
  if (c.collate !== undefined) s += ` collate ${formatIdent(c.collate)}`;
  if (c.generated !== undefined) {
    s += ` as (${formatExpr(c.generated.expr)})${c.generated.stored ? " stored" : " virtual"}`;
  }
  if (c.notNull !== undefined) s += c.notNull ? " not null" : " null";
  if (c.default !== undefined) s += ` default ${formatDefault(c.default)}`;
  if (c.onUpdate !== undefined) s += ` on update ${formatDefault(c.onUpdate)}`;
  if (c.autoIncrement) s += " auto_increment";
  if (c.key !== undefined) s += ` ${c.key}`;
  if (c.comment !== undefined) s += ` comment ${formatString(c.comment)}`;
  if (c.invisible !== undefined) s += c.invisible ? " invisible" : " visible";
  if (c.columnFormat !== undefined) s += ` column_format ${c.columnFormat}`;
  if (c.storage !== undefined) s += ` storage ${c.storage}`;
  if (c.srid !== undefined) s += ` srid ${c.srid}`;
  if (c.check !== undefined) s += ` check (${formatExpr(c.check)})`;
  if (c.references !== undefined) s += ` ${formatReference(c.references)}`;
  return s;
}

function formatIndexColumn(c: IndexColumn): string {
  let s: string;
  if (c.expr !== undefined) s = `(${formatExpr(c.expr)})`;
  else s = formatIdent(c.column ?? "") + (c.length === undefined ? "" : `(${c.length})`);
  return c.direction === undefined ? s : `${s} ${c.direction}`;
}

function formatIndexOption(o: IndexOption): string {
  if (o.value === undefined) return ` ${o.name}`;
  return ` ${o.name} ${o.quoted === true ? formatString(o.value) : o.value}`;
}

const INDEX_KEYWORDS: Readonly<Record<IndexDefinition["type"], string>> = {
  primary: "primary key",
  unique: "unique key",
  index: "key",
  fulltext: "fulltext key",
  spatial: "spatial key",
};

export function formatIndexDefinition(d: IndexDefinition): string {
  let s = d.constraintName === undefined ? "" : `constraint ${formatIdent(d.constraintName)} `;
  s += INDEX_KEYWORDS[d.type];
  if (d.name !== undefined) s += ` ${formatIdent(d.name)}`;
  if (d.using !== undefined) s += ` using ${d.using}`;
  s += ` (${d.columns.map(formatIndexColumn).join(", ")})`;
  for (const o of d.options) s += formatIndexOption(o);
  return s;
}

export function formatConstraint(c: ConstraintDefinition): string {
  let s = c.constraintName === undefined ? "" : `constraint ${formatIdent(c.constraintName)} `;
  if (c.kind === "ForeignKey") {
    s += "foreign key ";
    if (c.indexName !== undefined) s += `${formatIdent(c.indexName)} `;
    return `${s}(${names(c.columns)}) ${formatReference(c.references)}`;
  }
  s += `check (${formatExpr(c.expr)})`;
  if (c.enforced !== undefined) s += c.enforced ? " enforced" : " not enforced";
  return s;
}

export function formatTableOption(o: TableOption): string {
  if (o.tables !== undefined) return `${o.name} (${o.tables.map(formatTableName).join(", ")})`;
  return `${o.name} ${o.quoted ? formatString(o.value) : o.value}`;
}

function formatTableOptions(options: readonly TableOption[]): string {
  let s = "";
  for (const o of options) s += ` ${formatTableOption(o)}`;
  return s;
}

export function formatCreateTable(c: CreateTable): string {
  let s = `create ${c.temporary ? "temporary " : ""}table ${c.ifNotExists ? "if not exists " : ""}`;
  s += formatTableName(c.table);
  if (c.like !== undefined) return `${s} like ${formatTableName(c.like)}`;
  const defs = [
    ...c.columns.map(formatColumnDefinition),
    ...c.indexes.map(formatIndexDefinition),
    ...c.constraints.map(formatConstraint),
  ];
  if (defs.length > 0) s += ` (${defs.join(", ")})`;
  s += formatTableOptions(c.options);
  if (c.partitions !== undefined) s += ` ${c.partitions}`;
  if (c.select !== undefined) s += ` as ${formatQuery(c.select)}`;
  return s;
}

export function formatCreateIndex(c: CreateIndex): string {
  const type = c.index.type === "index" ? "" : `${c.index.type} `;
  let s = `create ${type}index ${formatIdent(c.index.name ?? "")}`;
  if (c.index.using !== undefined) s += ` using ${c.index.using}`;
  s += ` on ${formatTableName(c.table)} (${c.index.columns.map(formatIndexColumn).join(", ")})`;
  for (const o of c.index.options) s += formatIndexOption(o);
  return s + formatTableOptions(c.options);
}

export function formatView(verb: "create" | "alter", v: ViewDefinition): string {
  let s = `${verb} `;
  if (v.orReplace) s += "or replace ";
  if (v.algorithm !== undefined) s += `algorithm = ${v.algorithm} `;
  if (v.definer !== undefined) s += `definer = ${v.definer} `;
  if (v.security !== undefined) s += `sql security ${v.security} `;
  s += `view ${formatTableName(v.view)}`;
  if (v.columns !== undefined) s += `(${names(v.columns)})`;
  s += ` as ${formatQuery(v.select)}`;
  if (v.checkOption !== undefined)
    s += ` with ${v.checkOption === "" ? "" : `${v.checkOption} `}check option`;
  return s;
}

function formatPosition(p: ColumnPosition | undefined): string {
  if (p === undefined) return "";
  return "first" in p ? " first" : ` after ${formatIdent(p.after)}`;
}

function formatAlterOption(o: AlterOption): string {
  switch (o.kind) {
    case "AddColumn":
      if (o.columns.length === 1 && o.position !== undefined) {
        return `add column ${formatColumnDefinition(o.columns[0] as ColumnDefinition)}${formatPosition(o.position)}`;
      }
      return o.columns.length === 1
        ? `add column ${formatColumnDefinition(o.columns[0] as ColumnDefinition)}`
        : `add column (${o.columns.map(formatColumnDefinition).join(", ")})`;
    case "AddIndex":
      return `add ${formatIndexDefinition(o.index)}`;
    case "AddConstraint":
      return `add ${formatConstraint(o.constraint)}`;
    case "DropColumn":
      return `drop column ${formatIdent(o.name)}`;
    case "DropIndex":
      return `drop index ${formatIdent(o.name)}`;
    case "DropPrimaryKey":
      return "drop primary key";
    case "DropForeignKey":
      return `drop foreign key ${formatIdent(o.name)}`;
    case "DropConstraint":
      return `drop ${o.check ? "check" : "constraint"} ${formatIdent(o.name)}`;
    case "ModifyColumn":
      return `modify column ${formatColumnDefinition(o.column)}${formatPosition(o.position)}`;
    case "ChangeColumn":
      return `change column ${formatIdent(o.oldName)} ${formatColumnDefinition(o.column)}${formatPosition(o.position)}`;
    case "RenameColumn":
      return `rename column ${formatIdent(o.from)} to ${formatIdent(o.to)}`;
    case "RenameIndex":
      return `rename index ${formatIdent(o.from)} to ${formatIdent(o.to)}`;
    case "RenameTable":
      return `rename to ${formatTableName(o.to)}`;
    case "AlterColumnDefault":
      return o.default === undefined
        ? `alter column ${formatIdent(o.column)} drop default`
        : `alter column ${formatIdent(o.column)} set default ${formatDefault(o.default)}`;
    case "TableOption":
      return formatTableOption(o.option);
    case "ConvertCharset":
      return `convert to character set ${formatIdent(o.charset)}${o.collate === undefined ? "" : ` collate ${formatIdent(o.collate)}`}`;
    case "Force":
      return "force";
    case "Raw":
      return o.text;
  }
}

export function formatAlterTable(a: AlterTable): string {
  let s = `alter ${a.comments.map((c) => `${c} `).join("")}table ${formatTableName(a.table)}`;
  if (a.options.length > 0) s += ` ${a.options.map(formatAlterOption).join(", ")}`;
  if (a.partitions !== undefined) s += ` ${a.partitions}`;
  return s;
}
