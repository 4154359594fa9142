import type { TableName } from "../ast/expr.js";
import type {
  Explain,
  ExplainFormat,
  Show,
  ShowCommand,
  ShowFilter,
  VExplain,
  VExplainType,
} from "../ast/session.js";
import type { Statement } from "../ast/statement.js";
import { T } from "../tokenizer.js";
import type { Cursor } from "./cursor.js";
import { parseExpr, parseStringValue } from "./expr.js";

/** Multi-word SHOW commands and synonyms, longest first; each maps to its canonical ShowCommand. */
const COMMANDS: readonly (readonly [readonly string[], ShowCommand])[] = [
  [["vschema", "tables"], "vschema tables"],
  [["vschema", "vindexes"], "vschema vindexes"],
  [["table", "status"], "table status"],
  [["open", "tables"], "open tables"],
  [["storage", "engines"], "engines"],
  [["character", "set"], "charset"],
  [["function", "status"], "function status"],
  [["procedure", "status"], "procedure status"],
  [["master", "status"], "master status"],
  [["binlog", "status"], "master status"],
  [["slave", "status"], "slave status"],
  [["replica", "status"], "replica status"],
  [["binary", "logs"], "binary logs"],
  [["master", "logs"], "binary logs"],
  [["create", "table"], "create table"],
  [["create", "view"], "create view"],
  [["create", "database"], "create database"],
  [["create", "schema"], "create database"],
  [["create", "procedure"], "create procedure"],
  [["create", "function"], "create function"],
  [["create", "trigger"], "create trigger"],
  [["create", "event"], "create event"],
  [["create", "user"], "create user"],
  [["databases"], "databases"],
  [["schemas"], "databases"],
  [["keyspaces"], "keyspaces"],
  [["tables"], "tables"],
  [["columns"], "columns"],
  [["fields"], "columns"],
  [["index"], "index"],
  [["indexes"], "index"],
  [["keys"], "index"],
  [["variables"], "variables"],
  [["status"], "status"],
  [["warnings"], "warnings"],
  [["errors"], "errors"],
  [["engines"], "engines"],
  [["processlist"], "processlist"],
  [["charset"], "charset"],
  [["collation"], "collation"],
  [["plugins"], "plugins"],
  [["privileges"], "privileges"],
  [["triggers"], "triggers"],
  [["events"], "events"],
  [["grants"], "grants"],
];

/** Commands whose object is a table (or view, database, routine) name. */
const TAKES_TABLE: ReadonlySet<ShowCommand> = new Set<ShowCommand>([
  "columns",
  "index",
  "create table",
  "create view",
  "create procedure",
  "create function",
  "create trigger",
  "create event",
]);

/** Commands that take `from|in db`. */
const TAKES_DATABASE: ReadonlySet<ShowCommand> = new Set<ShowCommand>([
  "tables",
  "table status",
  "open tables",
  "triggers",
  "events",
]);

/**
 * SHOW after the SHOW keyword. Returns undefined for commands not modelled (`show engine innodb status`,
 * `show grants for ...`), which the caller keeps as Other.
 */
export function parseShow(p: Cursor): Show | undefined {
  const full = p.acceptWord("full");
  let scope: Show["scope"];
  if (p.acceptWord("global")) scope = "global";
  else if (p.acceptWord("session") || p.acceptWord("local")) scope = "session";
  const command = matchCommand(p);
  if (command === undefined) return undefined;
  if (scope !== undefined && command !== "variables" && command !== "status") return undefined;
  let table: TableName | undefined;
  let database: string | undefined;
  if (TAKES_TABLE.has(command)) {
    if (command === "columns" || command === "index") {
      if (!p.acceptWord("from") && !p.acceptWord("in")) throw p.error();
    }
    table = p.tableName();
    if ((command === "columns" || command === "index") && (p.acceptWord("from") || p.acceptWord("in"))) {
      table = { name: table.name, qualifier: p.ident() };
    }
  } else if (command === "create database" || command === "create user") {
    if (command === "create database") p.acceptWords("if", "not", "exists");
    table = { name: p.identOrString(), qualifier: undefined };
    if (command === "create user") return undefined;
  } else if (TAKES_DATABASE.has(command) || command === "vschema vindexes") {
    if (command === "vschema vindexes" && p.acceptWord("on")) table = p.tableName();
    else if (p.acceptWord("from") || p.acceptWord("in")) database = p.ident();
  }
  if (command === "grants" && !p.atEnd()) return undefined;
  const filter = parseShowFilter(p);
  if (!p.atEnd()) {
    if (command === "warnings" || command === "errors") return undefined;
    throw p.error();
  }
  return { kind: "Show", command, full, scope, table, database, filter };
}

