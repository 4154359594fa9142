import type {
  ColumnDefinition,
  ColumnType,
  ConstraintDefinition,
  ForeignKeyReference,
  IndexColumn,
  IndexDefinition,
  IndexOption,
  IndexType,
  ReferenceAction,
  TableOption,
} from "../ast/ddl.js";
import type { Expr, TableName } from "../ast/expr.js";
import { T } from "../tokenizer.js";
import type { Cursor } from "./cursor.js";
import { parseExpr, parseSimpleExpr, parseStringValue } from "./expr.js";
import { parseCharsetName } from "./functions.js";

/** Words that start an index or constraint (rather than a column) in a CREATE TABLE body. */
const INDEX_START: ReadonlySet<string> = new Set([
  "constraint",
  "primary",
  "unique",
  "index",
  "key",
  "fulltext",
  "spatial",
  "foreign",
  "check",
]);

export function isIndexOrConstraintStart(p: Cursor): boolean {
  const t = p.peek();
  return t.type === T.Ident && INDEX_START.has(t.lower);
}

/** An index or constraint definition of CREATE TABLE / ALTER TABLE ADD. */
export function parseIndexOrConstraint(p: Cursor): IndexDefinition | ConstraintDefinition {
  let constraintName: string | undefined;
  if (p.acceptWord("constraint")) {
    if (p.isIdent()) constraintName = p.ident();
  }
  if (p.acceptWord("foreign")) {
    p.expectWord("key");
    const indexName = p.isIdent() ? p.ident() : undefined;
    const columns = p.identList();
    p.expectWord("references");
    return { kind: "ForeignKey", constraintName, indexName, columns, references: parseReference(p) };
  }
  if (p.acceptWord("check")) {
    p.expectOp("(");
    const expr = parseExpr(p);
    p.expectOp(")");
    let enforced: boolean | undefined;
    if (p.acceptWord("enforced")) enforced = true;
    else if (p.acceptWords("not", "enforced")) enforced = false;
    return { kind: "Check", constraintName, expr, enforced };
  }
  let type: IndexType;
  if (p.acceptWord("primary")) {
    p.expectWord("key");
    type = "primary";
  } else if (p.acceptWord("unique")) {
    if (!p.acceptWord("index")) p.acceptWord("key");
    type = "unique";
  } else if (p.acceptWord("fulltext") || p.acceptWord("spatial")) {
    type = p.tokenAt(p.pos - 1).lower as IndexType;
    if (!p.acceptWord("index")) p.acceptWord("key");
  } else if (p.acceptWord("index") || p.acceptWord("key")) {
    type = "index";
  } else {
    throw p.error();
  }
  const name = type !== "primary" && p.isIdent() ? p.ident() : undefined;
  return parseIndexBody(p, type, name, constraintName);
}

/** `[using x] (columns) [options]` of an index. */
export function parseIndexBody(
  p: Cursor,
  type: IndexType,
  name: string | undefined,
  constraintName?: string,
): IndexDefinition {
  const using = p.acceptWord("using") ? p.word() : undefined;
  const columns = parseIndexColumns(p);
  return { type, name, constraintName, using, columns, options: parseIndexOptions(p) };
}

function parseIndexColumns(p: Cursor): IndexColumn[] {
  p.expectOp("(");
  const columns: IndexColumn[] = [];
  do {
    let column: IndexColumn;
    if (p.acceptOp("(")) {
      const expr = parseExpr(p);
      p.expectOp(")");
      column = { column: undefined, length: undefined, expr, direction: undefined };
    } else {
      const name = p.ident();
      let length: string | undefined;
      if (p.acceptOp("(")) {
        length = p.integer();
        p.expectOp(")");
      }
      column = { column: name, length, expr: undefined, direction: undefined };
    }
    if (p.acceptWord("asc")) column = { ...column, direction: "asc" };
    else if (p.acceptWord("desc")) column = { ...column, direction: "desc" };
    columns.push(column);
  } while (p.acceptOp(","));
  p.expectOp(")");
  return columns;
}

export function parseIndexOptions(p: Cursor): IndexOption[] {
  const options: IndexOption[] = [];
  for (;;) {
    if (p.acceptWord("using")) options.push({ name: "using", value: p.word() });
    else if (p.acceptWord("comment")) options.push({ name: "comment", value: p.string(), quoted: true });
    else if (p.acceptWord("key_block_size")) {
      p.acceptOp("=");
      options.push({ name: "key_block_size", value: p.integer() });
    } else if (p.acceptWord("visible")) options.push({ name: "visible" });
    else if (p.acceptWord("invisible")) options.push({ name: "invisible" });
    else if (p.acceptWords("with", "parser")) options.push({ name: "with parser", value: p.ident() });
    else return options;
  }
}

