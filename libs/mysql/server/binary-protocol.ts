/**
 * The binary protocol's value codec (prepared statements): COM_STMT_EXECUTE parameters decoded into
 * bind variables (MySQL text representation, like every query.Value), and result rows encoded from
 * packed text values into binary rows (integers and floats as little-endian numbers, DATE/DATETIME/
 * TIMESTAMP/TIME in their length-prefixed binary forms, everything else length-encoded).
 */
import { type BindVariable, type Field, type Row, Type } from "../../proto/query.js";
import { MysqlColumnType } from "../column-type.js";
import { MalformedPacketError, type PayloadReader } from "./packet-reader.js";
import type { PacketWriter } from "./packet-writer.js";

const TWO_32 = 0x1_0000_0000;

function bindVar(type: Type, text: string | Buffer): BindVariable {
  return { type, value: typeof text === "string" ? Buffer.from(text, "latin1") : text, values: [] };
}

export const NULL_BIND_VARIABLE: BindVariable = { type: Type.NULL_TYPE, value: Buffer.alloc(0), values: [] };

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The shortest decimal text that reads back as the same float32 (as MySQL prints FLOAT). */
export function float32ToString(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v === 0 ? 0 : v);
  for (let precision = 1; precision <= 9; precision++) {
    const s = v.toPrecision(precision);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

function readInt64Text(r: PayloadReader, unsigned: boolean): string {
  const b = r.bytes(8);
  const lo = b.readUInt32LE(0);
  const hi = unsigned ? b.readUInt32LE(4) : b.readInt32LE(4);
  if (hi >= -0x200000 && hi < 0x200000) return String(hi * TWO_32 + lo);
  return unsigned ? b.readBigUInt64LE(0).toString() : b.readBigInt64LE(0).toString();
}

function fraction(micro: number): string {
  return micro === 0 ? "" : `.${String(micro).padStart(6, "0")}`;
}

function readDateText(r: PayloadReader, withTime: boolean): string {
  const length = r.u8();
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let micro = 0;
  if (length >= 4) {
    year = r.u16();
    month = r.u8();
    day = r.u8();
  }
  if (length >= 7) {
    hour = r.u8();
    minute = r.u8();
    second = r.u8();
  }
  if (length >= 11) micro = r.u32();
  if (length !== 0 && length !== 4 && length !== 7 && length !== 11) {
    throw new MalformedPacketError(`invalid date/time parameter length ${length}`);
  }
  const date = `${String(year).padStart(4, "0")}-${pad2(month)}-${pad2(day)}`;
  if (!withTime) return date;
  return `${date} ${pad2(hour)}:${pad2(minute)}:${pad2(second)}${fraction(micro)}`;
}

function readTimeText(r: PayloadReader): string {
  const length = r.u8();
  if (length === 0) return "00:00:00";
  if (length !== 8 && length !== 12)
    throw new MalformedPacketError(`invalid time parameter length ${length}`);
  const negative = r.u8() === 1;
  const days = r.u32();
  const hours = days * 24 + r.u8();
  const minute = r.u8();
  const second = r.u8();
  const micro = length === 12 ? r.u32() : 0;
  return `${negative ? "-" : ""}${pad2(hours)}:${pad2(minute)}:${pad2(second)}${fraction(micro)}`;
}

/**
 * Reads one non-NULL COM_STMT_EXECUTE parameter of `mysqlType`. Integers become INT64/UINT64, floats
 * FLOAT64, temporals DATE/DATETIME/TIMESTAMP/TIME text, text strings VARCHAR, blobs VARBINARY.
 */
export function readBinaryParam(r: PayloadReader, mysqlType: number, unsigned: boolean): BindVariable {
  const intType = unsigned ? Type.UINT64 : Type.INT64;
  switch (mysqlType) {
    case MysqlColumnType.TINY: {
      const v = r.u8();
      return bindVar(intType, String(unsigned ? v : (v << 24) >> 24));
    }
    case MysqlColumnType.SHORT:
    case MysqlColumnType.YEAR: {
      const v = r.u16();
      return bindVar(intType, String(unsigned ? v : (v << 16) >> 16));
    }
    case MysqlColumnType.LONG:
    case MysqlColumnType.INT24: {
      const v = r.u32();
      return bindVar(intType, String(unsigned ? v : v | 0));
    }
    case MysqlColumnType.LONGLONG:
      return bindVar(intType, readInt64Text(r, unsigned));
    case MysqlColumnType.FLOAT:
      return bindVar(Type.FLOAT64, float32ToString(r.bytes(4).readFloatLE(0)));
    case MysqlColumnType.DOUBLE:
      return bindVar(Type.FLOAT64, String(r.bytes(8).readDoubleLE(0)));
    case MysqlColumnType.DATE:
    case MysqlColumnType.NEWDATE:
      return bindVar(Type.DATE, readDateText(r, false));
    case MysqlColumnType.DATETIME:
    case MysqlColumnType.DATETIME2:
      return bindVar(Type.DATETIME, readDateText(r, true));
    case MysqlColumnType.TIMESTAMP:
    case MysqlColumnType.TIMESTAMP2:
      return bindVar(Type.TIMESTAMP, readDateText(r, true));
    case MysqlColumnType.TIME:
    case MysqlColumnType.TIME2:
      return bindVar(Type.TIME, readTimeText(r));
    case MysqlColumnType.NULL:
      return NULL_BIND_VARIABLE;
    default: {
      const type = stringParamType(mysqlType);
      return bindVar(type, Buffer.from(r.lenencBytes()));
    }
  }
}

/** The bind variable type of a length-encoded parameter (also of one sent with COM_STMT_SEND_LONG_DATA). */
export function stringParamType(mysqlType: number): Type {
  switch (mysqlType) {
    case MysqlColumnType.DECIMAL:
    case MysqlColumnType.NEWDECIMAL:
      return Type.DECIMAL;
    case MysqlColumnType.VARCHAR:
    case MysqlColumnType.VAR_STRING:
    case MysqlColumnType.STRING:
    case MysqlColumnType.ENUM:
    case MysqlColumnType.SET:
      return Type.VARCHAR;
    case MysqlColumnType.TINY_BLOB:
    case MysqlColumnType.MEDIUM_BLOB:
    case MysqlColumnType.LONG_BLOB:
    case MysqlColumnType.BLOB:
    case MysqlColumnType.BIT:
    case MysqlColumnType.VECTOR:
      return Type.VARBINARY;
    case MysqlColumnType.JSON:
      return Type.JSON;
    case MysqlColumnType.GEOMETRY:
      return Type.GEOMETRY;
    default:
      throw new MalformedPacketError(`unsupported parameter type ${mysqlType}`);
  }
}

/** How a column's text value is written in a binary row. */
export const BinaryEncoding = {
  LENENC: 0,
  INT8: 1,
  INT16: 2,
  INT32: 3,
  INT64: 4,
  FLOAT: 5,
  DOUBLE: 6,
  DATE: 7,
  TIME: 8,
  NULL: 9,
} as const;
export type BinaryEncoding = (typeof BinaryEncoding)[keyof typeof BinaryEncoding];

export function binaryEncodingFor(type: Type): BinaryEncoding {
  switch (type) {
    case Type.INT8:
    case Type.UINT8:
      return BinaryEncoding.INT8;
    case Type.INT16:
    case Type.UINT16:
    case Type.YEAR:
      return BinaryEncoding.INT16;
    case Type.INT24:
    case Type.UINT24:
    case Type.INT32:
    case Type.UINT32:
      return BinaryEncoding.INT32;
    case Type.INT64:
    case Type.UINT64:
      return BinaryEncoding.INT64;
    case Type.FLOAT32:
      return BinaryEncoding.FLOAT;
    case Type.FLOAT64:
      return BinaryEncoding.DOUBLE;
    case Type.DATE:
    case Type.DATETIME:
    case Type.TIMESTAMP:
      return BinaryEncoding.DATE;
    case Type.TIME:
      return BinaryEncoding.TIME;
    case Type.NULL_TYPE:
      return BinaryEncoding.NULL;
    default:
      return BinaryEncoding.LENENC;
  }
}

export function binaryEncodings(fields: readonly Field[]): Uint8Array {
  const out = new Uint8Array(fields.length);
  for (let i = 0; i < fields.length; i++) out[i] = binaryEncodingFor(fields[i].type);
  return out;
}

/** Parses ASCII decimal digits with an optional sign; exact up to 15 digits. NaN when not a number. */
function parseIntAscii(b: Buffer, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (b[i] === 0x2d) {
    negative = true;
    i++;
  } else if (b[i] === 0x2b) {
    i++;
  }
  if (i >= end) return Number.NaN;
  let v = 0;
  for (; i < end; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

function digits(b: Buffer, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) v = v * 10 + (b[i] - 0x30);
  return v;
}

/** Microseconds from the digits after a '.', at most 6 used. */
function micros(b: Buffer, at: number, end: number): number {
  let v = 0;
  let n = 0;
  for (let i = at; i < end && n < 6; i++, n++) v = v * 10 + (b[i] - 0x30);
  for (; n < 6; n++) v *= 10;
  return v;
}

function writeInt64(w: PacketWriter, b: Buffer, start: number, end: number): void {
  if (end - start <= 15) {
    const v = parseIntAscii(b, start, end);
    const n = Number.isNaN(v) ? 0 : v;
    const hi = Math.floor(n / TWO_32);
    w.u64Parts(n - hi * TWO_32, hi);
    return;
  }
  w.bigint64(BigInt(b.toString("latin1", start, end)));
}

/** 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]' as the binary DATE/DATETIME form (length 0, 4, 7 or 11). */
function writeDate(w: PacketWriter, b: Buffer, start: number, end: number): void {
  const length = end - start;
  if (length < 10) {
    w.u8(0);
    return;
  }
  const year = digits(b, start, 4);
  const month = digits(b, start + 5, 2);
  const day = digits(b, start + 8, 2);
  let hour = 0;
  let minute = 0;
  let second = 0;
  let micro = 0;
  if (length >= 19) {
    hour = digits(b, start + 11, 2);
    minute = digits(b, start + 14, 2);
    second = digits(b, start + 17, 2);
    if (length > 20 && b[start + 19] === 0x2e) micro = micros(b, start + 20, end);
  }
  w.ensure(12);
  if (micro !== 0) w.u8(11);
  else if (hour !== 0 || minute !== 0 || second !== 0) w.u8(7);
  else if (year !== 0 || month !== 0 || day !== 0) w.u8(4);
  else {
    w.u8(0);
    return;
  }
  w.u16(year);
  w.u8(month);
  w.u8(day);
  if (micro === 0 && hour === 0 && minute === 0 && second === 0) return;
  w.u8(hour);
  w.u8(minute);
  w.u8(second);
  if (micro !== 0) w.u32(micro);
}

/** '[-]H+:MM:SS[.ffffff]' as the binary TIME form (length 0, 8 or 12). */
function writeTime(w: PacketWriter, b: Buffer, start: number, end: number): void {
  let i = start;
  const negative = b[i] === 0x2d;
  if (negative) i++;
  const colon = b.indexOf(0x3a, i);
  if (colon < 0 || colon + 6 > end) {
    w.u8(0);
    return;
  }
  const hours = digits(b, i, colon - i);
  const minute = digits(b, colon + 1, 2);
  const second = digits(b, colon + 4, 2);
  const micro = colon + 7 < end && b[colon + 6] === 0x2e ? micros(b, colon + 7, end) : 0;
  if (hours === 0 && minute === 0 && second === 0 && micro === 0) {
    w.u8(0);
    return;
  }
  w.ensure(13);
  w.u8(micro !== 0 ? 12 : 8);
  w.u8(negative ? 1 : 0);
  w.u32(Math.floor(hours / 24));
  w.u8(hours % 24);
  w.u8(minute);
  w.u8(second);
  if (micro !== 0) w.u32(micro);
}

/** One binary result row: 0x00, the NULL bitmap (offset 2), then each non-NULL value in its binary form. */
export function writeBinaryRow(w: PacketWriter, encodings: Uint8Array, row: Row): void {
  const { lengths, values } = row;
  const n = lengths.length;
  const bitmapBytes = (n + 9) >> 3;
  w.begin(1 + bitmapBytes + values.length + 9 * n);
  w.u8(0);
  let bits = 0;
  let bitIndex = 2;
  for (let i = 0; i < n; i++) {
    if (lengths[i] < 0 || encodings[i] === BinaryEncoding.NULL) bits |= 1 << bitIndex;
    if (++bitIndex === 8) {
      w.u8(bits);
      bits = 0;
      bitIndex = 0;
    }
  }
  if (bitIndex !== 0) w.u8(bits);
  let off = 0;
  for (let i = 0; i < n; i++) {
    const length = lengths[i];
    if (length < 0) continue;
    const start = off;
    const end = off + length;
    off = end;
    switch (encodings[i]) {
      case BinaryEncoding.NULL:
        break;
      case BinaryEncoding.INT8:
        w.u8(parseIntAscii(values, start, end) & 0xff);
        break;
      case BinaryEncoding.INT16:
        w.u16(parseIntAscii(values, start, end) & 0xffff);
        break;
      case BinaryEncoding.INT32:
        w.u32(parseIntAscii(values, start, end) >>> 0);
        break;
      case BinaryEncoding.INT64:
        writeInt64(w, values, start, end);
        break;
      case BinaryEncoding.FLOAT:
        w.float32(Number(values.toString("latin1", start, end)));
        break;
      case BinaryEncoding.DOUBLE:
        w.float64(Number(values.toString("latin1", start, end)));
        break;
      case BinaryEncoding.DATE:
        writeDate(w, values, start, end);
        break;
      case BinaryEncoding.TIME:
        writeTime(w, values, start, end);
        break;
      default:
        w.lenencBytes(values, start, end);
    }
  }
  w.end();
}
