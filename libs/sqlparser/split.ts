import { tokenize } from "./tokenizer.js";

/**
 * Splits SQL text into statements at `;`, ignoring the `;` inside strings ('...', "..."), backquoted
 * names and comments (`-- `, `#`, block comments). Each piece is trimmed; pieces holding nothing but
 * whitespace and comments are dropped (a `/*! ... *\/` comment is code and is kept). Bodies of stored
 * routines (BEGIN ... END with inner `;`) are split too, as Vitess does without a DELIMITER.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 39 || c === 34 || c === 96) {
      i = skipQuoted(sql, i, c);
    } else if (
      c === 35 ||
      (c === 45 && sql.charCodeAt(i + 1) === 45 && isCommentSpace(sql.charCodeAt(i + 2)))
    ) {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
    } else if (c === 59) {
      pushPiece(out, sql.slice(start, i));
      i++;
      start = i;
    } else {
      i++;
    }
  }
  pushPiece(out, sql.slice(start));
  return out;
}

function isCommentSpace(c: number): boolean {
  return Number.isNaN(c) || c <= 32;
}

/**
 * The offset past the closing quote of a quoted run starting at `start` (the quote character's offset): a
 * doubled quote stays inside; backslash escapes count in strings, not in backquoted identifiers.
 */
export function skipQuoted(sql: string, start: number, quote: number): number {
  const backslashEscapes = quote !== 96;
  let i = start + 1;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (c === 92 && backslashEscapes) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql.charCodeAt(i + 1) === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

function pushPiece(out: string[], piece: string): void {
  const text = piece.trim();
  if (text === "") return;
  try {
    if (tokenize(text).length === 1) return; // comments only
  } catch {
    // not tokenizable: keep it, the parser will report it
  }
  out.push(text);
}

export interface MarginComments {
  /** Comments (and whitespace) before the statement, as written. */
  readonly leading: string;
  /** The statement without them. */
  readonly body: string;
  /** Block comments, whitespace and `;` after the statement, as written. */
  readonly trailing: string;
}

/**
 * Separates the comments written before and after a statement (Vitess's SplitMarginComments): vtgate logs
 * them and passes the body on. `/*! ... *\/` comments are code and stay in the body.
 */
export function splitMarginComments(sql: string): MarginComments {
  let i = 0;
  const n = sql.length;
  for (;;) {
    while (i < n && sql.charCodeAt(i) <= 32) i++;
    if (sql.startsWith("/*", i) && sql.charCodeAt(i + 2) !== 33) {
      const close = sql.indexOf("*/", i + 2);
      if (close < 0) break;
      i = close + 2;
    } else if (
      sql.charCodeAt(i) === 35 ||
      (sql.startsWith("--", i) && isCommentSpace(sql.charCodeAt(i + 2)))
    ) {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? n : nl + 1;
    } else {
      break;
    }
  }
  let j = n;
  for (;;) {
    while (j > i && (sql.charCodeAt(j - 1) <= 32 || sql.charCodeAt(j - 1) === 59)) j--;
    if (j - i >= 4 && sql.endsWith("*/", j)) {
      const open = sql.lastIndexOf("/*", j - 3);
      if (open < i || sql.charCodeAt(open + 2) === 33 || !isCommentStart(sql, i, open)) break;
      j = open;
    } else {
      break;
    }
  }
  return { leading: sql.slice(0, i), body: sql.slice(i, j), trailing: sql.slice(j) };
}

/** The `/*` at `open` starts a comment (it is not inside a string of the body). */
function isCommentStart(sql: string, from: number, open: number): boolean {
  let i = from;
  while (i < open) {
    const c = sql.charCodeAt(i);
    if (c === 39 || c === 34 || c === 96) {
      i = skipQuoted(sql, i, c);
      if (i > open) return false;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const close = sql.indexOf("*/", i + 2);
      if (i === open) return true;
      i = close < 0 ? sql.length : close + 2;
      if (i > open) return false;
    } else {
      i++;
    }
  }
  return i === open;
}
