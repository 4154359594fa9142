import type {
  ColumnDefinition,
  ConstraintDefinition,
  CreateDatabase,
  CreateIndex,
  CreateTable,
  DropIndex,
  DropTable,
  DropView,
  IndexDefinition,
  IndexType,
  RenameTable,
  TableOption,
  TruncateTable,
  ViewDefinition,
} from "../ast/ddl.js";
import type { TableName } from "../ast/expr.js";
import type { QueryExpr } from "../ast/query.js";
import type { Statement } from "../ast/statement.js";
import { T } from "../tokenizer.js";
import type { Cursor } from "./cursor.js";
import {
  isIndexOrConstraintStart,
  parseColumnDefinition,
  parseIndexBody,
  parseIndexOrConstraint,
  parseRawToEnd,
  parseTableOption,
  parseTableOptions,
} from "./definitions.js";
import { isQueryStart, parseQueryExpr } from "./query.js";

/**
 * CREATE statements after the CREATE keyword: TABLE, INDEX, VIEW, DATABASE. Returns undefined for the
 * kinds this parser does not model (procedures, triggers, users ...), which the caller keeps as Other.
 */
export function parseCreate(p: Cursor): Statement | undefined {
  const start = p.pos;
  const orReplace = p.acceptWords("or", "replace");
  if (p.isWord("algorithm") || p.isWord("definer") || p.isWord("sql") || p.isWord("view")) {
    if (!definesView(p)) {
      p.pos = start;
      return undefined;
    }
    return { kind: "CreateView", ...parseViewDefinition(p, orReplace) };
  }
  if (orReplace) {
    p.pos = start;
    return undefined;
  }
  const temporary = p.acceptWord("temporary");
  if (p.acceptWord("table")) return parseCreateTable(p, temporary);
  if (temporary) throw p.error();
  if (p.isWord("unique") || p.isWord("fulltext") || p.isWord("spatial") || p.isWord("index")) {
    return parseCreateIndex(p);
  }
  if (p.acceptWord("database") || p.acceptWord("schema")) return parseCreateDatabase(p);
  return undefined;
}

function parseCreateTable(p: Cursor, temporary: boolean): CreateTable {
  const ifNotExists = p.acceptWords("if", "not", "exists");
  const table = p.tableName();
  const columns: ColumnDefinition[] = [];
  const indexes: IndexDefinition[] = [];
  const constraints: ConstraintDefinition[] = [];
  let like: TableName | undefined;
  if (p.acceptWord("like")) {
    like = p.tableName();
  } else if (p.isOp("(") && !isQueryStart(p)) {
    p.next();
    if (p.acceptWord("like")) {
      like = p.tableName();
      p.expectOp(")");
    } else {
      do {
        if (isIndexOrConstraintStart(p)) {
          const def = parseIndexOrConstraint(p);
          if ("type" in def) indexes.push(def);
          else constraints.push(def);
        } else {
          columns.push(parseColumnDefinition(p));
        }
      } while (p.acceptOp(","));
      p.expectOp(")");
    }
  }
  let options: TableOption[] = [];
  let partitions: string | undefined;
  let select: QueryExpr | undefined;
  if (like === undefined) {
    options = parseTableOptions(p);
    partitions = p.isWord("partition") ? parseRawToEnd(p) : undefined;
    if (!p.atEnd()) {
      p.acceptWord("as");
      if (!isQueryStart(p)) throw p.error();
      select = parseQueryExpr(p);
    }
    if (columns.length === 0 && select === undefined)
      throw p.error(p.peek(), "a table needs at least one column");
  }
  // Built in one literal: spreading a fresh object here costs V8 microseconds.
  return {
    kind: "CreateTable",
    temporary,
    ifNotExists,
    table,
    columns,
    indexes,
    constraints,
    options,
    partitions,
    like,
    select,
  };
}

function parseAlgorithmLock(p: Cursor): TableOption[] {
  const options: TableOption[] = [];
  for (;;) {
    if (!p.isWord("algorithm") && !p.isWord("lock")) return options;
    const option = parseTableOption(p);
    if (option === undefined) throw p.error();
    options.push(option);
  }
}

function parseCreateIndex(p: Cursor): CreateIndex {
  let type: IndexType = "index";
  if (p.acceptWord("unique")) type = "unique";
  else if (p.acceptWord("fulltext")) type = "fulltext";
  else if (p.acceptWord("spatial")) type = "spatial";
  p.expectWord("index");
  const name = p.ident();
  const using = p.acceptWord("using") ? p.word() : undefined;
  p.expectWord("on");
  const table = p.tableName();
  const body = parseIndexBody(p, type, name);
  const options = parseAlgorithmLock(p);
  return { kind: "CreateIndex", table, index: { ...body, using: using ?? body.using }, options };
}

