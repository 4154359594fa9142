import type { Expr, OrderBy, TableName } from "./ast/expr.js";
import type { Limit, QueryExpr, TableExpr } from "./ast/query.js";
import type { Statement, StatementVisitor } from "./ast/statement.js";
import { visitStatement } from "./ast/statement.js";
import { walkExpr } from "./walk.js";

export interface StatementWalkHooks {
  /** A table referenced (not a WITH name in scope, not a DELETE target that is an alias). */
  table?(t: TableName): void;
  /** Every expression node, at any depth (subqueries included). */
  expr?(e: Expr): void;
}

/** Visits the tables and expressions of a statement, subqueries and EXPLAINed statements included. */
export function walkStatement(stmt: Statement, hooks: StatementWalkHooks): void {
  new StatementWalker(hooks).statement(stmt);
}

const NO_CTES: ReadonlySet<string> = new Set();

class StatementWalker {
  private readonly onExpr: (e: Expr) => void;

  constructor(private readonly hooks: StatementWalkHooks) {
    const expr = hooks.expr;
    this.onExpr = expr === undefined ? () => {} : (e) => expr.call(hooks, e);
  }

  add(t: TableName, ctes: ReadonlySet<string> = NO_CTES): void {
    if (t.qualifier === undefined && ctes.has(t.name)) return;
    this.hooks.table?.(t);
  }

  expr(e: Expr | undefined, ctes: ReadonlySet<string>): void {
    if (e === undefined) return;
    walkExpr(e, this.onExpr, (q) => this.query(q, ctes));
  }

  exprs(list: readonly Expr[], ctes: ReadonlySet<string>): void {
    for (const e of list) this.expr(e, ctes);
  }

  query(q: QueryExpr, outer: ReadonlySet<string>): void {
    let ctes = outer;
    if (q.with !== undefined) {
      ctes = new Set([...outer, ...q.with.ctes.map((c) => c.name)]);
      for (const cte of q.with.ctes) this.query(cte.query, ctes);
    }
    if (q.kind === "Union") {
      this.query(q.left, ctes);
      this.query(q.right, ctes);
    } else {
      for (const t of q.from) this.tableExpr(t, ctes);
      for (const c of q.columns) {
        if (c.kind === "Aliased") this.expr(c.expr, ctes);
        else if (c.kind === "NextValues") this.expr(c.count, ctes);
      }
      this.expr(q.where, ctes);
      this.exprs(q.groupBy, ctes);
      this.expr(q.having, ctes);
    }
    for (const o of q.orderBy) this.expr(o.expr, ctes);
    this.limit(q.limit, ctes);
  }

  limit(limit: Limit | undefined, ctes: ReadonlySet<string>): void {
    if (limit === undefined) return;
    this.expr(limit.offset, ctes);
    this.expr(limit.count, ctes);
  }

  tail(s: { readonly orderBy: readonly OrderBy[]; readonly limit?: Limit | undefined }): void {
    for (const o of s.orderBy) this.expr(o.expr, NO_CTES);
    this.limit(s.limit, NO_CTES);
  }

  tableExpr(t: TableExpr, ctes: ReadonlySet<string>): void {
    switch (t.kind) {
      case "Table":
        this.add(t.name, ctes);
        return;
      case "Derived":
        this.query(t.query, ctes);
        return;
      case "Join":
        this.tableExpr(t.left, ctes);
        this.tableExpr(t.right, ctes);
        this.expr(t.on, ctes);
        return;
      case "ParenTables":
        for (const x of t.tables) this.tableExpr(x, ctes);
        return;
    }
  }

  statement(stmt: Statement): void {
    visitStatement(stmt, this.visitor);
  }

  private readonly visitor: StatementVisitor<void> = {
    Select: (s) => this.query(s, NO_CTES),
    Union: (s) => this.query(s, NO_CTES),
    Insert: (s) => {
      this.add(s.table);
      if (s.rows.kind === "Query") this.query(s.rows.query, NO_CTES);
      else for (const row of s.rows.rows) this.exprs(row, NO_CTES);
      for (const u of s.onDuplicate) this.expr(u.expr, NO_CTES);
    },
    Update: (s) => {
      for (const t of s.tables) this.tableExpr(t, NO_CTES);
      for (const u of s.set) this.expr(u.expr, NO_CTES);
      this.expr(s.where, NO_CTES);
      this.tail(s);
    },
    Delete: (s) => {
      const aliases = new Set<string>();
      collectAliases(s.from, aliases);
      for (const t of s.targets) if (t.qualifier !== undefined || !aliases.has(t.name)) this.add(t);
      for (const t of s.from) this.tableExpr(t, NO_CTES);
      this.expr(s.where, NO_CTES);
      this.tail(s);
    },
    Set: (s) => {
      for (const item of s.items) if (item.kind === "SetVar") this.expr(item.value, NO_CTES);
    },
    SetTransaction: () => {},
    Use: () => {},
    Begin: () => {},
    Commit: () => {},
    Rollback: () => {},
    Savepoint: () => {},
    ReleaseSavepoint: () => {},
    Show: (s) => {
      if (s.filter?.kind === "where") this.expr(s.filter.expr, NO_CTES);
      if (s.table !== undefined && s.command !== "create database") {
        this.add(
          s.table.qualifier === undefined && s.database !== undefined
            ? { ...s.table, qualifier: s.database }
            : s.table,
        );
      }
    },
    Explain: (s) => this.statement(s.statement),
    VExplain: (s) => this.statement(s.statement),
    CreateTable: (s) => {
      this.add(s.table);
      if (s.like !== undefined) this.add(s.like);
      if (s.select !== undefined) this.query(s.select, NO_CTES);
    },
    CreateIndex: (s) => this.add(s.table),
    CreateView: (s) => {
      this.add(s.view);
      this.query(s.select, NO_CTES);
    },
    AlterView: (s) => {
      this.add(s.view);
      this.query(s.select, NO_CTES);
    },
    AlterTable: (s) => {
      this.add(s.table);
      for (const o of s.options) if (o.kind === "RenameTable") this.add(o.to);
    },
    RenameTable: (s) => {
      for (const pair of s.pairs) {
        this.add(pair.from);
        this.add(pair.to);
      }
    },
    DropTable: (s) => {
      for (const t of s.tables) this.add(t);
    },
    DropIndex: (s) => this.add(s.table),
    DropView: (s) => {
      for (const t of s.views) this.add(t);
    },
    TruncateTable: (s) => this.add(s.table),
    CreateDatabase: () => {},
    DropDatabase: () => {},
    Other: () => {},
  };
}

function collectAliases(list: readonly TableExpr[], out: Set<string>): void {
  for (const t of list) {
    switch (t.kind) {
      case "Table":
        if (t.alias !== undefined) out.add(t.alias);
        break;
      case "Derived":
        out.add(t.alias);
        break;
      case "Join":
        collectAliases([t.left, t.right], out);
        break;
      case "ParenTables":
        collectAliases(t.tables, out);
        break;
    }
  }
}
