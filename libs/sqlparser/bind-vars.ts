import type { Statement } from "./ast/statement.js";
import { T, type Token } from "./tokenizer.js";

/**
 * The bind variable names of the statement parse() returned last, found on its tokens (`:a`, `::b`, and
 * `:v1`, `:v2`... for `?`), so that normalize(parse(sql)), vtgate's hot path, need not walk the tree again
 * to avoid reusing a name. One slot only (a WeakMap entry per statement cost more than the walk it saves).
 */
let lastStatement: Statement | undefined;
let lastNames: ReadonlySet<string> = new Set();
const NONE: ReadonlySet<string> = new Set();

export function rememberBindVars(stmt: Statement, tokens: readonly Token[]): void {
  let names: Set<string> | undefined;
  let placeholders = 0;
  for (const t of tokens) {
    let name: string;
    if (t.type === T.BindVar || t.type === T.ListBindVar) name = t.text;
    else if (t.type === T.Placeholder) name = `v${++placeholders}`;
    else continue;
    names ??= new Set();
    names.add(name);
  }
  lastStatement = stmt;
  lastNames = names ?? NONE;
}

/** The names remembered for `stmt` if it is the statement parse() returned last, else undefined. */
export function rememberedBindVars(stmt: Statement): ReadonlySet<string> | undefined {
  return stmt === lastStatement ? lastNames : undefined;
}
