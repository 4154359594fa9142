/**
 * The SQL parser: MySQL/MariaDB text to the AST of ast/ (readonly tagged unions).
 *
 * Hand-written recursive descent over the tokens of tokenizer.ts, like Vitess's sqlparser but without a
 * generated grammar. Chosen after measuring the npm MySQL parsers against what vtgate needs (round trip
 * to SQL with bind variables, Vitess syntax, speed on the per-query hot path): none fitted. The table and
 * the method are in README.md beside this file.
 */
import type { Expr } from "./ast/expr.js";
import type { Statement } from "./ast/statement.js";
import { EmptyQueryError } from "./errors.js";
import { Cursor } from "./parser/cursor.js";
import { parseExpr } from "./parser/expr.js";
import { parseStatement } from "./parser/statement.js";
import { T, tokenize } from "./tokenizer.js";

/**
 * Parses exactly one statement (a trailing `;` is allowed). Throws SqlSyntaxError (INVALID_ARGUMENT,
 * errno 1064) when it does not parse, EmptyQueryError (errno 1065) when there is no statement.
 */
export function parse(sql: string): Statement {
  const p = new Cursor(sql, tokenize(sql));
  if (p.atEnd()) {
    while (p.acceptOp(";")) {}
    if (p.peek().type === T.EOF) throw new EmptyQueryError();
  }
  const stmt = parseStatement(p);
  if (p.acceptOp(";")) while (p.acceptOp(";")) {}
  if (p.peek().type !== T.EOF) throw p.error();
  return stmt;
}

/** Parses statements separated by `;` (empty ones skipped). Throws like parse() on the first bad one. */
export function parseStatements(sql: string): Statement[] {
  const p = new Cursor(sql, tokenize(sql));
  const out: Statement[] = [];
  for (;;) {
    while (p.acceptOp(";")) {}
    if (p.peek().type === T.EOF) return out;
    out.push(parseStatement(p));
    if (p.peek().type !== T.EOF && !p.isOp(";")) throw p.error();
  }
}

/** Parses one expression (`in_keyrange(col, 'hash', '-80')`, a vindex column value...). */
export function parseExpression(sql: string): Expr {
  const p = new Cursor(sql, tokenize(sql));
  const expr = parseExpr(p);
  if (p.peek().type !== T.EOF) throw p.error();
  return expr;
}
