import { type BindVariable, Flag, Type, type Value } from "../proto/query.js";
import { invalidArgument } from "../vterrors/index.js";

/**
 * The value representation shared by vindexes, the planner and the executor: Vitess's sqltypes.Value,
 * i.e. the protobuf query.Value `{type, value}` where `value` holds the MySQL text form of numbers and the
 * raw bytes of strings. NULL is `{type: NULL_TYPE, value: <empty>}`.
 */
export type SqlValue = Value;

/** The values of a bind variable map, as sent to vttablet. */
export type BindVariables = Record<string, BindVariable>;

const EMPTY = Buffer.alloc(0);

export const NULL_VALUE: SqlValue = Object.freeze({ type: Type.NULL_TYPE, value: EMPTY }) as SqlValue;

export function nullValue(): SqlValue {
  return NULL_VALUE;
}

export function int64Value(value: bigint | number): SqlValue {
  return { type: Type.INT64, value: Buffer.from(BigInt(value).toString(), "latin1") };
}

export function uint64Value(value: bigint | number): SqlValue {
  const big = BigInt(value);
  if (big < 0n) throw invalidArgument(`negative value ${big} is not a valid UINT64`);
  return { type: Type.UINT64, value: Buffer.from(big.toString(), "latin1") };
}

export function float64Value(value: number): SqlValue {
  return { type: Type.FLOAT64, value: Buffer.from(String(value), "latin1") };
}

export function varcharValue(value: string): SqlValue {
  return { type: Type.VARCHAR, value: Buffer.from(value, "utf8") };
}

export function varbinaryValue(value: Uint8Array | string): SqlValue {
  return {
    type: Type.VARBINARY,
    value: typeof value === "string" ? Buffer.from(value, "utf8") : bufferOf(value),
  };
}

/**
 * A SqlValue from a plain JS value: null/undefined → NULL, bigint and integral numbers → INT64 (UINT64 above
 * the int64 range), other numbers → FLOAT64, strings → VARCHAR, bytes → VARBINARY.
 */
export function sqlValue(value: bigint | number | string | Uint8Array | null | undefined): SqlValue {
  if (value === null || value === undefined) return NULL_VALUE;
  if (typeof value === "bigint") {
    return value > 0x7fff_ffff_ffff_ffffn ? uint64Value(value) : int64Value(value);
  }
  if (typeof value === "number") {
    return Number.isSafeInteger(value) ? int64Value(value) : float64Value(value);
  }
  if (typeof value === "string") return varcharValue(value);
  return varbinaryValue(value);
}

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function isNull(value: SqlValue): boolean {
  return value.type === Type.NULL_TYPE;
}

export function isIntegral(value: SqlValue): boolean {
  return (value.type & Flag.ISINTEGRAL) !== 0 && value.type !== Type.NULL_TYPE;
}

export function isSigned(value: SqlValue): boolean {
  return isIntegral(value) && (value.type & Flag.ISUNSIGNED) === 0;
}

export function isUnsigned(value: SqlValue): boolean {
  return isIntegral(value) && (value.type & Flag.ISUNSIGNED) !== 0;
}

/** The value as text (Vitess's ToString): bytes decoded as UTF-8, "NULL"-free: NULL is the empty string. */
export function valueToString(value: SqlValue): string {
  return value.value.toString("utf8");
}

/** How a value is shown in an error message: `'abc'`, or NULL. */
export function describeValue(value: SqlValue): string {
  if (isNull(value)) return "NULL";
  const text =
    value.value.length > 64 ? `${value.value.subarray(0, 64).toString("utf8")}...` : valueToString(value);
  return `'${text}'`;
}

/**
 * The bytes a value stands for (Vitess's ToBytes): hex literals (x'9efa', 0x9efa) are decoded, everything
 * else is its raw bytes.
 */
export function valueBytes(value: SqlValue): Buffer {
  if (value.type === Type.HEXVAL) {
    const text = value.value.toString("latin1");
    return Buffer.from(text.slice(2, -1), "hex");
  }
  if (value.type === Type.HEXNUM) {
    const digits = value.value.toString("latin1").slice(2);
    return Buffer.from(digits.length % 2 === 1 ? `0${digits}` : digits, "hex");
  }
  return value.value;
}

