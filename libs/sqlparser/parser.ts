/**
 * The SQL parser: MySQL/MariaDB text to the AST of ast/ (readonly tagged unions).
 *
 * Hand-written recursive descent over the tokens of tokenizer.ts, like Vitess's sqlparser but without a
 * generated grammar. Chosen after measuring the npm MySQL parsers against what vtgate needs (README.md
 * beside this file has the table and the method): on a 55-statement corpus of MySQL and Vitess syntax,
 * node-sql-parser 5.4 parsed 44 (70-170 µs per point select), sqlparser-ts 0.62 (sqlparser-rs in WASM)
 * 50 (60-110 µs), sql-parser-cst 0.42 37, dt-sql-parser 4.5 48 (no formatter), js-sql-parser 13; none
 * reads `::list` bind variables, `select next N values` or `vexplain`. This one parses all 55, round-trips
 * them, and takes about 1 µs per point select.
 */
import type { Expr } from "./ast/expr.js";
import type { Statement } from "./ast/statement.js";
import { rememberBindVars } from "./bind-vars.js";
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
  const tokens = tokenize(sql);
  const p = new Cursor(sql, tokens);
  if (p.atEnd()) {
    while (p.acceptOp(";")) {}
    if (p.peek().type === T.EOF) throw new EmptyQueryError();
  }
  const stmt = parseStatement(p);
  if (p.acceptOp(";")) while (p.acceptOp(";")) {}
  if (p.peek().type !== T.EOF) throw p.error();
  rememberBindVars(stmt, tokens);
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
