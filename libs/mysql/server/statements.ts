/**
 * Lexical helpers over SQL text that need no parser: splitting a multi-statement COM_QUERY on the `;`
 * outside quotes and comments, and counting `?` placeholders for COM_STMT_PREPARE. Quotes are '...',
 * "..." and `...` (backslash escapes and doubled quotes); comments are `-- `, `#` and `/* ... *\/`.
 * `/*! ... *\/` and `/*+ ... *\/` comments count as statement content (MySQL executes them).
 */

interface Scan {
  /** Called for each `;` and `?` outside quotes and comments. */
  onSeparator?: (index: number) => void;
  onPlaceholder?: () => void;
  /** Called when a piece gets content other than whitespace and plain comments. */
  onContent?: () => void;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}

function scan(sql: string, cb: Scan): void {
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 0x27 || c === 0x22 || c === 0x60) {
      cb.onContent?.();
      i++;
      while (i < n) {
        const d = sql.charCodeAt(i);
        if (d === 0x5c && c !== 0x60) {
          i += 2;
        } else if (d === c) {
          if (sql.charCodeAt(i + 1) === c) i += 2;
          else break;
        } else {
          i++;
        }
      }
      i++;
    } else if (
      c === 0x23 ||
      (c === 0x2d && sql.charCodeAt(i + 1) === 0x2d && isLineCommentStart(sql, i + 2))
    ) {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === 0x2f && sql.charCodeAt(i + 1) === 0x2a) {
      const kind = sql.charCodeAt(i + 2);
      if (kind === 0x21 || kind === 0x2b) cb.onContent?.();
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
    } else if (c === 0x3b) {
      cb.onSeparator?.(i);
      i++;
    } else {
      if (c === 0x3f) cb.onPlaceholder?.();
      if (!isSpace(c)) cb.onContent?.();
      i++;
    }
  }
}

/** `--` starts a comment only when followed by whitespace, a control character or the end. */
function isLineCommentStart(sql: string, at: number): boolean {
  return at >= sql.length || sql.charCodeAt(at) <= 0x20;
}

/**
 * The statements of a multi-statement query, trimmed, without empty ones (whitespace or plain comments
 * only). A query without `;` is returned as is (when not blank).
 */
export function splitStatements(sql: string): string[] {
  if (!sql.includes(";")) return sql.trim() === "" ? [] : [sql];
  const pieces: string[] = [];
  let start = 0;
  let content = false;
  scan(sql, {
    onContent: () => {
      content = true;
    },
    onSeparator: (index) => {
      if (content) pieces.push(sql.slice(start, index).trim());
      start = index + 1;
      content = false;
    },
  });
  if (content) pieces.push(sql.slice(start).trim());
  return pieces;
}

/** The number of `?` placeholders outside quotes and comments. */
export function countPlaceholders(sql: string): number {
  if (!sql.includes("?")) return 0;
  let count = 0;
  scan(sql, {
    onPlaceholder: () => {
      count++;
    },
  });
  return count;
}
