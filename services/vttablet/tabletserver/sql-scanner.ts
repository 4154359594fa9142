import { skipQuoted } from "../../../libs/sqlparser/index.js";

/**
 * A small MySQL lexer: enough to find bind variables, the first keyword and table names without parsing.
 * Comments (`-- `, `#`, `/* *\/`, including `/*! *\/` executable comments) are skipped; quoted strings
 * (with backslash escapes and doubled quotes) and backquoted identifiers are single tokens.
 * A full parser (libs/sqlparser) replaces these uses later.
 */

export type TokenKind = "word" | "identifier" | "string" | "bindVar" | "listBindVar" | "symbol";

export interface Token {
  kind: TokenKind;
  /** Offsets in the statement: `sql.slice(start, end)` is the token as written. */
  start: number;
  end: number;
  /** word: as written; identifier: the name without backquotes; bindVar/listBindVar: the name; symbol: the character. */
  text: string;
}

function isWordChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || // a-z
    (code >= 65 && code <= 90) || // A-Z
    (code >= 48 && code <= 57) || // 0-9
    code === 95 || // _
    code === 36 || // $
    code >= 0x80
  );
}

function isBindVarChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 95 ||
    code === 46 // . as Vitess allows in bind variable names
  );
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 12 || code === 11;
}

/** The offset after a comment starting at `i`, or `i` if there is none there. */
function skipComment(sql: string, i: number): number {
  const code = sql.charCodeAt(i);
  if (code === 35) return lineEnd(sql, i); // #
  if (code === 45 && sql.charCodeAt(i + 1) === 45) {
    const after = sql.charCodeAt(i + 2);
    if (Number.isNaN(after) || isSpace(after)) return lineEnd(sql, i);
  }
  if (code === 47 && sql.charCodeAt(i + 1) === 42) {
    const close = sql.indexOf("*/", i + 2);
    return close < 0 ? sql.length : close + 2;
  }
  return i;
}

function lineEnd(sql: string, i: number): number {
  const newline = sql.indexOf("\n", i);
  return newline < 0 ? sql.length : newline + 1;
}

/** The tokens of `sql` in order. */
export function* scanSql(sql: string): Generator<Token> {
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const code = sql.charCodeAt(i);
    if (isSpace(code)) {
      i++;
      continue;
    }
    const afterComment = skipComment(sql, i);
    if (afterComment !== i) {
      i = afterComment;
      continue;
    }
    const start = i;
    if (code === 39 || code === 34) {
      i = skipQuoted(sql, i, code);
      yield { kind: "string", start, end: i, text: sql.slice(start, i) };
    } else if (code === 96) {
      i = skipQuoted(sql, i, code);
      const inner = sql.slice(start + 1, sql.charCodeAt(i - 1) === 96 && i - 1 > start ? i - 1 : i);
      yield { kind: "identifier", start, end: i, text: inner.replaceAll("``", "`") };
    } else if (code === 58 && isBindVarChar(sql.charCodeAt(i + 1))) {
      i++;
      while (i < n && isBindVarChar(sql.charCodeAt(i))) i++;
      yield { kind: "bindVar", start, end: i, text: sql.slice(start + 1, i) };
    } else if (code === 58 && sql.charCodeAt(i + 1) === 58 && isBindVarChar(sql.charCodeAt(i + 2))) {
      i += 2;
      while (i < n && isBindVarChar(sql.charCodeAt(i))) i++;
      yield { kind: "listBindVar", start, end: i, text: sql.slice(start + 2, i) };
    } else if (isWordChar(code)) {
      while (i < n && isWordChar(sql.charCodeAt(i))) i++;
      yield { kind: "word", start, end: i, text: sql.slice(start, i) };
    } else {
      i++;
      yield { kind: "symbol", start, end: i, text: sql[start] as string };
    }
  }
}

/** The first word of the statement, lower-cased, skipping comments and opening parentheses ("" if none). */
export function firstKeyword(sql: string): string {
  for (const token of scanSql(sql)) {
    if (token.kind === "symbol" && token.text === "(") continue;
    return token.kind === "word" ? token.text.toLowerCase() : "";
  }
  return "";
}
