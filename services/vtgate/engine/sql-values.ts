import type { RawValue } from "../../../libs/mysql/query-result.js";
import { type Field, Type } from "../../../libs/proto/query.js";

/**
 * Comparing and adding up the values of shard results at vtgate (ORDER BY merges, MIN/MAX, SUM, GROUP BY
 * keys). Numbers compare as numbers (decimals exactly), text case-insensitively as MySQL's default
 * `_ci` collations do for ASCII, everything else byte by byte. NULL sorts first, as in MySQL.
 */

const INTEGRAL = 0x100;
const FLOAT = 0x400;
const TEXT = 0x1000;

export function isNumericType(type: Type): boolean {
  return (type & INTEGRAL) !== 0 || (type & FLOAT) !== 0 || type === Type.DECIMAL;
}

export function isFloatType(type: Type): boolean {
  return (type & FLOAT) !== 0;
}

/** A decimal as an integer and a scale: 12.50 -> {digits: 1250n, scale: 2}. */
export interface Decimal {
  readonly digits: bigint;
  readonly scale: number;
}

export function parseDecimal(text: string): Decimal {
  const t = text.trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
  if (!m) return { digits: 0n, scale: 0 };
  const frac = m[3] ?? "";
  let digits = BigInt(`${m[2] || "0"}${frac}`) * (m[1] === "-" ? -1n : 1n);
  let scale = frac.length;
  const exp = m[4] ? Number(m[4]) : 0;
  if (exp > 0) {
    if (exp >= scale) {
      digits *= 10n ** BigInt(exp - scale);
      scale = 0;
    } else scale -= exp;
  } else if (exp < 0) scale -= exp;
  return { digits, scale };
}

function rescale(d: Decimal, scale: number): bigint {
  return d.digits * 10n ** BigInt(scale - d.scale);
}

export function addDecimals(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { digits: rescale(a, scale) + rescale(b, scale), scale };
}

export function compareDecimals(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a / n rounded half away from zero to `scale` digits (MySQL's AVG of decimals: scale + 4). */
export function divideDecimal(a: Decimal, n: bigint, scale: number): Decimal {
  const shift = scale + 1 - a.scale;
  const num = shift >= 0 ? a.digits * 10n ** BigInt(shift) : a.digits / 10n ** BigInt(-shift);
  const q = num / n;
  const neg = q < 0n;
  const rounded = ((neg ? -q : q) + 5n) / 10n;
  return { digits: neg ? -rounded : rounded, scale };
}

export function formatDecimal(d: Decimal): string {
  const neg = d.digits < 0n;
  let s = (neg ? -d.digits : d.digits).toString();
  if (d.scale > 0) {
    s = s.padStart(d.scale + 1, "0");
    s = `${s.slice(0, s.length - d.scale)}.${s.slice(s.length - d.scale)}`;
  }
  return neg ? `-${s}` : s;
}

/** Folds text as a case-insensitive collation compares it (ASCII case and common accents). */
export function foldText(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/\s+$/, "");
}

export function compareValues(a: RawValue, b: RawValue, field: Field | undefined): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : -1) : 1;
  const type = field?.type ?? Type.VARBINARY;
  if (isNumericType(type)) {
    if (isFloatType(type)) {
      const x = Number(a.toString());
      const y = Number(b.toString());
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return compareDecimals(parseDecimal(a.toString()), parseDecimal(b.toString()));
  }
  if ((type & TEXT) !== 0 && field?.charset !== 63) {
    const x = foldText(a.toString("utf8"));
    const y = foldText(b.toString("utf8"));
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return Buffer.compare(a, b);
}

/** A key equal for values that compare equal (GROUP BY, DISTINCT). */
export function valueKey(v: RawValue, field: Field | undefined): string {
  if (v === null) return "\u0000N";
  const type = field?.type ?? Type.VARBINARY;
  if (isNumericType(type) && !isFloatType(type)) {
    const d = parseDecimal(v.toString());
    let digits = d.digits;
    let scale = d.scale;
    while (scale > 0 && digits % 10n === 0n) {
      digits /= 10n;
      scale--;
    }
    return `n${digits}e${scale}`;
  }
  if ((type & TEXT) !== 0 && field?.charset !== 63) return `t${foldText(v.toString("utf8"))}`;
  return `b${v.toString("hex")}`;
}