function parseReferenceAction(p: Cursor): ReferenceAction {
  if (p.acceptWord("restrict")) return "restrict";
  if (p.acceptWord("cascade")) return "cascade";
  if (p.acceptWords("set", "null")) return "set null";
  if (p.acceptWords("set", "default")) return "set default";
  if (p.acceptWords("no", "action")) return "no action";
  throw p.error();
}

/** After REFERENCES: `tbl (cols) [match ...] [on delete ...] [on update ...]`. */
function parseReference(p: Cursor): ForeignKeyReference {
  const table = p.tableName();
  const columns = p.identList();
  let match: ForeignKeyReference["match"];
  if (p.acceptWord("match")) {
    const m = p.word();
    if (m !== "full" && m !== "partial" && m !== "simple") throw p.error(p.tokenAt(p.pos - 1));
    match = m;
  }
  let onDelete: ReferenceAction | undefined;
  let onUpdate: ReferenceAction | undefined;
  for (;;) {
    if (p.acceptWords("on", "delete")) onDelete = parseReferenceAction(p);
    else if (p.acceptWords("on", "update")) onUpdate = parseReferenceAction(p);
    else break;
  }
  return { table, columns, match, onDelete, onUpdate };
}

/** `type [(len[, scale]) | ('a', 'b')] [unsigned] [zerofill] [binary] [charset x]`. */
export function parseColumnType(p: Cursor): ColumnType {
  let name = p.word();
  if (name === "double") p.acceptWord("precision");
  else if (name === "character") name = "char";
  if (name === "national") {
    name = p.word();
    if (name === "character") name = "char";
    name = `n${name}`;
  }
  if (name === "char" && p.acceptWord("varying")) name = "varchar";
  let length: string | undefined;
  let scale: string | undefined;
  let values: string[] | undefined;
  if (p.acceptOp("(")) {
    if (name === "enum" || name === "set") {
      values = [parseStringValue(p)];
      while (p.acceptOp(",")) values.push(parseStringValue(p));
    } else {
      length = p.integer();
      if (p.acceptOp(",")) scale = p.integer();
    }
    p.expectOp(")");
  }
  let unsigned = false;
  let zerofill = false;
  let binary = false;
  let charset: string | undefined;
  for (;;) {
    if (p.acceptWord("unsigned")) unsigned = true;
    else if (p.acceptWord("signed")) unsigned = false;
    else if (p.acceptWord("zerofill")) zerofill = true;
    else if (p.acceptWord("binary")) binary = true;
    else if (p.acceptWords("character", "set") || p.acceptWord("charset")) charset = parseCharsetName(p);
    else if (p.acceptWord("ascii")) charset = "latin1";
    else if (p.acceptWord("unicode")) charset = "ucs2";
    else break;
  }
  return { name, length, scale, unsigned, zerofill, values, charset, binary };
}

/** The value after DEFAULT / ON UPDATE: `(expr)`, a literal (`-1`, `'x'`, `null`) or a function call. */
function parseDefaultValue(p: Cursor): Expr {
  if (p.acceptOp("(")) {
    const expr = parseExpr(p);
    p.expectOp(")");
    return expr;
  }
  return parseSimpleExpr(p);
}

