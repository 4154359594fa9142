import { isUtf8 } from "node:buffer";
import { packRows, type RawRow, type RawValue } from "../../../libs/mysql/query-result.js";
import { Field, Flag, QueryResult, Type, typeFromJSON, typeToJSON } from "../../../libs/proto/query.js";
import { invalidArgument } from "../../../libs/vterrors/index.js";

/** The last key copied of a table: the key fields (name and type) and their values. */
export interface LastPk {
  readonly fields: readonly Pick<Field, "name" | "type">[];
  readonly values: readonly RawValue[];
}

/** A table's place in the copy: not started yet (`null`), or copied up to `lastpk`. Absent: fully copied. */
export type TableCopyState = LastPk | null;

type StoredValue = string | { hex: string } | null;

/** The text of `_vt.copy_state.lastpk`: JSON of the key fields and values (hex when not UTF-8). */
export function encodeLastPk(lastpk: LastPk): string {
  const values: StoredValue[] = lastpk.values.map((value) => {
    if (value === null) return null;
    return isUtf8(value) ? value.toString("utf8") : { hex: value.toString("hex") };
  });
  return JSON.stringify({
    fields: lastpk.fields.map((field) => ({ name: field.name, type: typeToJSON(field.type) })),
    values,
  });
}

export function decodeLastPk(text: string): LastPk {
  let parsed: { fields?: { name: string; type: string }[]; values?: StoredValue[] };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw invalidArgument(`invalid copy_state lastpk: ${text}`);
  }
  const fields = (parsed.fields ?? []).map((field) => ({ name: field.name, type: typeFromJSON(field.type) }));
  const values = (parsed.values ?? []).map((value): RawValue => {
    if (value === null) return null;
    return typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value.hex, "hex");
  });
  return { fields, values };
}

/** The lastpk of a VStreamRows request. */
export function lastPkQueryResult(lastpk: LastPk): QueryResult {
  return QueryResult.fromPartial({
    fields: lastpk.fields.map((field) => Field.fromPartial({ name: field.name, type: field.type })),
    rows: packRows([lastpk.values]),
  });
}

function compareValues(type: Type, a: Buffer, b: Buffer): number {
  if ((type & Flag.ISINTEGRAL) !== 0) {
    const x = BigInt(a.toString("latin1"));
    const y = BigInt(b.toString("latin1"));
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if ((type & Flag.ISFLOAT) !== 0 || type === Type.DECIMAL) {
    const x = Number(a.toString("latin1"));
    const y = Number(b.toString("latin1"));
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return Buffer.compare(a, b);
}

/** Compares two keys column by column in the key's types (NULL first). */
export function compareKeys(
  fields: readonly Pick<Field, "type">[],
  a: readonly RawValue[],
  b: readonly RawValue[],
): number {
  for (let i = 0; i < fields.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === null || y === null) {
      if (x === y) continue;
      return x === null ? -1 : 1;
    }
    const c = compareValues((fields[i] as Pick<Field, "type">).type, x, y);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * Whether a row of an event (values in the order of `fields`) has been copied already, so a change to it must
 * be applied now (Vitess's vplayer with copyState): every row of a fully copied table, none of a table not
 * started, and in the table being copied the rows whose key is at most lastpk.
 */
export function rowIsCopied(
  state: TableCopyState | undefined,
  fields: readonly Field[],
  row: RawRow,
): boolean {
  if (state === undefined) return true;
  if (state === null) return false;
  const key = state.fields.map((keyField) => {
    const index = fields.findIndex((field) => field.name.toLowerCase() === keyField.name.toLowerCase());
    if (index < 0) throw invalidArgument(`the key column ${keyField.name} is not among the streamed columns`);
    return row[index] ?? null;
  });
  return compareKeys(state.fields, key, state.values) <= 0;
}
