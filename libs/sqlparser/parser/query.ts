import type { Expr, OrderBy } from "../ast/expr.js";
import type {
  CommonTableExpr,
  Limit,
  LockType,
  QueryExpr,
  Select,
  SelectExpr,
  SelectOption,
  With,
} from "../ast/query.js";
import { T } from "../tokenizer.js";
import type { Cursor } from "./cursor.js";
import { parseExpr, parseSimpleExpr } from "./expr.js";
import { parseOrderByList } from "./functions.js";
import { parseTableRefs } from "./table-refs.js";

/** The current token starts a query: SELECT, WITH, or `(` opening one. */
export function isQueryStart(p: Cursor): boolean {
  let ahead = 0;
  for (;;) {
    const t = p.peekAt(ahead);
    if (t.type === T.Ident) return t.lower === "select" || t.lower === "with";
    if (t.type === T.Op && t.text === "(") {
      ahead++;
      continue;
    }
    return false;
  }
}

/**
 * A query expression: `[with ...] term [union [all|distinct] term ...] [order by] [limit] [locking]`, a term
 * being a SELECT or a parenthesised query. ORDER BY / LIMIT after a union belong to the union; on a lone
 * SELECT they are the SELECT's own.
 */
export function parseQueryExpr(p: Cursor): QueryExpr {
  const withClause = p.isWord("with") ? parseWith(p) : undefined;
  let query = parseQueryTerm(p);
  while (p.acceptWord("union")) {
    const all = p.acceptWord("all");
    if (!all) p.acceptWord("distinct");
    const right = parseQueryTerm(p);
    query = {
      kind: "Union",
      with: undefined,
      left: query,
      right,
      all,
      orderBy: [],
      limit: undefined,
      lock: undefined,
    };
  }
  const orderBy = p.acceptWords("order", "by") ? parseOrderByList(p) : [];
  const limit = p.acceptWord("limit") ? parseLimit(p) : undefined;
  const lock = parseLock(p);
  if (orderBy.length > 0 || limit !== undefined || lock !== undefined) {
    if (query.orderBy.length > 0 && orderBy.length > 0) throw p.error(p.peek(), "duplicate ORDER BY");
    if (query.limit !== undefined && limit !== undefined) throw p.error(p.peek(), "duplicate LIMIT");
    query = {
      ...query,
      orderBy: orderBy.length > 0 ? orderBy : query.orderBy,
      limit: limit ?? query.limit,
      lock: lock ?? query.lock,
    };
  }
  if (withClause !== undefined) {
    if (query.with !== undefined) throw p.error(p.peek(), "duplicate WITH");
    query = { ...query, with: withClause };
  }
  return query;
}

function parseQueryTerm(p: Cursor): QueryExpr {
  if (p.acceptOp("(")) {
    const query = parseQueryExpr(p);
    p.expectOp(")");
    return query;
  }
  return parseSelectCore(p);
}

function parseWith(p: Cursor): With {
  p.expectWord("with");
  const recursive = p.acceptWord("recursive");
  const ctes: CommonTableExpr[] = [];
  do {
    const name = p.ident();
    const columns = p.isOp("(") ? p.identList() : undefined;
    p.expectWord("as");
    p.expectOp("(");
    const query = parseQueryExpr(p);
    p.expectOp(")");
    ctes.push({ name, columns, query });
  } while (p.acceptOp(","));
  return { recursive, ctes };
}

const SELECT_OPTIONS: ReadonlySet<string> = new Set<SelectOption>([
  "straight_join",
  "sql_calc_found_rows",
  "sql_no_cache",
  "sql_cache",
  "high_priority",
  "sql_small_result",
  "sql_big_result",
  "sql_buffer_result",
]);

