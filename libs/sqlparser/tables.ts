import type { TableName } from "./ast/expr.js";
import type { Statement } from "./ast/statement.js";
import { walkStatement } from "./walk-statement.js";

/**
 * Every table a statement references, qualified as written (`ks.t` keeps its keyspace), each once, the
 * FROM tables of a query before those in its expressions: FROM lists and joins, derived tables and
 * subqueries at any depth, INSERT targets, UPDATE / DELETE tables, the tables of DDL (created, altered,
 * renamed from and to, dropped, referenced by CREATE TABLE ... LIKE / AS SELECT, views' queries), SHOW's
 * table, and the statement under EXPLAIN. Names defined by a WITH clause are not tables and are left out
 * where they are in scope; so are the aliases a multi-table DELETE names as targets.
 */
export function tablesOf(stmt: Statement): TableName[] {
  const tables: TableName[] = [];
  const seen = new Set<string>();
  walkStatement(stmt, {
    table(t) {
      const key = t.qualifier === undefined ? t.name : `${t.qualifier}.${t.name}`;
      if (seen.has(key)) return;
      seen.add(key);
      tables.push(t.qualifier === undefined ? { name: t.name, qualifier: undefined } : t);
    },
  });
  return tables;
}

/** The names of the bind variables a statement uses (`:a`, `::list`). */
export function bindVarNames(stmt: Statement): Set<string> {
  const names = new Set<string>();
  walkStatement(stmt, {
    expr(e) {
      if (e.kind === "BindVar") names.add(e.name);
    },
  });
  return names;
}
