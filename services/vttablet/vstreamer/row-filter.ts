import { type KeyspaceId, keyRangeContains } from "../../../libs/key/index.js";
import { Flag, type Row, Type } from "../../../libs/proto/query.js";
import { compareHolds } from "../../../libs/sqlparser/index.js";
import { NULL_VALUE, type SingleColumn, type SqlValue } from "../../../libs/vindexes/index.js";
import { failedPrecondition } from "../../../libs/vterrors/index.js";
import type { FilterLiteral, RowCondition, TablePlan } from "./plan-builder.js";

/** A row as the binlog decoder and the row streamer produce it (query.Row's shape). */
export interface RowValues {
  readonly lengths: readonly number[];
  readonly values: Buffer;
}

/** Column start offsets of the row being filtered: one scratch array, reused (filtering is synchronous). */
let offsets = new Int32Array(64);

function computeOffsets(row: RowValues): Int32Array {
  const n = row.lengths.length;
  if (offsets.length < n) offsets = new Int32Array(Math.max(n, offsets.length * 2));
  let offset = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = offset;
    const length = row.lengths[i]!;
    if (length > 0) offset += length;
  }
  return offsets;
}

function valueAt(row: RowValues, starts: Int32Array, column: number): Buffer | null {
  const length = row.lengths[column] ?? -1;
  if (length < 0) return null;
  const start = starts[column]!;
  return row.values.subarray(start, start + length);
}

function isNumeric(type: Type): boolean {
  return (type & (Flag.ISINTEGRAL | Flag.ISFLOAT)) !== 0 || type === Type.DECIMAL;
}

/** Compares a column value with a literal: numbers as numbers (MySQL's conversion), strings as bytes. */
function compareWith(type: Type, value: Buffer, literal: FilterLiteral): number {
  if (literal.kind === "int") {
    if ((type & Flag.ISINTEGRAL) !== 0 && type !== Type.YEAR) {
      const n = BigInt(value.toString("latin1"));
      return n < literal.value ? -1 : n > literal.value ? 1 : 0;
    }
    const n = Number.parseFloat(value.toString("latin1")) || 0;
    const l = Number(literal.value);
    return n < l ? -1 : n > l ? 1 : 0;
  }
  if (isNumeric(type)) {
    const n = Number.parseFloat(value.toString("latin1")) || 0;
    const l = Number.parseFloat(literal.bytes.toString("latin1")) || 0;
    return n < l ? -1 : n > l ? 1 : 0;
  }
  return Buffer.compare(value, literal.bytes);
}

function keyspaceIdOf(
  plan: TablePlan,
  vindex: SingleColumn,
  column: number,
  value: Buffer | null,
): KeyspaceId {
  const field = plan.table.fields[column]!;
  const input: SqlValue = value === null ? NULL_VALUE : { type: field.type, value };
  const destination = vindex.map([input])[0];
  if (destination?.kind !== "keyspaceId" || destination.id.length === 0) {
    const shown = value === null ? "NULL" : JSON.stringify(value.toString("utf8"));
    throw failedPrecondition(
      `could not map ${shown} of ${plan.table.name}.${field.name} to a keyspace id with vindex ${vindex.name} (${vindex.type})`,
    );
  }
  return destination.id;
}

function matches(plan: TablePlan, condition: RowCondition, row: RowValues, starts: Int32Array): boolean {
  const value = valueAt(row, starts, condition.column);
  switch (condition.kind) {
    case "keyRange":
      return keyRangeContains(
        condition.keyRange,
        keyspaceIdOf(plan, condition.vindex, condition.column, value),
      );
    case "notNull":
      return value !== null;
    case "compare": {
      if (value === null) return false;
      return compareHolds(
        condition.op,
        compareWith(plan.table.fields[condition.column]!.type, value, condition.value),
      );
    }
    case "in": {
      if (value === null) return false;
      const type = plan.table.fields[condition.column]!.type;
      for (const literal of condition.values) if (compareWith(type, value, literal) === 0) return true;
      return false;
    }
  }
}

/**
 * Applies a plan to one row (Vitess's Plan.filter): undefined when a condition rejects it, else the row with
 * the plan's columns in the plan's order. A pass-through plan returns the row itself (no copy); otherwise
 * the values are copied into one new buffer. Throws FAILED_PRECONDITION when a vindex cannot map a value.
 */
export function filterRow(plan: TablePlan, row: RowValues): Row | undefined {
  if (plan.passThrough) return row as Row;
  const starts = computeOffsets(row);
  for (const condition of plan.conditions) {
    if (!matches(plan, condition, row, starts)) return undefined;
  }
  const columns = plan.columns;
  const lengths = new Array<number>(columns.length);
  const parts = new Array<Uint8Array | null>(columns.length);
  let total = 0;
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    let value: Uint8Array | null;
    switch (column.kind) {
      case "column":
        value = valueAt(row, starts, column.column);
        break;
      case "keyspaceId":
        value = keyspaceIdOf(plan, column.vindex, column.column, valueAt(row, starts, column.column));
        break;
      case "fixed":
        value = column.value;
        break;
    }
    parts[i] = value;
    lengths[i] = value === null ? -1 : value.length;
    if (value !== null) total += value.length;
  }
  const values = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const part of parts) {
    if (part === null || part.length === 0) continue;
    values.set(part, offset);
    offset += part.length;
  }
  return { lengths, values };
}

/** The columns of a row picked by index (for primary-key values), as a new row. */
export function pickColumns(row: RowValues, columns: readonly number[]): Row {
  const starts = computeOffsets(row);
  const lengths = new Array<number>(columns.length);
  let total = 0;
  for (let i = 0; i < columns.length; i++) {
    const length = row.lengths[columns[i]!] ?? -1;
    lengths[i] = length;
    if (length > 0) total += length;
  }
  const values = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const column of columns) {
    const value = valueAt(row, starts, column);
    if (value === null || value.length === 0) continue;
    value.copy(values, offset);
    offset += value.length;
  }
  return { lengths, values };
}
