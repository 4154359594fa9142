import type { Delete, Insert, InsertRows, Update, UpdateExpr } from "../ast/dml.js";
import type { Column, Expr, TableName } from "../ast/expr.js";
import type { TableExpr } from "../ast/query.js";
import type { Cursor } from "./cursor.js";
import { parseExpr } from "./expr.js";
import { parseOrderByList } from "./functions.js";
import { isQueryStart, parseLimit, parseQueryExpr } from "./query.js";
import { parseTableRefs } from "./table-refs.js";

/** INSERT / REPLACE (the verb is the current token). */
export function parseInsert(p: Cursor): Insert {
  const action = p.next().lower === "replace" ? "replace" : "insert";
  const comments = p.comments();
  let priority: Insert["priority"];
  if (p.isWord("low_priority") || p.isWord("delayed") || p.isWord("high_priority")) {
    priority = p.next().lower as Insert["priority"];
  }
  const ignore = p.acceptWord("ignore");
  p.acceptWord("into");
  const table = p.tableName();
  const partitions = p.acceptWord("partition") ? p.identList() : undefined;
  let columns: string[] = [];
  if (p.isOp("(") && !isQueryStart(p)) {
    p.next();
    if (!p.acceptOp(")")) {
      columns.push(p.ident());
      while (p.acceptOp(",")) columns.push(p.ident());
      p.expectOp(")");
    }
  }
  let rows: InsertRows;
  if (p.acceptWord("values") || p.acceptWord("value")) {
    rows = { kind: "Values", rows: parseValuesRows(p) };
    if (p.isWord("as")) throw p.error(p.peek(), "row aliases in INSERT are not supported");
  } else if (p.acceptWord("set")) {
    if (columns.length > 0) throw p.error();
    const assignments = parseAssignments(p);
    columns = assignments.map((a) => a.column.name);
    rows = { kind: "Values", rows: [assignments.map((a) => a.expr)] };
  } else if (isQueryStart(p)) {
    rows = { kind: "Query", query: parseQueryExpr(p) };
  } else {
    throw p.error();
  }
  const onDuplicate = p.acceptWords("on", "duplicate", "key", "update") ? parseAssignments(p) : [];
  return {
    kind: "Insert",
    action,
    comments,
    priority,
    ignore,
    table,
    partitions,
    columns,
    rows,
    onDuplicate,
  };
}

function parseValuesRows(p: Cursor): Expr[][] {
  const rows: Expr[][] = [];
  do {
    p.expectOp("(");
    const row: Expr[] = [];
    if (!p.acceptOp(")")) {
      row.push(parseExpr(p));
      while (p.acceptOp(",")) row.push(parseExpr(p));
      p.expectOp(")");
    }
    rows.push(row);
  } while (p.acceptOp(","));
  return rows;
}

/** `col = expr, ...` (`t.col` allowed). */
export function parseAssignments(p: Cursor): UpdateExpr[] {
  const list: UpdateExpr[] = [];
  do {
    const column = parseColumnName(p);
    if (!p.acceptOp("=") && !p.acceptOp(":=")) throw p.error();
    list.push({ column, expr: parseExpr(p) });
  } while (p.acceptOp(","));
  return list;
}

function parseColumnName(p: Cursor): Column {
  const first = p.ident();
  if (!p.acceptOp(".")) return { kind: "Column", name: first, table: undefined };
  const second = p.identAfterDot();
  if (!p.acceptOp(".")) return { kind: "Column", name: second, table: { name: first, qualifier: undefined } };
  return { kind: "Column", name: p.identAfterDot(), table: { name: second, qualifier: first } };
}

export function parseUpdate(p: Cursor): Update {
  p.expectWord("update");
  const comments = p.comments();
  const lowPriority = p.acceptWord("low_priority");
  const ignore = p.acceptWord("ignore");
  const tables = parseTableRefs(p);
  p.expectWord("set");
  const set = parseAssignments(p);
  const where = p.acceptWord("where") ? parseExpr(p) : undefined;
  const orderBy = p.acceptWords("order", "by") ? parseOrderByList(p) : [];
  const limit = p.acceptWord("limit") ? parseLimit(p) : undefined;
  return { kind: "Update", comments, lowPriority, ignore, tables, set, where, orderBy, limit };
}

/** `t`, `t.*`, `ks.t.*` in a multi-table DELETE's target list. */
function parseDeleteTarget(p: Cursor): TableName {
  const first = p.ident();
  if (!p.isOp(".")) return { name: first, qualifier: undefined };
  p.next();
  if (p.acceptOp("*")) return { name: first, qualifier: undefined };
  const name = p.identAfterDot();
  if (p.isOp(".") && p.peekAt(1).text === "*") {
    p.next();
    p.next();
  }
  return { name, qualifier: first };
}

export function parseDelete(p: Cursor): Delete {
  p.expectWord("delete");
  const comments = p.comments();
  const lowPriority = p.acceptWord("low_priority");
  const quick = p.acceptWord("quick");
  const ignore = p.acceptWord("ignore");
  let targets: TableName[] = [];
  let from: TableExpr[];
  let partitions: string[] | undefined;
  let single = false;
  if (p.acceptWord("from")) {
    const start = p.pos;
    parseDeleteTarget(p);
    const multi = p.isOp(",") || p.isWord("using") || p.tokenAt(p.pos - 1).text === "*";
    p.pos = start;
    if (multi) {
      // delete from a, b using <table refs>
      targets = [parseDeleteTarget(p)];
      while (p.acceptOp(",")) targets.push(parseDeleteTarget(p));
      p.expectWord("using");
      from = parseTableRefs(p);
    } else {
      const name = p.tableName();
      let alias: string | undefined;
      if (p.acceptWord("as")) alias = p.ident();
      else if (p.isIdent()) alias = p.ident();
      partitions = p.acceptWord("partition") ? p.identList() : undefined;
      from = [{ kind: "Table", name, alias, partitions: undefined, hints: undefined }];
      single = true;
    }
  } else {
    // delete a, b from <table refs>
    targets = [parseDeleteTarget(p)];
    while (p.acceptOp(",")) targets.push(parseDeleteTarget(p));
    p.expectWord("from");
    from = parseTableRefs(p);
  }
  const where = p.acceptWord("where") ? parseExpr(p) : undefined;
  // ORDER BY and LIMIT only exist for single-table deletes.
  const orderBy = single && p.acceptWords("order", "by") ? parseOrderByList(p) : [];
  const limit = single && p.acceptWord("limit") ? parseLimit(p) : undefined;
  return {
    kind: "Delete",
    comments,
    lowPriority,
    quick,
    ignore,
    targets,
    from,
    partitions,
    where,
    orderBy,
    limit,
  };
}
