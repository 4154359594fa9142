import type { RawRow, RawValue } from "../../../libs/mysql/query-result.js";
import { type Field, Flag, Type } from "../../../libs/proto/query.js";

/**
 * Key order as MySQL's ORDER BY gives it, so the source and target rows (each read in primary-key order) can be
 * merged: integers as integers, decimals and floats as numbers, binary strings and `_bin` collations byte by
 * byte, other text as a case- and accent-insensitive `_ci` collation compares it (PAD SPACE: trailing spaces do
 * not count). Dates and times are fixed-width text and compare as bytes. NULL first.
 *
 * Two keys equal under a `_ci` collation but with other bytes ("abc"/"ABC") are the same row for MySQL: the
 * row is compared, and its different bytes make it a mismatch.
 */

/** Collation ids that order by bytes: binary and the common `_bin` collations (MySQL and MariaDB). */
const BYTE_ORDER_COLLATIONS = new Set([63, 46, 47, 65, 83, 84, 1070, 1107]);

export type KeyComparator = (a: RawRow, b: RawRow) => number;
type ValueComparator = (a: Buffer, b: Buffer) => number;

function sign(x: number): number {
  return x < 0 ? -1 : x > 0 ? 1 : 0;
}

const MINUS = 0x2d;

/**
 * Integers as MySQL writes them (no sign but "-", no leading zeros, or zero-filled to one width): the longer
 * magnitude is the larger, equal lengths compare digit by digit. No parsing on the hot path.
 */
function compareIntegers(a: Buffer, b: Buffer): number {
  const negA = a[0] === MINUS;
  const negB = b[0] === MINUS;
  if (negA !== negB) return negA ? -1 : 1;
  const c = a.length === b.length ? Buffer.compare(a, b) : a.length < b.length ? -1 : 1;
  return negA ? -c : c;
}

/** Decimals exactly: sign, then integer digits, then fraction digits (MySQL returns them without exponents). */
function compareDecimals(a: Buffer, b: Buffer): number {
  const x = a.toString("latin1");
  const y = b.toString("latin1");
  const negX = x.startsWith("-");
  const negY = y.startsWith("-");
  if (negX !== negY) return negX ? -1 : 1;
  const [intX = "", fracX = ""] = x.replace(/^[-+]/, "").split(".");
  const [intY = "", fracY = ""] = y.replace(/^[-+]/, "").split(".");
  const ix = intX.replace(/^0+/, "");
  const iy = intY.replace(/^0+/, "");
  let c = sign(ix.length - iy.length);
  if (c === 0) c = ix < iy ? -1 : ix > iy ? 1 : 0;
  if (c === 0) {
    const width = Math.max(fracX.length, fracY.length);
    const fx = fracX.padEnd(width, "0");
    const fy = fracY.padEnd(width, "0");
    c = fx < fy ? -1 : fx > fy ? 1 : 0;
  }
  return negX ? -c : c;
}

function compareFloats(a: Buffer, b: Buffer): number {
  return sign(Number(a.toString("latin1")) - Number(b.toString("latin1")));
}

/** The weight string of a `_ci` collation, approximately: accents stripped, upper case, no trailing spaces. */
export function ciWeight(value: Buffer): string {
  return value
    .toString("utf8")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/ +$/, "");
}

function compareCi(a: Buffer, b: Buffer): number {
  const x = ciWeight(a);
  const y = ciWeight(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** How values of `field` order in MySQL. */
export function valueComparator(field: Pick<Field, "type" | "charset">): ValueComparator {
  const type = field.type;
  if ((type & Flag.ISINTEGRAL) !== 0) return compareIntegers;
  if (type === Type.DECIMAL) return compareDecimals;
  if ((type & Flag.ISFLOAT) !== 0) return compareFloats;
  if ((type & Flag.ISTEXT) !== 0 && !BYTE_ORDER_COLLATIONS.has(field.charset)) return compareCi;
  return Buffer.compare;
}

/** Compares rows by the columns at `positions` (the key), each in its field's MySQL order. */
export function keyComparator(
  fields: readonly Pick<Field, "type" | "charset">[],
  positions: readonly number[],
): KeyComparator {
  const comparators = positions.map((position) => {
    const field = fields[position];
    if (field === undefined)
      throw new Error(`key column ${position} is not among the ${fields.length} fields`);
    return valueComparator(field);
  });
  return (a, b) => {
    for (let i = 0; i < positions.length; i++) {
      const position = positions[i] as number;
      const c = compareNullable(a[position] ?? null, b[position] ?? null, comparators[i] as ValueComparator);
      if (c !== 0) return c;
    }
    return 0;
  };
}

function compareNullable(a: RawValue, b: RawValue, compare: ValueComparator): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compare(a, b);
}

/** Whether two rows hold the same bytes in every column (NULL equals only NULL). */
export function rowsEqual(a: RawRow, b: RawRow): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === null || y === null) {
      if (x !== y) return false;
    } else if (!x.equals(y)) {
      return false;
    }
  }
  return true;
}
