import { isUtf8 } from "node:buffer";
import { encodeSqlValue } from "../../../libs/mysql/sql-literal.js";
import { type Field, Flag, type Row, Type } from "../../../libs/proto/query.js";

/**
 * The copy's hot path: the VALUES of a multi-row INSERT written straight from the packed rows of VStreamRows
 * (MySQL's text bytes) into one buffer, without a string per value. The SQL is the same, byte for byte, as
 * `valuesList` of the unpacked rows (encodeSqlValue's rules); types without a fast path go through
 * encodeSqlValue itself.
 */

enum Encoding {
  /** Signed integer: checked to be `-?[0-9]+`, written as it is. */
  Integer,
  /** Unsigned integer: checked to be `[0-9]+`. */
  Unsigned,
  /** Text: quoted and backslash-escaped when valid UTF-8, else hex. */
  Quoted,
  /** Binary: X'..' hex, every byte exact. */
  Hex,
  /** Anything else: encodeSqlValue's string. */
  General,
}

function encodingOf(type: Type): Encoding {
  switch (type) {
    case Type.BIT:
    case Type.GEOMETRY:
    case Type.VECTOR:
      return Encoding.Hex;
    case Type.NULL_TYPE:
    case Type.HEXNUM:
    case Type.HEXVAL:
    case Type.BITNUM:
    case Type.DECIMAL:
    case Type.RAW:
    case Type.TUPLE:
    case Type.ROW_TUPLE:
    case Type.EXPRESSION:
      return Encoding.General;
    default:
      break;
  }
  if ((type & Flag.ISINTEGRAL) !== 0)
    return (type & Flag.ISUNSIGNED) !== 0 ? Encoding.Unsigned : Encoding.Integer;
  if ((type & Flag.ISFLOAT) !== 0) return Encoding.General;
  if ((type & Flag.ISBINARY) !== 0) return Encoding.Hex;
  if ((type & Flag.ISQUOTED) !== 0) return Encoding.Quoted;
  return Encoding.General;
}

/** For each byte: the letter after the backslash MySQL's escaping writes for it, 0 when it needs none. */
const ESCAPED = new Uint8Array(256);
for (const [byte, letter] of [
  [0x00, "0"],
  [0x0a, "n"],
  [0x0d, "r"],
  [0x08, "b"],
  [0x09, "t"],
  [0x1a, "Z"],
  [0x5c, "\\"],
  [0x27, "'"],
  [0x22, '"'],
] as const)
  ESCAPED[byte] = letter.charCodeAt(0);

const QUOTE = 0x27;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const SPACE = 0x20;
const OPEN = 0x28;
const CLOSE = 0x29;
const MINUS = 0x2d;
const NULL_SQL = Buffer.from("NULL");

function digitsOnly(values: Buffer, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const c = values[i] as number;
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** A buffer that grows; `text()` is its content so far. */
class SqlBuffer {
  private buffer: Buffer;
  length = 0;
  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }
  reserve(bytes: number): Buffer {
    if (this.length + bytes > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
      this.buffer.copy(bigger, 0, 0, this.length);
      this.buffer = bigger;
    }
    return this.buffer;
  }
  byte(c: number): void {
    this.reserve(1)[this.length++] = c;
  }
  bytes(source: Buffer, start: number, end: number): void {
    const out = this.reserve(end - start);
    source.copy(out, this.length, start, end);
    this.length += end - start;
  }
  text(): string {
    return this.buffer.toString("utf8", 0, this.length);
  }
}

/** Writes the quoted text; false (nothing written) when the bytes are not valid UTF-8. */
function writeQuoted(out: SqlBuffer, values: Buffer, start: number, end: number): boolean {
  const buffer = out.reserve(2 * (end - start) + 2);
  let at = out.length;
  buffer[at++] = QUOTE;
  let from = start;
  let ascii = true;
  for (let i = start; i < end; i++) {
    const c = values[i] as number;
    if (c >= 0x80) ascii = false;
    const letter = ESCAPED[c] as number;
    if (letter === 0) continue;
    values.copy(buffer, at, from, i);
    at += i - from;
    buffer[at++] = BACKSLASH;
    buffer[at++] = letter;
    from = i + 1;
  }
  if (!ascii && !isUtf8(values.subarray(start, end))) return false;
  values.copy(buffer, at, from, end);
  at += end - from;
  buffer[at++] = QUOTE;
  out.length = at;
  return true;
}

function writeHex(out: SqlBuffer, values: Buffer, start: number, end: number): void {
  const buffer = out.reserve(2 * (end - start) + 3);
  buffer[out.length++] = 0x58; // X
  buffer[out.length++] = QUOTE;
  out.length += buffer.write(values.toString("hex", start, end), out.length, "latin1");
  buffer[out.length++] = QUOTE;
}

function writeGeneral(out: SqlBuffer, type: Type, values: Buffer, start: number, end: number): void {
  const sql = Buffer.from(encodeSqlValue(type, values.subarray(start, end)), "utf8");
  out.bytes(sql, 0, sql.length);
}

/** `(v1, v2), (v3, v4)` for packed rows: the same text as `valuesList(fields, rows.map(unpackRow))`. */
export function rowValuesSql(fields: readonly Field[], rows: readonly Row[]): string {
  const encodings = fields.map((field) => encodingOf(field.type));
  let capacity = 0;
  for (const row of rows) capacity += row.values.length + 4 * row.lengths.length + 4;
  const out = new SqlBuffer(Math.ceil(capacity * 1.1) + 64);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Row;
    const values = row.values;
    if (r > 0) {
      out.byte(COMMA);
      out.byte(SPACE);
    }
    out.byte(OPEN);
    let offset = 0;
    for (let i = 0; i < fields.length; i++) {
      if (i > 0) {
        out.byte(COMMA);
        out.byte(SPACE);
      }
      const length = row.lengths[i] ?? -1;
      if (length < 0) {
        out.bytes(NULL_SQL, 0, NULL_SQL.length);
        continue;
      }
      const start = offset;
      const end = offset + length;
      offset = end;
      const type = (fields[i] as Field).type;
      switch (encodings[i]) {
        case Encoding.Integer:
          if (digitsOnly(values, values[start] === MINUS ? start + 1 : start, end))
            out.bytes(values, start, end);
          else writeGeneral(out, type, values, start, end);
          break;
        case Encoding.Unsigned:
          if (digitsOnly(values, start, end)) out.bytes(values, start, end);
          else writeGeneral(out, type, values, start, end);
          break;
        case Encoding.Quoted:
          if (!writeQuoted(out, values, start, end)) writeHex(out, values, start, end);
          break;
        case Encoding.Hex:
          writeHex(out, values, start, end);
          break;
        default:
          writeGeneral(out, type, values, start, end);
      }
    }
    out.byte(CLOSE);
  }
  return out.text();
}
