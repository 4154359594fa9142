import { packRows, type RawRow, rowsOf } from "../../../libs/mysql/query-result.js";
import type { Field, QueryResult } from "../../../libs/proto/query.js";

/** A result's rows unpacked, for the operators that merge shard results at vtgate. */
export interface Rows {
  readonly fields: Field[];
  readonly rows: RawRow[];
}

export function unpack(result: QueryResult): Rows {
  return { fields: result.fields, rows: rowsOf(result) };
}

export function repack(base: QueryResult, fields: Field[], rows: readonly RawRow[]): QueryResult {
  return { ...base, fields, rows: packRows(rows), rowsAffected: 0 };
}

/** The index of a column by its result name (`select *` columns named in ORDER BY). */
export function columnIndex(fields: readonly Field[], ref: number | string): number {
  if (typeof ref === "number") return ref;
  const lower = ref.toLowerCase();
  const i = fields.findIndex((f) => f.name.toLowerCase() === lower);
  if (i < 0) throw new Error(`column ${ref} is not in the result`);
  return i;
}
