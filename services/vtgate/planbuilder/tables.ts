import type { Statement, TableName } from "../../../libs/sqlparser/index.js";

/** The schemas of MySQL itself: their tables do not decide where a statement goes. */
export const SYSTEM_SCHEMA_NAMES: ReadonlySet<string> = new Set([
  "information_schema",
  "mysql",
  "performance_schema",
  "sys",
]);

export function isSystemSchema(qualifier: string | undefined): boolean {
  return qualifier !== undefined && SYSTEM_SCHEMA_NAMES.has(qualifier.toLowerCase());
}

export interface StatementTables {
  /** Every real table a statement names (FROM/JOIN, subqueries, INSERT/DDL targets, FK references), in order. */
  readonly tables: readonly TableName[];
  /** Names defined by WITH: not tables. */
  readonly cteNames: ReadonlySet<string>;
}

type Node = Record<string, unknown>;

function walk(value: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
    return;
  }
  if (value === null || typeof value !== "object") return;
  const node = value as Node;
  visit(node);
  for (const key in node) walk(node[key], visit);
}

/**
 * The tables a statement refers to. Table references in FROM clauses and subqueries are found by walking
 * the AST (`kind: "Table"` nodes); statements that name tables outside a FROM clause (INSERT, DDL, SHOW)
 * add theirs. Delete targets are left out: they repeat (or alias) tables of the FROM clause.
 */
export function collectTables(stmt: Statement): StatementTables {
  const tables: TableName[] = [];
  const cteNames = new Set<string>();
  switch (stmt.kind) {
    case "Insert":
      tables.push(stmt.table);
      break;
    case "CreateTable":
      tables.push(stmt.table);
      if (stmt.like) tables.push(stmt.like);
      break;
    case "AlterTable":
    case "CreateIndex":
    case "DropIndex":
    case "TruncateTable":
      tables.push(stmt.table);
      break;
    case "DropTable":
      tables.push(...stmt.tables);
      break;
    case "DropView":
      tables.push(...stmt.views);
      break;
    case "CreateView":
    case "AlterView":
      tables.push(stmt.view);
      break;
    case "RenameTable":
      for (const pair of stmt.pairs) tables.push(pair.from, pair.to);
      break;
    case "Show":
      if (stmt.table) tables.push(stmt.table);
      break;
    default:
      break;
  }
  walk(stmt, (node) => {
    if (node.kind === "Table" && typeof node.name === "object" && node.name !== null) {
      tables.push(node.name as TableName);
    } else if (Array.isArray(node.ctes)) {
      for (const cte of node.ctes as { name: string }[]) cteNames.add(cte.name);
    } else if (node.kind === "ForeignKey" || (node.references && typeof node.references === "object")) {
      const ref = (node.kind === "ForeignKey" ? node.references : node.references) as { table?: TableName };
      if (ref.table) tables.push(ref.table);
    }
  });
  return { tables, cteNames };
}
