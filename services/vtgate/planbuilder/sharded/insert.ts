import { type Expr, formatExpr, formatIdent, type Insert } from "../../../../libs/sqlparser/index.js";
import { isCursorSingleColumn, isLookup, isSingleColumn } from "../../../../libs/vindexes/index.js";
import type { KeyspaceRef, VSchemaTable } from "../../../../libs/vschema/index.js";
import type { PlanCursor } from "../../engine/cursor.js";
import type { InsertLookup } from "../../engine/insert-lookups.js";
import { InsertSharded, seqVar } from "../../engine/insert-sharded.js";
import type { Primitive } from "../../engine/primitive.js";
import type { RouteValue } from "../../engine/route-values.js";
import type { PlanContext } from "../context.js";
import { unsupported } from "../errors.js";
import { rewriteSql } from "../rewrite.js";
import type { ResolvedTables } from "../route-planner.js";
import { refuseSubqueries, routeValueOf } from "./analysis.js";

function rowValue(e: Expr, column: string): RouteValue | undefined {
  if (e.kind === "Default") return undefined;
  const v = routeValueOf(e);
  if (!v) throw unsupported(`INSERT value ${formatExpr(e)} of vindex column ${column}: only literals route`);
  return v;
}

/**
 * INSERT ... VALUES into a sharded table: the primary vindex column's value per row (or the sequence's),
 * rows split per shard at execution (engine/insert-sharded.ts), lookup vindex rows written first.
 * INSERT ... SELECT is refused.
 */
export function planShardedInsert(
  ctx: PlanContext,
  ins: Insert,
  keyspace: KeyspaceRef,
  _resolved: ResolvedTables,
): Primitive<PlanCursor> {
  const table = ctx.vschema.findRoutedTable(
    ins.table.qualifier ?? keyspace.name,
    ins.table.name,
    ctx.target.tabletType,
  );
  if (!table) throw unsupported(`table ${ins.table.name} is not in the VSchema of ${keyspace.name}`);
  if (ins.rows.kind !== "Values") throw unsupported("INSERT ... SELECT into a sharded table");
  if (ins.columns.length === 0)
    throw unsupported(`INSERT into sharded table ${table.name} without a column list`);
  const primary = table.columnVindexes[0];
  if (!primary) throw unsupported(`table ${table.name} has no primary vindex`);
  if (primary.columns.length !== 1) throw unsupported(`multi-column vindex ${primary.name}`);
  if (ins.action === "replace" && table.owned.length > 0) {
    throw unsupported(`REPLACE into table ${table.name}, which owns lookup vindexes`);
  }
  const vindex = primary.vindex;
  if (!isSingleColumn(vindex) && !isCursorSingleColumn(vindex)) throw unsupported(`vindex ${primary.name}`);
  const vcol = (primary.columns[0] as string).toLowerCase();
  const lower = ins.columns.map((c) => c.toLowerCase());
  for (const u of ins.onDuplicate) {
    if (
      table.columnVindexes.some((cv) =>
        cv.columns.some((c) => c.toLowerCase() === u.column.name.toLowerCase()),
      )
    ) {
      throw unsupported(
        `you cannot UPDATE primary vindex columns; invalid update on vindex: ${primary.name}`,
      );
    }
  }
  refuseSubqueries([...ins.rows.rows.flat(), ...ins.onDuplicate.map((u) => u.expr)], keyspace.name);
  const auto = table.autoIncrement;
  const autoCol = auto?.column.toLowerCase();
  const columns = [...ins.columns];
  let autoIndex = autoCol === undefined ? -1 : lower.indexOf(autoCol);
  if (autoCol !== undefined && autoIndex < 0) {
    columns.push(auto!.column);
    autoIndex = columns.length - 1;
  }
  const vindexIndex = columns.findIndex((c) => c.toLowerCase() === vcol);
  if (vindexIndex < 0) throw unsupported(`INSERT into ${table.name} without its vindex column ${vcol}`);
  const rows: string[] = [];
  const vindexValues: (RouteValue | undefined)[] = [];
  const autoValues: (RouteValue | undefined)[] = [];
  ins.rows.rows.forEach((row, i) => {
    if (row.length !== ins.columns.length) {
      throw unsupported(`INSERT row ${i + 1} has ${row.length} values for ${ins.columns.length} columns`);
    }
    const exprs = row.map((e) => formatExpr(e));
    if (autoIndex >= 0) {
      const given = row[autoIndex];
      autoValues.push(given === undefined ? undefined : rowValue(given, auto!.column));
      exprs[autoIndex] = `:${seqVar(i)}`;
    }
    if (vindexIndex === autoIndex) vindexValues.push(undefined);
    else {
      const v = rowValue(row[vindexIndex] as Expr, vcol);
      if (!v) throw unsupported(`DEFAULT as the value of vindex column ${vcol}`);
      vindexValues.push(v);
    }
    rows.push(`(${exprs.join(", ")})`);
  });
  const lookups = insertLookups(table, lower, ins.rows.rows);
  const verb = ins.action === "replace" ? "replace" : `insert${ins.ignore ? " ignore" : ""}`;
  const prefix = `${verb} into ${formatIdent(table.name)}(${columns.map((c) => formatIdent(c)).join(", ")}) values `;
  const suffix =
    ins.onDuplicate.length > 0
      ? ` on duplicate key update ${ins.onDuplicate.map((u) => `${formatExpr(u.column)} = ${formatExpr(u.expr)}`).join(", ")}`
      : "";
  const rewritten = rewriteSql(prefix + rows.join(", ") + suffix, { sessionValues: true });
  return new InsertSharded({
    keyspace: keyspace.name,
    table: table.name,
    prefix,
    rows,
    suffix,
    vindex,
    vindexColumn: vcol,
    vindexValues,
    ...(auto
      ? {
          autoIncrement: {
            column: auto.column,
            values: autoValues,
            sequenceKeyspace: auto.sequence.keyspace.name,
            sequenceTable: auto.sequence.name,
          },
        }
      : {}),
    sessionBindVars: rewritten.sessionBindVars,
    ...(lookups.length > 0 ? { lookups, ignoreMode: ins.ignore || ins.onDuplicate.length > 0 } : {}),
  });
}

/**
 * The lookup vindexes of the table with their values per row: a column the INSERT leaves out is NULL
 * (then `ignore_nulls` decides), as in Vitess.
 */
function insertLookups(
  table: VSchemaTable,
  columns: readonly string[],
  rows: readonly (readonly Expr[])[],
): InsertLookup[] {
  return table.columnVindexes.slice(1).flatMap((cv): InsertLookup[] => {
    const vindex = cv.vindex;
    if (!isLookup(vindex)) return [];
    if (!isCursorSingleColumn(vindex) || cv.columns.length !== 1) {
      throw unsupported(`INSERT into ${table.name}: multi-column lookup vindex ${cv.name}`);
    }
    const at = cv.columns.map((c) => columns.indexOf(c.toLowerCase()));
    const values = rows.map((row) =>
      at.map((i, c) => {
        const e = i < 0 ? undefined : row[i];
        if (e?.kind === "Default") {
          throw unsupported(`DEFAULT as the value of lookup vindex column ${cv.columns[c]}`);
        }
        return e === undefined ? undefined : rowValue(e, cv.columns[c] as string);
      }),
    );
    return [{ vindex, columns: cv.columns, owned: cv.owned, values }];
  });
}
