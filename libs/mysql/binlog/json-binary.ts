/**
 * MySQL's binary JSON (the JSON column type, json_binary.cc) to the JSON text MySQL prints for it:
 * `{"a": 1, "b": [true, null]}` with ", " and ": " separators, doubles like my_gcvt with ".0" after an
 * integral value, DECIMAL and dates from their opaque encodings, other opaque values as
 * "base64:typeNN:...". MariaDB stores JSON as LONGTEXT and never needs this.
 */
import { MysqlColumnType } from "../column-type.js";
import { corruptEvent } from "./cursor.js";
import { DECIMAL_TEXT_MAX, writeDecimalValue } from "./decimal.js";
import { formatDouble } from "./number-text.js";

const JsonType = {
  SMALL_OBJECT: 0x00,
  LARGE_OBJECT: 0x01,
  SMALL_ARRAY: 0x02,
  LARGE_ARRAY: 0x03,
  LITERAL: 0x04,
  INT16: 0x05,
  UINT16: 0x06,
  INT32: 0x07,
  UINT32: 0x08,
  INT64: 0x09,
  UINT64: 0x0a,
  DOUBLE: 0x0b,
  STRING: 0x0c,
  OPAQUE: 0x0f,
} as const;

/** Decodes a binary JSON document; an empty value is the JSON null, as MySQL treats it. */
export function jsonBinaryToText(buf: Buffer): string {
  if (buf.length === 0) return "null";
  return value(buf, buf[0]!, 1, buf.length - 1);
}

/** The value of type `type` whose data starts at `offset` (documents are relative to their start). */
function value(buf: Buffer, type: number, offset: number, length: number): string {
  switch (type) {
    case JsonType.SMALL_OBJECT:
    case JsonType.LARGE_OBJECT:
      return container(buf, offset, type === JsonType.LARGE_OBJECT, true);
    case JsonType.SMALL_ARRAY:
    case JsonType.LARGE_ARRAY:
      return container(buf, offset, type === JsonType.LARGE_ARRAY, false);
    case JsonType.LITERAL:
      return literal(buf[offset]!);
    case JsonType.INT16:
      return String(buf.readInt16LE(offset));
    case JsonType.UINT16:
      return String(buf.readUInt16LE(offset));
    case JsonType.INT32:
      return String(buf.readInt32LE(offset));
    case JsonType.UINT32:
      return String(buf.readUInt32LE(offset));
    case JsonType.INT64:
      return buf.readBigInt64LE(offset).toString();
    case JsonType.UINT64:
      return buf.readBigUInt64LE(offset).toString();
    case JsonType.DOUBLE:
      return jsonDouble(buf.readDoubleLE(offset));
    case JsonType.STRING: {
      const [n, start] = varLength(buf, offset);
      return JSON.stringify(buf.toString("utf8", start, start + n));
    }
    case JsonType.OPAQUE:
      return opaque(buf, offset);
    default:
      throw corruptEvent(`unknown JSON value type 0x${type.toString(16)} (length ${length})`);
  }
}

function literal(code: number): string {
  switch (code) {
    case 0:
      return "null";
    case 1:
      return "true";
    case 2:
      return "false";
    default:
      throw corruptEvent(`unknown JSON literal ${code}`);
  }
}

