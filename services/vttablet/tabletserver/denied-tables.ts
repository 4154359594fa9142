import { Code, VtError } from "../../../libs/vterrors/index.js";
import { scanSql, type Token } from "./sql-scanner.js";

/** Vitess's query rule description for tablet controls; the error text callers (vtgate, MoveTables) see. */
export const DENIED_TABLES_RULE = "enforce denied tables";

/** Keywords followed by one table reference, or a comma-separated list of them. */
const TABLE_LIST_AFTER = new Set(["from", "update", "tables"]);
const TABLE_AFTER = new Set(["join", "straight_join", "into", "table"]);
/** Statements whose first word is followed by a table name. */
const TABLE_AFTER_FIRST = new Set(["truncate", "describe", "desc", "explain"]);
/** INSERT/REPLACE may omit INTO: `insert ignore t values ...`. */
const INSERT_MODIFIERS = new Set(["low_priority", "delayed", "high_priority", "ignore"]);
/** Functions whose argument syntax uses FROM: `extract(year from d)`, `trim(x from y)`. */
const FROM_FUNCTIONS = new Set(["extract", "trim", "substring", "substr", "overlay", "position"]);
/** LOCK TABLES modes after a table (and its alias). */
const LOCK_MODES = new Set(["read", "write", "local", "low_priority"]);
/** Words that end a table reference; anything else right after it is an alias. */
const CLAUSE_WORDS = new Set([
  "as",
  "where",
  "join",
  "straight_join",
  "on",
  "using",
  "left",
  "right",
  "inner",
  "outer",
  "cross",
  "natural",
  "group",
  "order",
  "limit",
  "having",
  "set",
  "values",
  "value",
  "select",
  "partition",
  "use",
  "force",
  "ignore",
  "union",
  "except",
  "intersect",
  "for",
  "lock",
  "window",
  "read",
  "write",
  "low_priority",
  "returning",
  "into",
  "from",
  "procedure",
  "to",
  "if",
  "like",
  "with",
  "full",
  "default",
  "character",
  "charset",
  "collate",
  "engine",
  "add",
  "drop",
  "modify",
  "change",
  "rename",
  "alter",
  "status",
]);

type Word = Token & { lower: string };

function isName(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === "identifier" || token.kind === "word");
}

/**
 * The table names a statement refers to, found by a lightweight scan: the names after FROM, JOIN, INTO,
 * UPDATE, TABLE/TABLES, a leading TRUNCATE/DESCRIBE/EXPLAIN and INSERT/REPLACE, including comma lists (`from a, b x`) and
 * qualified names (`db.t` gives `t`).
 *
 * Limitations until the SQL parser exists: a name that is really a CTE, a column after FROM inside an
 * unusual function, or an alias in an odd position can show up (a false positive only matters if it equals
 * a denied table); and tables reached indirectly (views, triggers, stored procedures) are not seen.
 */
export function tablesOfQuery(sql: string): string[] {
  const tokens: Word[] = [];
  for (const token of scanSql(sql))
    tokens.push({ ...token, lower: token.kind === "word" ? token.text.toLowerCase() : "" });
  const tables: string[] = [];
  const first = tokens.findIndex((token) => token.kind !== "symbol");
  /** For each open parenthesis: whether it belongs to a FROM-using function call. */
  const parens: boolean[] = [];

  /** Reads a (possibly qualified) table name at `i`; returns the index after it, or -1 if none. */
  const readName = (i: number): number => {
    const first = tokens[i];
    if (!isName(first) || (first as Word).lower === "select") return -1;
    const dot = tokens[i + 1];
    const second = tokens[i + 2];
    if (dot?.kind === "symbol" && dot.text === "." && isName(second)) {
      tables.push((second as Word).text);
      return i + 3;
    }
    tables.push((first as Word).text);
    return i + 1;
  };

  const readList = (i: number): void => {
    let at = i;
    for (;;) {
      const after = readName(at);
      if (after < 0) return;
      at = after;
      const next = tokens[at];
      if (next?.lower === "as") at += 2;
      else if (next?.kind === "identifier" || (next?.kind === "word" && !CLAUSE_WORDS.has(next.lower)))
        at += 1;
      while (LOCK_MODES.has(tokens[at]?.lower ?? "")) at += 1;
      const comma = tokens[at];
      if (comma?.kind !== "symbol" || comma.text !== ",") return;
      at += 1;
    }
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Word;
    if (token.kind === "symbol") {
      if (token.text === "(") parens.push(FROM_FUNCTIONS.has(tokens[i - 1]?.lower ?? ""));
      else if (token.text === ")") parens.pop();
      continue;
    }
    const word = token.lower;
    if (word === "") continue;
    const previous = tokens[i - 1]?.lower ?? "";
    if (word === "from" && parens[parens.length - 1] === true) continue;
    if (word === "update" && (previous === "for" || previous === "key")) continue;
    if (TABLE_LIST_AFTER.has(word)) {
      readList(i + 1);
    } else if (TABLE_AFTER.has(word)) {
      let at = i + 1;
      if (tokens[at]?.lower === "if") at += tokens[at + 1]?.lower === "not" ? 3 : 2;
      if (word === "table") readList(at);
      else readName(at);
    } else if (i === first && TABLE_AFTER_FIRST.has(word)) {
      if (tokens[i + 1]?.lower !== "table" && tokens[i + 1]?.lower !== "select") readName(i + 1);
    } else if ((word === "insert" || word === "replace") && i === first) {
      let at = i + 1;
      while (INSERT_MODIFIERS.has(tokens[at]?.lower ?? "")) at++;
      if (tokens[at]?.lower !== "into") readName(at);
    }
  }
  return tables;
}

/**
 * The tablet controls' denied tables (from the shard record, set by MoveTables when traffic moves away):
 * statements touching one of them fail with FAILED_PRECONDITION, as Vitess's query rule does.
 */
export class DeniedTables {
  private tables: ReadonlySet<string> = new Set();

  set(tables: readonly string[]): void {
    this.tables = new Set(tables);
  }

  list(): string[] {
    return [...this.tables].sort();
  }

  /** The error for a statement that touches a denied table, else undefined. */
  check(sql: string): VtError | undefined {
    if (this.tables.size === 0) return undefined;
    for (const table of tablesOfQuery(sql)) {
      if (this.tables.has(table)) {
        return new VtError(Code.FAILED_PRECONDITION, `disallowed due to rule: ${DENIED_TABLES_RULE}`);
      }
    }
    return undefined;
  }
}