function matchCommand(p: Cursor): ShowCommand | undefined {
  const t = p.peek();
  if (t.type !== T.Ident) return undefined;
  if (t.lower.startsWith("vitess_")) {
    p.next();
    if (t.lower === "vitess_metadata" && p.acceptWord("variables"))
      return "vitess_metadata variables" as ShowCommand;
    return t.lower as ShowCommand;
  }
  for (const [words, command] of COMMANDS) {
    if (p.acceptWords(...words)) return command;
  }
  return undefined;
}

export function parseShowFilter(p: Cursor): ShowFilter | undefined {
  if (p.acceptWord("like")) return { kind: "like", pattern: parseStringValue(p) };
  if (p.acceptWord("where")) return { kind: "where", expr: parseExpr(p) };
  return undefined;
}

const EXPLAIN_FORMATS: ReadonlySet<string> = new Set(["traditional", "json", "tree", "vitess", "vtexplain"]);

/** The statements EXPLAIN can describe. */
function isExplainable(p: Cursor): boolean {
  const t = p.peek();
  if (t.type === T.Op) return t.text === "(";
  if (t.type !== T.Ident) return false;
  return ["select", "with", "insert", "replace", "update", "delete", "table"].includes(t.lower);
}

/**
 * EXPLAIN / DESCRIBE / DESC after the verb: of a statement (with FORMAT= and ANALYZE), or of a table
 * (`describe t [col]`), which is `show columns from t [like 'col']`.
 */
export function parseExplain(p: Cursor, parseStatement: (p: Cursor) => Statement): Explain | Show {
  if (!isExplainable(p) && !p.isWord("format") && !p.isWord("analyze") && !p.isWord("extended")) {
    const table = p.tableName();
    let filter: ShowFilter | undefined;
    if (!p.atEnd()) {
      const t = p.peek();
      filter = { kind: "like", pattern: t.type === T.String ? parseStringValue(p) : p.ident() };
    }
    return {
      kind: "Show",
      command: "columns",
      full: false,
      scope: undefined,
      table,
      database: undefined,
      filter,
    };
  }
  let format: ExplainFormat | undefined;
  let analyze = false;
  if (p.acceptWord("analyze")) analyze = true;
  p.acceptWord("extended");
  if (p.acceptWord("format")) {
    p.expectOp("=");
    const f = p.word();
    if (!EXPLAIN_FORMATS.has(f)) throw p.error(p.tokenAt(p.pos - 1));
    format = f as ExplainFormat;
  }
  if (!isExplainable(p)) throw p.error();
  return { kind: "Explain", format, analyze, statement: parseStatement(p) };
}

const VEXPLAIN_TYPES: ReadonlySet<string> = new Set(["plan", "queries", "all", "trace", "keys"]);

/** Vitess's VEXPLAIN after the verb. */
export function parseVExplain(p: Cursor, parseStatement: (p: Cursor) => Statement): VExplain {
  let type: VExplainType = "plan";
  const t = p.peek();
  if (t.type === T.Ident && VEXPLAIN_TYPES.has(t.lower)) {
    p.next();
    type = t.lower as VExplainType;
  }
  if (p.acceptWord("format")) {
    p.expectOp("=");
    p.word();
  }
  if (!isExplainable(p)) throw p.error();
  return { kind: "VExplain", type, statement: parseStatement(p) };
}