function jsonDouble(d: number): string {
  const text = formatDouble(d);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

function container(buf: Buffer, offset: number, large: boolean, isObject: boolean): string {
  const width = large ? 4 : 2;
  const read = large ? (at: number) => buf.readUInt32LE(at) : (at: number) => buf.readUInt16LE(at);
  const count = read(offset);
  const parts: string[] = new Array(count);
  const keyEntries = offset + 2 * width;
  const valueEntries = keyEntries + (isObject ? count * (width + 2) : 0);
  for (let i = 0; i < count; i++) {
    const entry = valueEntries + i * (1 + width);
    const type = buf[entry]!;
    let text: string;
    if (isInlined(type, large)) {
      text = inlined(buf, type, entry + 1);
    } else {
      text = value(buf, type, offset + read(entry + 1), 0);
    }
    if (isObject) {
      const keyEntry = keyEntries + i * (width + 2);
      const keyOffset = offset + read(keyEntry);
      const keyLength = buf.readUInt16LE(keyEntry + width);
      parts[i] = `${JSON.stringify(buf.toString("utf8", keyOffset, keyOffset + keyLength))}: ${text}`;
    } else {
      parts[i] = text;
    }
  }
  return isObject ? `{${parts.join(", ")}}` : `[${parts.join(", ")}]`;
}

function isInlined(type: number, large: boolean): boolean {
  switch (type) {
    case JsonType.LITERAL:
    case JsonType.INT16:
    case JsonType.UINT16:
      return true;
    case JsonType.INT32:
    case JsonType.UINT32:
      return large;
    default:
      return false;
  }
}

function inlined(buf: Buffer, type: number, at: number): string {
  switch (type) {
    case JsonType.LITERAL:
      return literal(buf[at]!);
    case JsonType.INT16:
      return String(buf.readInt16LE(at));
    case JsonType.UINT16:
      return String(buf.readUInt16LE(at));
    case JsonType.INT32:
      return String(buf.readInt32LE(at));
    default:
      return String(buf.readUInt32LE(at));
  }
}

/** A length in 7-bit groups, least significant first; returns [length, offset after it]. */
function varLength(buf: Buffer, offset: number): [number, number] {
  let length = 0;
  for (let i = 0; i < 5; i++) {
    const byte = buf[offset + i];
    if (byte === undefined) throw corruptEvent("truncated JSON length");
    length += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return [length, offset + i + 1];
  }
  throw corruptEvent("JSON length longer than 5 bytes");
}

function opaque(buf: Buffer, offset: number): string {
  const fieldType = buf[offset]!;
  const [n, start] = varLength(buf, offset + 1);
  const data = buf.subarray(start, start + n);
  switch (fieldType) {
    case MysqlColumnType.NEWDECIMAL: {
      const out = Buffer.allocUnsafe(DECIMAL_TEXT_MAX);
      const end = writeDecimalValue(out, 0, data, 2, data[0]!, data[1]!);
      return out.toString("latin1", 0, end);
    }
    case MysqlColumnType.DATE:
    case MysqlColumnType.DATETIME:
    case MysqlColumnType.TIMESTAMP:
    case MysqlColumnType.TIME:
      return `"${packedTemporal(data.readBigInt64LE(0), fieldType)}"`;
    default:
      return `"base64:type${fieldType}:${data.toString("base64")}"`;
  }
}

const pad = (value: bigint | number, width: number) => String(value).padStart(width, "0");

/** MySQL's packed longlong temporal values (TIME_to_longlong_*_packed), printed with 6 fraction digits. */
function packedTemporal(packed: bigint, fieldType: number): string {
  const negative = packed < 0n;
  const magnitude = negative ? -packed : packed;
  const micros = magnitude % (1n << 24n);
  const intPart = magnitude >> 24n;
  if (fieldType === MysqlColumnType.TIME) {
    const hms = Number(intPart);
    const clock = `${pad((hms >> 12) % 1024, 2)}:${pad((hms >> 6) & 63, 2)}:${pad(hms & 63, 2)}`;
    return `${negative ? "-" : ""}${clock}.${pad(micros, 6)}`;
  }
  const ymd = Number(intPart >> 17n);
  const hms = Number(intPart % (1n << 17n));
  const ym = ymd >> 5;
  const date = `${pad(Math.floor(ym / 13), 4)}-${pad(ym % 13, 2)}-${pad(ymd & 31, 2)}`;
  if (fieldType === MysqlColumnType.DATE) return date;
  return `${date} ${pad(hms >> 12, 2)}:${pad((hms >> 6) & 63, 2)}:${pad(hms & 63, 2)}.${pad(micros, 6)}`;
}
