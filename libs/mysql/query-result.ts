import {
  type Field,
  ExecuteOptions_IncludedFields as IncludedFields,
  MySqlFlag,
  type QueryResult,
  type Row,
  Type,
} from "../proto/query.js";
import { isNumericColumnType, mysqlToType } from "./mysql-types.js";

export { ExecuteOptions_IncludedFields as IncludedFields } from "../proto/query.js";

/** One value as MySQL sent it in the text protocol: its exact bytes, or null for NULL. */
export type RawValue = Buffer | null;
export type RawRow = RawValue[];

/**
 * The column metadata the driver parsed (mysql2's ColumnDefinition has these fields); only what the
 * conversion reads, so tests and other drivers can supply it.
 */
export interface ColumnDefinition {
  name: string;
  columnType: number;
  flags: number;
  characterSet: number;
  columnLength: number;
  decimals: number;
  table: string;
  orgTable: string;
  schema: string;
  orgName: string;
  extendedFormat?: string;
}

const EMPTY = Buffer.alloc(0);

export function emptyQueryResult(): QueryResult {
  return {
    fields: [],
    rowsAffected: 0,
    insertId: "0",
    rows: [],
    info: "",
    sessionStateChanges: "",
    insertIdChanged: false,
  };
}

/** A `query.Field` for a result column; `included` says how much metadata the caller asked for. */
export function fieldOf(column: ColumnDefinition, included: IncludedFields = IncludedFields.ALL): Field {
  const type = fieldType(column);
  const field: Field = {
    name: "",
    type,
    table: "",
    orgTable: "",
    database: "",
    orgName: "",
    columnLength: 0,
    charset: 0,
    decimals: 0,
    flags: 0,
    columnType: "",
  };
  if (included === IncludedFields.TYPE_ONLY) return field;
  field.name = column.name;
  if (included !== IncludedFields.ALL) return field;
  field.table = column.table;
  field.orgTable = column.orgTable;
  field.database = column.schema;
  field.orgName = column.orgName;
  field.columnLength = column.columnLength >>> 0;
  field.charset = column.characterSet;
  field.decimals = column.decimals;
  field.flags = (column.flags | (isNumericColumnType(column.columnType) ? MySqlFlag.NUM_FLAG : 0)) & 0xffff;
  return field;
}

/** The column's query.Type; a type code Vitess has no type for travels as VARBINARY. */
function fieldType(column: ColumnDefinition): Type {
  const type = mysqlToType(column.columnType, column.flags, column.characterSet, column.extendedFormat);
  return type === Type.UNRECOGNIZED ? Type.VARBINARY : type;
}

export function fieldsOf(
  columns: readonly ColumnDefinition[],
  included: IncludedFields = IncludedFields.ALL,
): Field[] {
  const fields = new Array<Field>(columns.length);
  for (let i = 0; i < columns.length; i++) fields[i] = fieldOf(columns[i] as ColumnDefinition, included);
  return fields;
}

/**
 * Accumulates rows and packs them into `query.Row`s: lengths (-1 for NULL) plus the values concatenated.
 * All rows taken together share one buffer (one copy per batch, not per row or per value); each Row's
 * `values` is a view of it.
 */
export class RowPacker {
  private parts: Buffer[] = [];
  private lengths: number[][] = [];
  private bytes = 0;

  add(values: readonly RawValue[]): void {
    const n = values.length;
    const lengths = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const value = values[i];
      if (value === null || value === undefined) {
        lengths[i] = -1;
      } else {
        lengths[i] = value.length;
        if (value.length > 0) {
          this.parts.push(value);
          this.bytes += value.length;
        }
      }
    }
    this.lengths.push(lengths);
  }

  get rowCount(): number {
    return this.lengths.length;
  }

  /** Bytes of values held so far (what a streaming chunk is sized by). */
  get byteSize(): number {
    return this.bytes;
  }

  /** The packed rows added since the last take, in order; the packer is empty afterwards. */
  take(): Row[] {
    const all = this.bytes === 0 ? EMPTY : Buffer.concat(this.parts, this.bytes);
    const rows = new Array<Row>(this.lengths.length);
    let offset = 0;
    for (let r = 0; r < this.lengths.length; r++) {
      const lengths = this.lengths[r] as number[];
      let size = 0;
      for (let i = 0; i < lengths.length; i++) {
        const length = lengths[i] as number;
        if (length > 0) size += length;
      }
      rows[r] = { lengths, values: all.subarray(offset, offset + size) };
      offset += size;
    }
    this.parts = [];
    this.lengths = [];
    this.bytes = 0;
    return rows;
  }
}

/** Packs rows of raw values into `query.Row`s sharing one buffer. */
export function packRows(rows: readonly (readonly RawValue[])[]): Row[] {
  const packer = new RowPacker();
  for (const row of rows) packer.add(row);
  return packer.take();
}

/** The values of one packed row: views of its buffer (no copy), null for NULL. */
export function unpackRow(row: Row): RawRow {
  const values = new Array<RawValue>(row.lengths.length);
  let offset = 0;
  for (let i = 0; i < row.lengths.length; i++) {
    const length = row.lengths[i] as number;
    if (length < 0) {
      values[i] = null;
    } else {
      values[i] = row.values.subarray(offset, offset + length);
      offset += length;
    }
  }
  return values;
}

/** Every row of a result as raw values (Buffer or null). */
export function rowsOf(result: QueryResult): RawRow[] {
  return result.rows.map(unpackRow);
}

/** Rows as strings (utf8), null for NULL: for tests, logs and admin output, not for the data path. */
export function rowsAsStrings(result: QueryResult): (string | null)[][] {
  return result.rows.map((row) => unpackRow(row).map((value) => (value === null ? null : value.toString())));
}
