/**
 * The rows decoder's hot loop: one row image from its binlog encoding to MySQL's text encoding, the bytes a
 * SELECT returns for each column, packed like `query.Row`. Per type:
 * - integers: decimal, signed or unsigned as the SIGNEDNESS metadata says (signed without it), 64-bit exact;
 * - FLOAT/DOUBLE: as SELECT prints them (my_gcvt: FLOAT keeps 6 significant digits, DOUBLE the shortest
 *   round-trip digits; `1e15`, `1.5e-20` past 15 digits);
 * - DECIMAL: exact, with `scale` fraction digits;
 * - DATE/TIME/DATETIME/TIMESTAMP/YEAR: temporal.ts (TIMESTAMP in UTC);
 * - CHAR/VARCHAR/BINARY/VARBINARY/BLOB/TEXT/GEOMETRY and MariaDB's JSON: the raw bytes (BINARY(n) padded
 *   with zero bytes to n, as stored); the column's collation id is in its ColumnMeta;
 * - ENUM/SET: the member names (SET joined by ','), or the index/bitmask in decimal without FULL metadata;
 * - BIT: the raw big-endian bytes; MySQL JSON: its text (json-binary.ts);
 * - MariaDB COMPRESSED columns: decompressed.
 */
import { inflateRawSync, inflateSync } from "node:zlib";
import { Code, VtError } from "../../vterrors/index.js";
import { type ColumnPlan, ValueKind } from "./column-plan.js";
import { corruptEvent } from "./cursor.js";
import { writeDecimalValue } from "./decimal.js";
import { jsonBinaryToText } from "./json-binary.js";
import { formatDouble, writeAscii, writeFloat, writeInt, writeUint } from "./number-text.js";
import {
  FRACTION_BYTES,
  writeDatetime2Value,
  writeDatetimeValue,
  writeDateValue,
  writeTime2Value,
  writeTimestamp2Value,
  writeTimestampValue,
  writeTimeValue,
  writeYearValue,
} from "./temporal.js";

/** Room every fixed-size value fits in (a DECIMAL(65,30) is the longest). */
const FIXED_VALUE_ROOM = 80;
const INITIAL_OUTPUT = 64 * 1024;
/** Output buffers grown past this are dropped after each event, so one huge row does not pin memory. */
const RETAINED_OUTPUT = 4 * 1024 * 1024;

/**
 * Decodes row images into one growing output buffer; `take()` hands out the bytes written since the last
 * take as a fresh buffer that the row images of one event share.
 */
export class RowImageDecoder {
  private out = Buffer.allocUnsafe(INITIAL_OUTPUT);
  private op = 0;

  /** Offset of the next byte written, to slice row values from the taken buffer. */
  get offset(): number {
    return this.op;
  }

  /** The bytes written since the last take, copied into a buffer of their own. */
  take(): Buffer {
    const values = Buffer.allocUnsafe(this.op);
    this.out.copy(values, 0, 0, this.op);
    this.op = 0;
    if (this.out.length > RETAINED_OUTPUT) this.out = Buffer.allocUnsafe(INITIAL_OUTPUT);
    return values;
  }