/** SELECT ... [FROM ...] [WHERE] [GROUP BY [WITH ROLLUP]] [HAVING], without ORDER BY / LIMIT. */
function parseSelectCore(p: Cursor): Select {
  if (!p.isWord("select")) throw p.error();
  p.next();
  const comments = p.comments();
  let distinct = false;
  const options: SelectOption[] = [];
  for (;;) {
    const t = p.peek();
    if (t.type !== T.Ident) break;
    if (t.lower === "distinct" || t.lower === "distinctrow") distinct = true;
    else if (t.lower === "all") {
      // the default
    } else if (SELECT_OPTIONS.has(t.lower)) {
      if (!options.includes(t.lower as SelectOption)) options.push(t.lower as SelectOption);
    } else break;
    p.next();
  }
  const columns = parseSelectExprs(p);
  if (p.isWord("into")) throw p.error(p.peek(), "SELECT ... INTO is not supported");
  let from: Select["from"] = [];
  if (p.acceptWord("from")) {
    if (p.isWord("dual")) p.next();
    else from = parseTableRefs(p);
  }
  const where = p.acceptWord("where") ? parseExpr(p) : undefined;
  let groupBy: Expr[] = [];
  let withRollup = false;
  if (p.acceptWords("group", "by")) {
    groupBy = [parseExpr(p)];
    while (p.acceptOp(",")) groupBy.push(parseExpr(p));
    withRollup = p.acceptWords("with", "rollup");
  }
  const having = p.acceptWord("having") ? parseExpr(p) : undefined;
  if (p.isWord("into")) throw p.error(p.peek(), "SELECT ... INTO is not supported");
  if (p.isWord("window")) throw p.error(p.peek(), "window functions are not supported");
  return {
    kind: "Select",
    comments,
    with: undefined,
    distinct,
    options,
    columns,
    from,
    where,
    groupBy,
    withRollup,
    having,
    orderBy: NO_ORDER,
    limit: undefined,
    lock: undefined,
  };
}

const NO_ORDER: readonly OrderBy[] = [];

function parseSelectExprs(p: Cursor): SelectExpr[] {
  const list = [parseSelectExpr(p)];
  while (p.acceptOp(",")) list.push(parseSelectExpr(p));
  return list;
}

function parseSelectExpr(p: Cursor): SelectExpr {
  const t = p.peek();
  if (t.type === T.Op && t.text === "*") {
    p.next();
    return { kind: "Star", table: undefined };
  }
  if (t.type === T.Ident || t.type === T.QuotedIdent) {
    const a1 = p.peekAt(1);
    if (a1.type === T.Op && a1.text === ".") {
      const a2 = p.peekAt(2);
      if (a2.type === T.Op && a2.text === "*") {
        const name = p.ident();
        p.next();
        p.next();
        return { kind: "Star", table: { name, qualifier: undefined } };
      }
      const a3 = p.peekAt(3);
      const a4 = p.peekAt(4);
      if (a3.type === T.Op && a3.text === "." && a4.type === T.Op && a4.text === "*") {
        const qualifier = p.ident();
        p.next();
        const name = p.identAfterDot();
        p.next();
        p.next();
        return { kind: "Star", table: { name, qualifier } };
      }
    }
    if (t.type === T.Ident && t.lower === "next") {
      if (p.isWordAt(1, "value")) {
        p.next();
        p.next();
        return {
          kind: "NextValues",
          count: { kind: "Literal", type: "int", value: "1", introducer: undefined },
        };
      }
      const n = a1.type;
      if ((n === T.Int || n === T.BindVar || n === T.Placeholder) && p.isWordAt(2, "values")) {
        p.next();
        const count = parseSimpleExpr(p);
        p.next();
        return { kind: "NextValues", count };
      }
    }
  }
  const expr = parseExpr(p);
  return { kind: "Aliased", expr, alias: parseAlias(p) };
}

/** `[as] alias` after a select expression: a name or a quoted string. */
function parseAlias(p: Cursor): string | undefined {
  if (p.acceptWord("as")) return p.identOrString();
  if (p.isIdent()) return p.ident();
  if (p.peek().type === T.String) return p.string();
  return undefined;
}

/** LIMIT count | LIMIT offset, count | LIMIT count OFFSET offset. */
export function parseLimit(p: Cursor): Limit {
  const first = parseSimpleExpr(p);
  if (p.acceptOp(",")) return { offset: first, count: parseSimpleExpr(p) };
  if (p.acceptWord("offset")) return { offset: parseSimpleExpr(p), count: first };
  return { offset: undefined, count: first };
}

function parseLock(p: Cursor): LockType | undefined {
  if (p.acceptWords("lock", "in", "share", "mode")) return "lock in share mode";
  if (p.isWord("for") && (p.isWordAt(1, "update") || p.isWordAt(1, "share"))) {
    p.next();
    const base = p.next().lower === "update" ? "for update" : "for share";
    if (p.acceptWord("nowait")) return `${base} nowait`;
    if (p.acceptWords("skip", "locked")) return `${base} skip locked`;
    return base;
  }
  return undefined;
}
