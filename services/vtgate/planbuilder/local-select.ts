import { Type } from "../../../libs/proto/query.js";
import type { Expr, Select } from "../../../libs/sqlparser/index.js";
import { T, type Token, tokenize } from "../../../libs/sqlparser/tokenizer.js";
import {
  LOCAL_SYSTEM_VARIABLES,
  type LocalColumn,
  type LocalExpr,
  SessionValues,
} from "../engine/session-values.js";

const LITERAL_TYPES: Readonly<Record<string, Type>> = {
  int: Type.INT64,
  decimal: Type.DECIMAL,
  float: Type.FLOAT64,
  string: Type.VARCHAR,
};

function localExpr(expr: Expr): LocalExpr | undefined {
  switch (expr.kind) {
    case "Literal": {
      const type = LITERAL_TYPES[expr.type];
      return type === undefined ? undefined : { kind: "literal", type, value: expr.value };
    }
    case "Null":
      return { kind: "literal", type: Type.NULL_TYPE, value: null };
    case "Bool":
      return { kind: "literal", type: Type.INT64, value: expr.value ? "1" : "0" };
    case "Variable": {
      const name = expr.name.toLowerCase();
      if (expr.scope === "user") return { kind: "uservar", name: expr.name };
      if ((expr.scope === "implicit" || expr.scope === "session") && LOCAL_SYSTEM_VARIABLES.has(name)) {
        return { kind: "sysvar", name };
      }
      return undefined;
    }
    case "Func": {
      if (expr.args.length > 0 || expr.qualifier !== undefined) return undefined;
      const name = expr.name.toLowerCase();
      if (name === "database" || name === "schema") return { kind: "database" };
      if (name === "last_insert_id") return { kind: "lastInsertId" };
      return undefined;
    }
    default:
      return undefined;
  }
}

const END_OF_SELECT_LIST = new Set([
  "from",
  "where",
  "limit",
  "group",
  "having",
  "order",
  "into",
  "for",
  "union",
  "window",
  "lock",
]);

/** The text of each select expression as written (MySQL names unaliased columns that way). */
export function selectListTexts(sql: string): string[] {
  const tokens = tokenize(sql);
  let i = tokens.findIndex((t) => t.type === T.Ident && t.lower === "select");
  if (i < 0) return [];
  i++;
  const texts: string[] = [];
  let depth = 0;
  let first: Token | undefined;
  let last: Token | undefined;
  for (; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.type === T.EOF) break;
    if (t.type === T.Op) {
      if (t.text === "(") depth++;
      else if (t.text === ")") depth--;
      else if (depth === 0 && (t.text === "," || t.text === ";")) {
        if (first && last) texts.push(sql.slice(first.start, last.end));
        first = last = undefined;
        if (t.text === ";") break;
        continue;
      }
    } else if (depth === 0 && t.type === T.Ident && END_OF_SELECT_LIST.has(t.lower)) {
      break;
    }
    first ??= t;
    last = t;
  }
  if (first && last) texts.push(sql.slice(first.start, last.end));
  return texts;
}

/**
 * A SELECT vtgate answers itself: no tables, no clauses but LIMIT, and only values it knows (literals,
 * `@@version`, `@@version_comment`, `@@autocommit`, isolation, `database()`, `last_insert_id()`, `@user`).
 * undefined when the statement needs a tablet.
 */
export function planLocalSelect(stmt: Select, sql: string): SessionValues | undefined {
  if (
    stmt.from.length > 0 ||
    stmt.with ||
    stmt.where ||
    stmt.groupBy.length > 0 ||
    stmt.having ||
    stmt.orderBy.length > 0 ||
    stmt.lock ||
    stmt.distinct ||
    stmt.options.length > 0
  ) {
    return undefined;
  }
  const columns: LocalColumn[] = [];
  let texts: string[] | undefined;
  for (const [index, column] of stmt.columns.entries()) {
    if (column.kind !== "Aliased") return undefined;
    const expr = localExpr(column.expr);
    if (!expr) return undefined;
    let name = column.alias;
    if (name === undefined) {
      if (column.expr.kind === "Literal" && column.expr.type === "string") name = column.expr.value;
      else {
        texts ??= selectListTexts(sql);
        name = texts[index] ?? `col${index}`;
      }
    }
    columns.push({ name, expr });
  }
  return new SessionValues(columns);
}
