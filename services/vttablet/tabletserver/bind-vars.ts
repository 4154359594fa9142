import { encodeSqlValue, encodeTuple } from "../../../libs/mysql/sql-literal.js";
import { type BindVariable, Type } from "../../../libs/proto/query.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import { scanSql } from "./sql-scanner.js";

export type BindVariables = Readonly<Record<string, BindVariable | undefined>>;

function encodeBindVariable(name: string, bindVar: BindVariable, list: boolean): string {
  if (bindVar.type === Type.TUPLE) return encodeTuple(bindVar.values, name);
  if (list) {
    throw new VtError(
      Code.INVALID_ARGUMENT,
      `unexpected arg type (${Type[bindVar.type]}) for list bind var ${name}`,
    );
  }
  return encodeSqlValue(bindVar.type, bindVar.value);
}

/**
 * The statement with every `:name` replaced by its value as a SQL literal and every `::name` (a list,
 * type TUPLE) by `(v1, v2, ...)`. Placeholders inside quoted strings, backquoted identifiers and comments
 * are left alone, and `:=` is not a placeholder. A placeholder without a value fails with
 * INVALID_ARGUMENT `missing bind var <name>`, as in Vitess.
 */
export function substituteBindVars(sql: string, bindVars: BindVariables): string {
  if (!sql.includes(":")) return sql;
  let out = "";
  let copied = 0;
  for (const token of scanSql(sql)) {
    if (token.kind !== "bindVar" && token.kind !== "listBindVar") continue;
    const bindVar = bindVars[token.text];
    if (bindVar === undefined) throw new VtError(Code.INVALID_ARGUMENT, `missing bind var ${token.text}`);
    out += sql.slice(copied, token.start);
    out += encodeBindVariable(token.text, bindVar, token.kind === "listBindVar");
    copied = token.end;
  }
  return copied === 0 ? sql : out + sql.slice(copied);
}
