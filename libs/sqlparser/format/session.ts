import type { Variable } from "../ast/expr.js";
import type { Begin, SetItem, SetStatement, SetTransaction, Show, Use } from "../ast/session.js";
import { needsQuoting } from "../keywords.js";
import { formatExpr, formatVariable } from "./expr.js";
import { formatComments } from "./query.js";
import { formatIdent, formatString, formatTableName } from "./quote.js";

/** Names that would read as SET syntax, not a variable, when written bare after SET. */
const SET_SYNTAX_WORDS: ReadonlySet<string> = new Set([
  "names",
  "charset",
  "character",
  "transaction",
  "global",
  "session",
  "local",
  "persist",
  "persist_only",
  "password",
]);

const PLAIN = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A variable being set: `autocommit` for the implicit (session) scope when that reads back the same. */
function formatSetVariable(v: Variable): string {
  if (v.scope === "implicit") {
    const lower = v.name.toLowerCase();
    if (PLAIN.test(v.name) && !needsQuoting(lower) && !SET_SYNTAX_WORDS.has(lower)) return v.name;
  }
  return formatVariable(v);
}

function formatSetItem(item: SetItem): string {
  switch (item.kind) {
    case "SetVar":
      return `${formatSetVariable(item.variable)} = ${formatExpr(item.value)}`;
    case "SetNames": {
      const charset = item.charset === "default" ? "default" : formatIdent(item.charset);
      return item.collate === undefined
        ? `names ${charset}`
        : `names ${charset} collate ${formatIdent(item.collate)}`;
    }
    case "SetCharset":
      return `charset ${item.charset === "default" ? "default" : formatIdent(item.charset)}`;
  }
}

export function formatSet(stmt: SetStatement): string {
  return `set ${formatComments(stmt.comments)}${stmt.items.map(formatSetItem).join(", ")}`;
}

export function formatSetTransaction(stmt: SetTransaction): string {
  const parts: string[] = [];
  if (stmt.isolationLevel !== undefined) parts.push(`isolation level ${stmt.isolationLevel}`);
  if (stmt.accessMode !== undefined) parts.push(stmt.accessMode);
  return `set ${stmt.scope === undefined ? "" : `${stmt.scope} `}transaction ${parts.join(", ")}`;
}

export function formatUse(stmt: Use): string {
  return `use ${formatIdent(stmt.target)}`;
}

export function formatBegin(stmt: Begin): string {
  return stmt.characteristics.length === 0 ? "begin" : `start transaction ${stmt.characteristics.join(", ")}`;
}

export function formatShow(stmt: Show): string {
  let s = "show ";
  if (stmt.scope !== undefined) s += `${stmt.scope} `;
  if (stmt.full) s += "full ";
  s += stmt.command;
  if (stmt.table !== undefined) {
    if (stmt.command === "columns" || stmt.command === "index") s += " from";
    else if (stmt.command === "vschema vindexes") s += " on";
    s += ` ${formatTableName(stmt.table)}`;
  }
  if (stmt.database !== undefined) s += ` from ${formatIdent(stmt.database)}`;
  if (stmt.filter !== undefined) {
    s +=
      stmt.filter.kind === "like"
        ? ` like ${formatString(stmt.filter.pattern)}`
        : ` where ${formatExpr(stmt.filter.expr)}`;
  }
  return s;
}