export function parseColumnDefinition(p: Cursor): ColumnDefinition {
  const name = p.ident();
  const type = parseColumnType(p);
  const def: {
    -readonly [K in keyof ColumnDefinition]: ColumnDefinition[K];
  } = { name, type, autoIncrement: false };
  for (;;) {
    if (p.acceptWords("not", "null")) def.notNull = true;
    else if (p.acceptWord("null")) def.notNull = false;
    else if (p.acceptWord("default")) def.default = parseDefaultValue(p);
    else if (p.acceptWords("on", "update")) def.onUpdate = parseDefaultValue(p);
    else if (p.acceptWord("auto_increment")) def.autoIncrement = true;
    else if (p.acceptWord("comment")) def.comment = parseStringValue(p);
    else if (p.acceptWords("primary", "key")) def.key = "primary key";
    else if (p.acceptWord("unique")) def.key = p.acceptWord("key") ? "unique key" : "unique";
    else if (p.acceptWord("key")) def.key = "key";
    else if (p.acceptWord("collate")) def.collate = parseCharsetName(p);
    else if (p.acceptWords("character", "set") || p.acceptWord("charset")) {
      def.type = { ...def.type, charset: parseCharsetName(p) };
    } else if (p.isWord("generated") || p.isWord("as")) {
      if (p.acceptWord("generated")) p.expectWord("always");
      p.expectWord("as");
      p.expectOp("(");
      const expr = parseExpr(p);
      p.expectOp(")");
      let stored = false;
      if (p.acceptWord("stored") || p.acceptWord("persistent")) stored = true;
      else p.acceptWord("virtual");
      def.generated = { expr, stored };
    } else if (p.acceptWord("visible")) def.invisible = false;
    else if (p.acceptWord("invisible")) def.invisible = true;
    else if (p.acceptWord("column_format")) def.columnFormat = p.word();
    else if (p.acceptWord("storage")) def.storage = p.word();
    else if (p.acceptWord("srid")) def.srid = p.integer();
    else if (p.isWord("check") || p.isWord("constraint")) {
      if (p.acceptWord("constraint") && p.isIdent()) p.ident();
      p.expectWord("check");
      p.expectOp("(");
      def.check = parseExpr(p);
      p.expectOp(")");
    } else if (p.acceptWord("references")) def.references = parseReference(p);
    else return def;
  }
}

/** Where a table option list stops: the end, PARTITION BY, or the SELECT of CREATE TABLE ... SELECT. */
function atOptionsEnd(p: Cursor): boolean {
  return p.atEnd() || p.isWord("partition") || p.isWord("as") || p.isWord("select") || p.isOp("(");
}

const STRING_OPTIONS: ReadonlySet<string> = new Set([
  "comment",
  "compression",
  "connection",
  "password",
  "encryption",
]);
const VALUE_OPTIONS: ReadonlySet<string> = new Set([
  "engine",
  "auto_increment",
  "avg_row_length",
  "checksum",
  "delay_key_write",
  "insert_method",
  "key_block_size",
  "max_rows",
  "min_rows",
  "pack_keys",
  "page_checksum",
  "row_format",
  "stats_auto_recalc",
  "stats_persistent",
  "stats_sample_pages",
  "transactional",
  "tablespace",
  "algorithm",
  "lock",
  "secondary_engine",
  "autoextend_size",
  "page_compressed",
  "page_compression_level",
  "ietf_quotes",
  "sequence",
  "with_system_versioning",
]);

/** One table/database option, or undefined when the current token starts none. */
export function parseTableOption(p: Cursor): TableOption | undefined {
  const start = p.pos;
  p.acceptWord("default");
  let name: string | undefined;
  if (p.acceptWords("character", "set") || p.acceptWord("charset")) name = "charset";
  else if (p.acceptWord("collate")) name = "collate";
  else if (p.acceptWords("data", "directory")) name = "data directory";
  else if (p.acceptWords("index", "directory")) name = "index directory";
  else if (p.acceptWord("union")) {
    p.acceptOp("=");
    p.expectOp("(");
    const tables: TableName[] = [p.tableName()];
    while (p.acceptOp(",")) tables.push(p.tableName());
    p.expectOp(")");
    return { name: "union", value: "", quoted: false, tables };
  } else {
    const t = p.peek();
    if (t.type === T.Ident && (STRING_OPTIONS.has(t.lower) || VALUE_OPTIONS.has(t.lower))) {
      p.next();
      name = t.lower;
    }
  }
  if (name === undefined) {
    p.pos = start;
    return undefined;
  }
  p.acceptOp("=");
  const v = p.peek();
  switch (v.type) {
    case T.String:
      return { name, value: parseStringValue(p), quoted: true };
    case T.Int:
    case T.Decimal:
    case T.Ident:
    case T.QuotedIdent:
      p.next();
      return { name, value: v.text, quoted: false };
    default:
      throw p.error();
  }
}

/** Table options separated by spaces or commas. */
export function parseTableOptions(p: Cursor): TableOption[] {
  const options: TableOption[] = [];
  while (!atOptionsEnd(p)) {
    const option = parseTableOption(p);
    if (option === undefined) throw p.error();
    options.push(option);
    if (p.isOp(",")) p.next();
  }
  return options;
}

/** The rest of the statement from the current token, as written (partition clauses). */
export function parseRawToEnd(p: Cursor): string {
  const start = p.pos;
  while (!p.atEnd()) p.next();
  return p.textFrom(start);
}
