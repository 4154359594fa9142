import type { TableName } from "../ast/expr.js";
import { needsQuoting } from "../keywords.js";

const PLAIN_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const quotedCache = new Map<string, string>();

/** A name as MySQL reads it back: bare when it can be, else backquoted (`` `a``b` ``, `` `3t2` ``, `` `order` ``). */
export function formatIdent(name: string): string {
  const cached = quotedCache.get(name);
  if (cached !== undefined) return cached;
  const out =
    PLAIN_NAME.test(name) && !needsQuoting(name.toLowerCase()) ? name : `\`${name.replaceAll("`", "``")}\``;
  if (quotedCache.size > 10_000) quotedCache.clear();
  quotedCache.set(name, out);
  return out;
}

export function formatTableName(t: TableName): string {
  return t.qualifier === undefined
    ? formatIdent(t.name)
    : `${formatIdent(t.qualifier)}.${formatIdent(t.name)}`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters MySQL escapes.
const NEEDS_ESCAPE = /[\0\b\n\r\t\x1a'"\\]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters MySQL escapes.
const ESCAPE_ALL = /[\0\b\n\r\t\x1a'"\\]/g;
const ESCAPES: Readonly<Record<string, string>> = {
  "\0": "\\0",
  "\b": "\\b",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\x1a": "\\Z",
  "'": "\\'",
  '"': '\\"',
  "\\": "\\\\",
};

/** A single-quoted string literal with MySQL backslash escapes (the server's default sql_mode). */
export function formatString(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `'${value}'`;
  return `'${value.replace(ESCAPE_ALL, (c) => ESCAPES[c] as string)}'`;
}

const PLAIN_VARIABLE = /^[A-Za-z0-9_$.]+$/;

/** The name of a user variable after `@`: bare, or backquoted when it holds other characters. */
export function formatVariableName(name: string): string {
  return PLAIN_VARIABLE.test(name) ? name : `\`${name.replaceAll("`", "``")}\``;
}