const DEFINED_OBJECTS: ReadonlySet<string> = new Set(["view", "trigger", "procedure", "function", "event"]);

/** After `create [algorithm=..] [definer=..] [sql security ..]`: whether the object defined is a view. */
export function definesView(p: Cursor): boolean {
  for (let ahead = 0; ; ahead++) {
    const t = p.peekAt(ahead);
    if (t.type === T.EOF || (t.type === T.Op && t.text === ";")) return false;
    if (t.type === T.Ident && DEFINED_OBJECTS.has(t.lower)) return t.lower === "view";
  }
}

/** `[algorithm = x] [definer = user] [sql security x] view name [(cols)] as select [with check option]`. */
export function parseViewDefinition(p: Cursor, orReplace: boolean): ViewDefinition {
  let algorithm: string | undefined;
  let definer: string | undefined;
  let security: ViewDefinition["security"];
  if (p.acceptWord("algorithm")) {
    p.expectOp("=");
    algorithm = p.word();
  }
  if (p.acceptWord("definer")) {
    p.expectOp("=");
    const start = p.pos;
    while (!p.atEnd() && !p.isWord("sql") && !p.isWord("view")) p.next();
    definer = p.textFrom(start);
    if (definer === "") throw p.error();
  }
  if (p.acceptWords("sql", "security")) {
    const s = p.word();
    if (s !== "definer" && s !== "invoker") throw p.error(p.tokenAt(p.pos - 1));
    security = s;
  }
  p.expectWord("view");
  const view = p.tableName();
  const columns = p.isOp("(") ? p.identList() : undefined;
  p.expectWord("as");
  const select = parseQueryExpr(p);
  let checkOption: ViewDefinition["checkOption"];
  if (p.acceptWord("with")) {
    if (p.acceptWord("cascaded")) checkOption = "cascaded";
    else if (p.acceptWord("local")) checkOption = "local";
    else checkOption = "";
    p.expectWord("check");
    p.expectWord("option");
  }
  return { orReplace, algorithm, definer, security, view, columns, select, checkOption };
}

function parseCreateDatabase(p: Cursor): CreateDatabase {
  const ifNotExists = p.acceptWords("if", "not", "exists");
  const name = p.ident();
  return { kind: "CreateDatabase", ifNotExists, name, options: parseTableOptions(p) };
}

function tableNameList(p: Cursor): TableName[] {
  const names = [p.tableName()];
  while (p.acceptOp(",")) names.push(p.tableName());
  return names;
}

/** DROP statements after DROP; undefined for kinds kept as Other. */
export function parseDrop(p: Cursor): Statement | undefined {
  const temporary = p.acceptWord("temporary");
  if (p.acceptWord("table") || p.acceptWord("tables")) {
    const ifExists = p.acceptWords("if", "exists");
    const tables = tableNameList(p);
    if (!p.acceptWord("restrict")) p.acceptWord("cascade");
    return { kind: "DropTable", temporary, ifExists, tables } satisfies DropTable;
  }
  if (temporary) throw p.error();
  if (p.acceptWord("index")) {
    const name = p.ident();
    p.expectWord("on");
    const table = p.tableName();
    return { kind: "DropIndex", name, table, options: parseAlgorithmLock(p) } satisfies DropIndex;
  }
  if (p.acceptWord("view")) {
    const ifExists = p.acceptWords("if", "exists");
    const views = tableNameList(p);
    if (!p.acceptWord("restrict")) p.acceptWord("cascade");
    return { kind: "DropView", ifExists, views } satisfies DropView;
  }
  if (p.acceptWord("database") || p.acceptWord("schema")) {
    const ifExists = p.acceptWords("if", "exists");
    return { kind: "DropDatabase", ifExists, name: p.ident() };
  }
  return undefined;
}

export function parseRename(p: Cursor): RenameTable | undefined {
  if (!p.acceptWord("table") && !p.acceptWord("tables")) return undefined;
  const pairs: { from: TableName; to: TableName }[] = [];
  do {
    const from = p.tableName();
    p.expectWord("to");
    pairs.push({ from, to: p.tableName() });
  } while (p.acceptOp(","));
  return { kind: "RenameTable", pairs };
}

export function parseTruncate(p: Cursor): TruncateTable {
  p.acceptWord("table");
  return { kind: "TruncateTable", table: p.tableName() };
}