/** Scratch output of parseUint64Words: [high 32 bits, low 32 bits]. */
export const UINT64_WORDS = new Uint32Array(2);

const TWO_32 = 0x1_0000_0000;
const MAX_U64 = 0xffff_ffff_ffff_ffffn;
const MIN_I64 = -0x8000_0000_0000_0000n;

/**
 * Vitess's conversion of a vindex input to an unsigned 64-bit number, written to UINT64_WORDS as two 32-bit
 * halves (no BigInt on the common path). Signed integer types are parsed as int64 and reinterpreted as
 * uint64 when `wrapSigned` (hash: -1 → 0xffffffffffffffff); otherwise a negative number fails. Other types
 * are parsed as decimal integers when they are one ("123"), else fail. Returns false when the value does
 * not convert (NULL, 'abc', 1.5, out of range).
 */
export function parseUint64Words(value: SqlValue, wrapSigned: boolean): boolean {
  const bytes = value.value;
  const length = bytes.length;
  if (length === 0) return false;
  // Fast path: up to 15 decimal digits fit exactly in a double.
  if (length <= 15) {
    let n = 0;
    let i = 0;
    for (; i < length; i++) {
      const c = bytes[i]! - 48;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
    }
    if (i === length) {
      UINT64_WORDS[0] = Math.floor(n / TWO_32);
      UINT64_WORDS[1] = n >>> 0;
      return true;
    }
  }
  return parseUint64Slow(value, wrapSigned);
}

function parseUint64Slow(value: SqlValue, wrapSigned: boolean): boolean {
  if (isNull(value)) return false;
  const text = value.value.toString("latin1");
  if (!/^[+-]?[0-9]+$/.test(text)) return false;
  let big = BigInt(text);
  if (isUnsigned(value)) {
    if (big < 0n || big > MAX_U64) return false;
  } else if (isSigned(value)) {
    if (big < MIN_I64 || big > 0x7fff_ffff_ffff_ffffn) return false;
    if (big < 0n) {
      if (!wrapSigned) return false;
      big = BigInt.asUintN(64, big);
    }
  } else {
    // Best effort, as Vitess: an int64 first (negative fails), then a uint64.
    if (big < 0n || big > MAX_U64) return false;
  }
  UINT64_WORDS[0] = Number(big >> 32n);
  UINT64_WORDS[1] = Number(big & 0xffff_ffffn);
  return true;
}

/** The unsigned 64-bit number of a value, as parseUint64Words, or undefined. */
export function toUint64(value: SqlValue, wrapSigned = false): bigint | undefined {
  if (!parseUint64Words(value, wrapSigned)) return undefined;
  return (BigInt(UINT64_WORDS[0]!) << 32n) | BigInt(UINT64_WORDS[1]!);
}

/** A bind variable holding one value. */
export function valueBindVariable(value: SqlValue): BindVariable {
  return { type: value.type, value: value.value, values: [] };
}

/** A bind variable holding raw bytes (VARBINARY), as Vitess's BytesBindVariable. */
export function bytesBindVariable(bytes: Uint8Array): BindVariable {
  return { type: Type.VARBINARY, value: bufferOf(bytes), values: [] };
}

/** A TUPLE bind variable for `in ::name`. */
export function tupleBindVariable(values: readonly SqlValue[]): BindVariable {
  return { type: Type.TUPLE, value: EMPTY, values: values.map((v) => ({ type: v.type, value: v.value })) };
}

/** NULL-safe equality (Vitess's NullsafeCompare == 0 for the types vindexes see): integers by value. */
export function valuesEqual(a: SqlValue, b: SqlValue): boolean {
  if (isNull(a) || isNull(b)) return isNull(a) && isNull(b);
  if (isIntegral(a) && isIntegral(b)) {
    return BigInt(a.value.toString("latin1")) === BigInt(b.value.toString("latin1"));
  }
  return a.value.equals(b.value);
}
