import type { Expr } from "../ast/expr.js";
import type { IndexHint, IndexHintType, JoinType, TableExpr } from "../ast/query.js";
import { T } from "../tokenizer.js";
import type { Cursor } from "./cursor.js";
import { parseExpr } from "./expr.js";
import { isQueryStart, parseQueryExpr } from "./query.js";

/** A FROM list: table references separated by commas. */
export function parseTableRefs(p: Cursor): TableExpr[] {
  const refs = [parseTableRef(p)];
  while (p.acceptOp(",")) refs.push(parseTableRef(p));
  return refs;
}

/** A table factor followed by any number of joins (left associative). */
export function parseTableRef(p: Cursor): TableExpr {
  let left = parseTableFactor(p);
  for (;;) {
    const type = parseJoinType(p);
    if (type === undefined) return left;
    const right = parseTableFactor(p);
    let on: Expr | undefined;
    let using: string[] | undefined;
    if (!type.startsWith("natural")) {
      if (p.acceptWord("on")) on = parseExpr(p);
      else if (p.acceptWord("using")) using = p.identList();
      else if (type === "left join" || type === "right join") throw p.error();
    }
    left = { kind: "Join", type, left, right, on, using };
  }
}

function parseJoinType(p: Cursor): JoinType | undefined {
  const t = p.peek();
  if (t.type !== T.Ident) return undefined;
  switch (t.lower) {
    case "join":
      p.next();
      return "join";
    case "inner":
    case "cross":
      p.next();
      p.expectWord("join");
      return "join";
    case "straight_join":
      p.next();
      return "straight_join";
    case "left":
    case "right": {
      p.next();
      p.acceptWord("outer");
      p.expectWord("join");
      return t.lower === "left" ? "left join" : "right join";
    }
    case "natural": {
      p.next();
      let type: JoinType = "natural join";
      if (p.acceptWord("left")) type = "natural left join";
      else if (p.acceptWord("right")) type = "natural right join";
      p.acceptWord("outer");
      p.expectWord("join");
      return type;
    }
    default:
      return undefined;
  }
}

function parseTableFactor(p: Cursor): TableExpr {
  const lateral = p.isWord("lateral") && p.peekAt(1).text === "(";
  if (lateral) p.next();
  if (p.isOp("(")) {
    if (lateral || isQueryStart(p)) {
      p.expectOp("(");
      const query = parseQueryExpr(p);
      p.expectOp(")");
      p.acceptWord("as");
      const alias = p.ident();
      const columns = p.isOp("(") ? p.identList() : undefined;
      return { kind: "Derived", query, alias, columns, lateral };
    }
    p.next();
    const tables = parseTableRefs(p);
    p.expectOp(")");
    return tables.length === 1 ? (tables[0] as TableExpr) : { kind: "ParenTables", tables };
  }
  const name = p.tableName();
  const partitions = p.acceptWord("partition") ? p.identList() : undefined;
  let alias: string | undefined;
  if (p.acceptWord("as")) alias = p.ident();
  else if (p.isIdent()) alias = p.ident();
  const hints = parseIndexHints(p);
  return { kind: "Table", name, alias, partitions, hints };
}

function parseIndexHints(p: Cursor): IndexHint[] | undefined {
  let hints: IndexHint[] | undefined;
  for (;;) {
    const t = p.peek();
    if (t.type !== T.Ident || (t.lower !== "use" && t.lower !== "force" && t.lower !== "ignore"))
      return hints;
    if (!p.isWordAt(1, "index") && !p.isWordAt(1, "key")) return hints;
    p.next();
    p.next();
    let forClause: IndexHint["for"];
    if (p.acceptWord("for")) {
      if (p.acceptWord("join")) forClause = "join";
      else if (p.acceptWords("order", "by")) forClause = "order by";
      else if (p.acceptWords("group", "by")) forClause = "group by";
      else throw p.error();
    }
    p.expectOp("(");
    const indexes: string[] = [];
    if (!p.isOp(")")) {
      indexes.push(indexName(p));
      while (p.acceptOp(",")) indexes.push(indexName(p));
    }
    p.expectOp(")");
    hints ??= [];
    hints.push({ type: t.lower as IndexHintType, for: forClause, indexes });
  }
}

/** An index name in a hint: a name, or PRIMARY (reserved, yet allowed there). */
function indexName(p: Cursor): string {
  const t = p.peek();
  if (t.type === T.Ident && t.lower === "primary") {
    p.next();
    return t.text;
  }
  return p.ident();
}
