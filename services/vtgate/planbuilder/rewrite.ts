import { quoteIdentifier, quoteString } from "../../../libs/mysql/sql-literal.js";
import { T, type Token, tokenize } from "../../../libs/sqlparser/tokenizer.js";
import {
  DBNAME_BIND_VAR,
  LAST_INSERT_ID_BIND_VAR,
  type SessionBindVars,
  USER_VAR_BIND_PREFIX,
} from "../engine/route.js";

/** A table reference as written, replaced by the database and table the tablets know it as. */
export interface TableRename {
  readonly qualifier: string;
  readonly name: string;
}

/**
 * How a statement's text changes on its way to a tablet. The text is rewritten token by token, so
 * everything else (comments, spacing, literals) reaches MySQL as the client wrote it.
 */
export interface SqlRewrite {
  /** `qualifier.name` as written (key: tableKey) -> the tablet's database and table name. */
  readonly tables?: ReadonlyMap<string, TableRename>;
  /** A qualifier naming a keyspace -> its database name, for any `ks.t.col` / `ks.t` left over. */
  readonly qualifiers?: ReadonlyMap<string, string>;
  /** String literals equal to a keyspace name -> its database name (information_schema filters). */
  readonly keyspaceLiterals?: ReadonlyMap<string, string>;
  /** `SHOW ... FROM/IN db`: the database name to replace. */
  readonly showDatabase?: { readonly from: string; readonly to: string };
  /** `database()`, `schema()`, `last_insert_id()` and `@user` variables become session bind variables. */
  readonly sessionValues?: boolean;
}

export interface RewrittenSql {
  readonly sql: string;
  readonly sessionBindVars: SessionBindVars | undefined;
  /** `@name` variables read by the statement (Vitess's __vtudv bind variables). */
  readonly userVariables: readonly string[];
  /** Keyspaces named by string literals that were rewritten (where a system-schema query goes). */
  readonly literalKeyspaces: readonly string[];
}

export function tableKey(qualifier: string | undefined, name: string): string {
  return `${qualifier ?? ""}\u0000${name}`;
}

function isName(t: Token | undefined): boolean {
  return t !== undefined && (t.type === T.Ident || t.type === T.QuotedIdent);
}

function isOp(t: Token | undefined, op: string): boolean {
  return t !== undefined && t.type === T.Op && t.text === op;
}

function isEmptyCall(tokens: readonly Token[], i: number): boolean {
  return isOp(tokens[i + 1], "(") && isOp(tokens[i + 2], ")");
}

/**
 * Applies `rw` to `sql`, and always turns `?` placeholders into `:v1`, `:v2`... (the names vtgate binds
 * prepared statement parameters to). Returns the text unchanged when nothing applies.
 */
export function rewriteSql(sql: string, rw: SqlRewrite): RewrittenSql {
  const tokens = tokenize(sql);
  const edits: { start: number; end: number; text: string }[] = [];
  let placeholder = 0;
  let dbName = false;
  let lastInsertId = false;
  const userVariables = new Set<string>();
  const literalKeyspaces: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.type === T.Placeholder) {
      edits.push({ start: t.start, end: t.end, text: `:v${++placeholder}` });
      continue;
    }
    if (t.type === T.String && rw.keyspaceLiterals) {
      const db = rw.keyspaceLiterals.get(t.text);
      if (db !== undefined) {
        edits.push({ start: t.start, end: t.end, text: quoteString(db) });
        literalKeyspaces.push(t.text);
      }
      continue;
    }
    if (t.type === T.UserVar && rw.sessionValues) {
      // `@x := ...` assigns: leave it to MySQL.
      if (isOp(tokens[i + 1], ":=")) continue;
      userVariables.add(t.text);
      edits.push({ start: t.start, end: t.end, text: `:${USER_VAR_BIND_PREFIX}${t.text}` });
      continue;
    }
    if (!isName(t)) continue;
    if (t.type === T.Ident && rw.sessionValues && !isOp(tokens[i - 1], ".") && isEmptyCall(tokens, i)) {
      if (t.lower === "database" || t.lower === "schema") {
        edits.push({ start: t.start, end: (tokens[i + 2] as Token).end, text: `:${DBNAME_BIND_VAR}` });
        dbName = true;
        i += 2;
        continue;
      }
      if (t.lower === "last_insert_id") {
        edits.push({
          start: t.start,
          end: (tokens[i + 2] as Token).end,
          text: `:${LAST_INSERT_ID_BIND_VAR}`,
        });
        lastInsertId = true;
        i += 2;
        continue;
      }
    }
    if (isOp(tokens[i + 1], ".") && isName(tokens[i + 2]) && !isOp(tokens[i - 1], ".")) {
      const next = tokens[i + 2] as Token;
      const rename = rw.tables?.get(tableKey(t.text, next.text));
      if (rename) {
        edits.push({ start: t.start, end: t.end, text: quoteIdentifier(rename.qualifier) });
        if (rename.name !== next.text)
          edits.push({ start: next.start, end: next.end, text: quoteIdentifier(rename.name) });
        i += 2;
        continue;
      }
      const db = rw.qualifiers?.get(t.text);
      if (db !== undefined && (isOp(tokens[i + 3], ".") || rw.tables === undefined)) {
        edits.push({ start: t.start, end: t.end, text: quoteIdentifier(db) });
        i += 2;
        continue;
      }
    }
    if (rw.showDatabase && t.text === rw.showDatabase.from && !isOp(tokens[i + 1], ".")) {
      const before = tokens[i - 1];
      if (before && before.type === T.Ident && (before.lower === "from" || before.lower === "in")) {
        edits.push({ start: t.start, end: t.end, text: quoteIdentifier(rw.showDatabase.to) });
      }
    }
  }
  const sessionBindVars =
    dbName || lastInsertId || userVariables.size > 0
      ? { dbName, lastInsertId, userVariables: [...userVariables] }
      : undefined;
  const found = { sessionBindVars, userVariables: [...userVariables], literalKeyspaces };
  if (edits.length === 0) return { sql, ...found };
  let out = "";
  let copied = 0;
  for (const edit of edits) {
    out += sql.slice(copied, edit.start) + edit.text;
    copied = edit.end;
  }
  return { sql: out + sql.slice(copied), ...found };
}
