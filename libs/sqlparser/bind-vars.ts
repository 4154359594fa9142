import type { Statement } from "./ast/statement.js";
import { T, type Token } from "./tokenizer.js";

/**
 * The bind variable names of statements this module's parse() produced, found on the tokens (`:a`, `::b`,
 * and `:v1`, `:v2`... for `?`), so the normalizer need not walk the tree again to avoid reusing a name.
 */
const byStatement = new WeakMap<Statement, ReadonlySet<string>>();
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
  byStatement.set(stmt, names ?? NONE);
}

/** The names remembered at parse time, or undefined for a statement built or rewritten since. */
export function rememberedBindVars(stmt: Statement): ReadonlySet<string> | undefined {
  return byStatement.get(stmt);
}
