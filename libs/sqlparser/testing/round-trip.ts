import { expect } from "vitest";
import type { Statement } from "../ast/statement.js";
import { format } from "../formatter.js";
import { normalize } from "../normalizer.js";
import { parse } from "../parser.js";

/** A case: SQL in, and the canonical text expected out (the input itself when omitted). */
export type Case = string | readonly [input: string, output: string];

export function caseInput(c: Case): string {
  return typeof c === "string" ? c : c[0];
}

/**
 * parse -> format gives the canonical text; format -> parse gives the same AST; formatting again is
 * stable; and the normalized text parses back to the normalized statement.
 */
export function expectRoundTrip(c: Case): Statement {
  const [input, output] = typeof c === "string" ? [c, c] : c;
  const ast = parse(input);
  const text = format(ast);
  expect(text).toBe(output);
  const again = parse(text);
  expect(again).toEqual(ast);
  expect(format(again)).toBe(text);
  // the normalized statement (the plan-cache key) parses back to itself too
  const normalized = normalize(ast);
  expect(parse(normalized.sql)).toEqual(normalized.statement);
  return ast;
}