  private ensure(n: number): void {
    if (this.op + n <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.op + n));
    this.out.copy(grown, 0, 0, this.op);
    this.out = grown;
  }

  /**
   * Decodes one image starting at `sp` (its null bitmap) for the columns in `present` (all when
   * undefined; `presentCount` of them), filling `lengths`; returns the offset after the image.
   */
  decodeImage(
    src: Buffer,
    sp: number,
    end: number,
    plan: ColumnPlan,
    present: Uint8Array | undefined,
    presentCount: number,
    lengths: number[],
  ): number {
    const nullStart = sp;
    sp += (presentCount + 7) >> 3;
    const { kinds, param1 } = plan;
    const n = kinds.length;
    let bit = 0;
    for (let i = 0; i < n; i++) {
      if (present !== undefined && (present[i >> 3]! & (1 << (i & 7))) === 0) {
        lengths[i] = -1;
        continue;
      }
      const isNull = (src[nullStart + (bit >> 3)]! & (1 << (bit & 7))) !== 0;
      bit++;
      if (isNull) {
        lengths[i] = -1;
        continue;
      }
      const start = this.op;
      const kind = kinds[i]!;
      if (kind <= ValueKind.UINT32) {
        this.ensure(12);
        const out = this.out;
        switch (kind) {
          case ValueKind.INT8:
            this.op = writeInt(out, start, (src[sp]! << 24) >> 24);
            sp += 1;
            break;
          case ValueKind.UINT8:
            this.op = writeUint(out, start, src[sp]!);
            sp += 1;
            break;
          case ValueKind.INT16:
            this.op = writeInt(out, start, ((src[sp]! | (src[sp + 1]! << 8)) << 16) >> 16);
            sp += 2;
            break;
          case ValueKind.UINT16:
            this.op = writeUint(out, start, src[sp]! | (src[sp + 1]! << 8));
            sp += 2;
            break;
          case ValueKind.INT24:
            this.op = writeInt(
              out,
              start,
              ((src[sp]! | (src[sp + 1]! << 8) | (src[sp + 2]! << 16)) << 8) >> 8,
            );
            sp += 3;
            break;
          case ValueKind.UINT24:
            this.op = writeUint(out, start, src[sp]! | (src[sp + 1]! << 8) | (src[sp + 2]! << 16));
            sp += 3;
            break;
          case ValueKind.INT32:
            this.op = writeInt(
              out,
              start,
              src[sp]! | (src[sp + 1]! << 8) | (src[sp + 2]! << 16) | (src[sp + 3]! << 24),
            );
            sp += 4;
            break;
          case ValueKind.UINT32:
            this.op = writeUint(
              out,
              start,
              (src[sp]! | (src[sp + 1]! << 8) | (src[sp + 2]! << 16) | (src[sp + 3]! << 24)) >>> 0,
            );
            sp += 4;
            break;
          default:
            break;
        }
      } else if (kind === ValueKind.VARCHAR || kind === ValueKind.CHAR || kind === ValueKind.BLOB) {
        const prefix = param1[i]!;
        let length: number;
        if (prefix === 1) length = src[sp]!;
        else if (prefix === 2) length = src[sp]! | (src[sp + 1]! << 8);
        else if (prefix === 3) length = src[sp]! | (src[sp + 1]! << 8) | (src[sp + 2]! << 16);
        else length = (src[sp]! | (src[sp + 1]! << 8) | (src[sp + 2]! << 16) | (src[sp + 3]! << 24)) >>> 0;
        sp += prefix;
        if (sp + length > end)
          throw corruptEvent(`column ${i}: value of ${length} bytes runs past the event`);
        const pad = kind === ValueKind.CHAR ? plan.param2[i]! : 0;
        this.ensure(Math.max(length, pad));
        if (length < 48) {
          // Buffer#copy costs more than a short loop.
          const out = this.out;
          for (let k = 0; k < length; k++) out[start + k] = src[sp + k]!;
        } else {
          src.copy(this.out, start, sp, sp + length);
        }
        sp += length;
        this.op = start + length;
        if (length < pad) {
          this.out.fill(0, this.op, start + pad);
          this.op = start + pad;
        }
      } else {
        sp = this.decodeOther(src, sp, end, plan, i, kind);
      }
      lengths[i] = this.op - start;
    }
    if (sp > end) throw corruptEvent(`row image runs ${sp - end} bytes past the event`);
    return sp;
  }

  /** The less frequent kinds; returns the source offset after the value. */
  private decodeOther(
    src: Buffer,
    sp: number,
    end: number,
    plan: ColumnPlan,
    i: number,
    kind: number,
  ): number {
    const p1 = plan.param1[i]!;
    this.ensure(FIXED_VALUE_ROOM);
    const out = this.out;
    const start = this.op;
    switch (kind) {
      case ValueKind.INT64:
      case ValueKind.UINT64: {
        const lo = (src[sp]! | (src[sp + 1]! << 8) | (src[sp + 2]! << 16) | (src[sp + 3]! << 24)) >>> 0;
        const hiBits = src[sp + 4]! | (src[sp + 5]! << 8) | (src[sp + 6]! << 16) | (src[sp + 7]! << 24);
        const hi = kind === ValueKind.INT64 ? hiBits : hiBits >>> 0;
        if (hi >= -0x200000 && hi < 0x200000) {
          this.op = writeInt(out, start, hi * 0x100000000 + lo);
        } else {
          const big = kind === ValueKind.INT64 ? src.readBigInt64LE(sp) : src.readBigUInt64LE(sp);
          this.op = writeAscii(out, start, big.toString());
        }
        return sp + 8;
      }
      case ValueKind.FLOAT:
        this.op = writeFloat(out, start, src.readFloatLE(sp));
        return sp + 4;
      case ValueKind.DOUBLE:
        this.op = writeAscii(out, start, formatDouble(src.readDoubleLE(sp)));
        return sp + 8;
      case ValueKind.DECIMAL:
        this.op = writeDecimalValue(out, start, src, sp, p1, plan.param2[i]!);
        return sp + plan.param3[i]!;
      case ValueKind.DATE:
        this.op = writeDateValue(out, start, src, sp);
        return sp + 3;
      case ValueKind.TIME:
        this.op = writeTimeValue(out, start, src, sp);
        return sp + 3;
      case ValueKind.TIME2:
        this.op = writeTime2Value(out, start, src, sp, p1);
        return sp + 3 + FRACTION_BYTES[p1]!;
      case ValueKind.DATETIME:
        this.op = writeDatetimeValue(out, start, src, sp);
        return sp + 8;
      case ValueKind.DATETIME2:
        this.op = writeDatetime2Value(out, start, src, sp, p1);
        return sp + 5 + FRACTION_BYTES[p1]!;
      case ValueKind.TIMESTAMP:
        this.op = writeTimestampValue(out, start, src, sp);
        return sp + 4;
      case ValueKind.TIMESTAMP2:
        this.op = writeTimestamp2Value(out, start, src, sp, p1);
        return sp + 4 + FRACTION_BYTES[p1]!;
      case ValueKind.YEAR:
        this.op = writeYearValue(out, start, src, sp);
        return sp + 1;
      case ValueKind.ENUM:
        return this.writeEnum(src, sp, plan, i, p1);
      case ValueKind.SET:
        return this.writeSet(src, sp, plan, i, p1);
      case ValueKind.BIT:
        src.copy(out, start, sp, sp + p1);
        this.op = start + p1;
        return sp + p1;
      case ValueKind.JSON: {
        const length = src.readUIntLE(sp, p1);
        sp += p1;
        const text = jsonBinaryToText(src.subarray(sp, sp + length));
        this.writeBytes(Buffer.from(text, "utf8"));
        return sp + length;
      }
      case ValueKind.VARCHAR_COMPRESSED:
      case ValueKind.BLOB_COMPRESSED: {
        const length = src.readUIntLE(sp, p1);
        sp += p1;
        if (sp + length > end)
          throw corruptEvent(`column ${i}: value of ${length} bytes runs past the event`);
        this.writeBytes(decompressColumn(src.subarray(sp, sp + length)));
        return sp + length;
      }
      case ValueKind.NONE:
        return sp;
      default:
        throw new VtError(
          Code.UNIMPLEMENTED,
          `binlog column ${i} has type ${p1}, which the decoder does not support`,
        );
    }
  }

  private writeBytes(bytes: Buffer): void {
    this.ensure(bytes.length);
    bytes.copy(this.out, this.op);
    this.op += bytes.length;
  }

  private writeEnum(src: Buffer, sp: number, plan: ColumnPlan, i: number, packLength: number): number {
    const index = packLength === 1 ? src[sp]! : src[sp]! | (src[sp + 1]! << 8);
    const names = plan.names[i];
    if (names === undefined) {
      this.op = writeUint(this.out, this.op, index);
    } else if (index > 0) {
      const name = names[index - 1];
      if (name === undefined)
        throw corruptEvent(`column ${i}: ENUM index ${index} of ${names.length} members`);
      this.writeBytes(name);
    }
    return sp + packLength;
  }

  private writeSet(src: Buffer, sp: number, plan: ColumnPlan, i: number, packLength: number): number {
    const names = plan.names[i];
    if (names === undefined) {
      let mask = 0n;
      for (let b = packLength - 1; b >= 0; b--) mask = (mask << 8n) | BigInt(src[sp + b]!);
      this.op = writeAscii(this.out, this.op, mask.toString());
      return sp + packLength;
    }
    this.ensure(plan.param2[i]!);
    let first = true;
    for (let b = 0; b < packLength; b++) {
      const byte = src[sp + b]!;
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if ((byte & (1 << bit)) === 0) continue;
        const name = names[b * 8 + bit];
        if (name === undefined) continue;
        if (!first) this.out[this.op++] = 0x2c;
        first = false;
        name.copy(this.out, this.op);
        this.op += name.length;
      }
    }
    return sp + packLength;
  }
}

/**
 * MariaDB's COMPRESSED column format: a header byte whose high nibble is the method (0 stored, 8 zlib)
 * and, for zlib, whose low 3 bits count the bytes of the original length that follow (bit 3: raw deflate).
 */
export function decompressColumn(data: Buffer): Buffer {
  if (data.length === 0) return data;
  const header = data[0]!;
  const method = header >> 4;
  if (method === 0) return data.subarray(1);
  if (method === 8) {
    const body = data.subarray(1 + (header & 0x07));
    return (header & 0x08) !== 0 ? inflateRawSync(body) : inflateSync(body);
  }
  throw corruptEvent(`unknown MariaDB column compression header 0x${header.toString(16)}`);
}
