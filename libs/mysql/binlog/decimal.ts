/**
 * DECIMAL(precision, scale) from MySQL's binary format (decimal2bin) to its exact text, as SELECT shows it:
 * an optional '-', the integer digits without leading zeros ('0' when none), and exactly `scale` fraction
 * digits. Digits are stored in big-endian groups of nine (4 bytes) with a shorter leading/trailing group;
 * the sign is the inverted top bit, and negative numbers have every byte inverted.
 */
import { writePadded, writeUint } from "./number-text.js";

const DIGITS_PER_GROUP = 9;
const GROUP_BYTES = 4;
/** Bytes for a partial group of 0..8 digits. */
const DIGIT_BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4] as const;

/** How many bytes a DECIMAL(precision, scale) value takes in a row image. */
export function decimalBinarySize(precision: number, scale: number): number {
  const integer = precision - scale;
  return (
    Math.floor(integer / DIGITS_PER_GROUP) * GROUP_BYTES +
    DIGIT_BYTES[integer % DIGITS_PER_GROUP]! +
    Math.floor(scale / DIGITS_PER_GROUP) * GROUP_BYTES +
    DIGIT_BYTES[scale % DIGITS_PER_GROUP]!
  );
}

/** Longest text of a DECIMAL(65, 30): sign, 35 digits, point, 30 digits. */
export const DECIMAL_TEXT_MAX = 67;

/** Reads `n` bytes big-endian with the sign mask applied (`first` flips the sign bit of byte 0). */
function readGroup(src: Buffer, sp: number, n: number, mask: number, first: boolean): number {
  let value = 0;
  for (let i = 0; i < n; i++) {
    let byte = src[sp + i]! ^ mask;
    if (first && i === 0) byte ^= 0x80;
    value = value * 256 + byte;
  }
  return value;
}

/** Writes the value at `src[sp]` as text at `dst[dp]`; returns the destination offset after it. */
export function writeDecimalValue(
  dst: Buffer,
  dp: number,
  src: Buffer,
  sp: number,
  precision: number,
  scale: number,
): number {
  const integer = precision - scale;
  const intGroups = Math.floor(integer / DIGITS_PER_GROUP);
  const intLeading = integer % DIGITS_PER_GROUP;
  const fracGroups = Math.floor(scale / DIGITS_PER_GROUP);
  const fracTrailing = scale % DIGITS_PER_GROUP;
  const negative = (src[sp]! & 0x80) === 0;
  const mask = negative ? 0xff : 0;
  const start = dp;
  if (negative) dst[dp++] = 0x2d;
  const digitsStart = dp;
  let first = true;
  let leadingZero = true;
  const leadingBytes = DIGIT_BYTES[intLeading]!;
  if (leadingBytes > 0) {
    const value = readGroup(src, sp, leadingBytes, mask, first);
    sp += leadingBytes;
    first = false;
    if (value !== 0) {
      dp = writeUint(dst, dp, value);
      leadingZero = false;
    }
  }
  for (let g = 0; g < intGroups; g++) {
    const value = readGroup(src, sp, GROUP_BYTES, mask, first);
    sp += GROUP_BYTES;
    first = false;
    if (leadingZero) {
      if (value !== 0) {
        dp = writeUint(dst, dp, value);
        leadingZero = false;
      }
    } else {
      dp = writePadded(dst, dp, value, DIGITS_PER_GROUP);
    }
  }
  if (leadingZero) dst[dp++] = 0x30;
  let allZero = leadingZero;
  if (scale > 0) {
    dst[dp++] = 0x2e;
    for (let g = 0; g < fracGroups; g++) {
      const value = readGroup(src, sp, GROUP_BYTES, mask, first);
      sp += GROUP_BYTES;
      first = false;
      if (value !== 0) allZero = false;
      dp = writePadded(dst, dp, value, DIGITS_PER_GROUP);
    }
    const trailingBytes = DIGIT_BYTES[fracTrailing]!;
    if (trailingBytes > 0) {
      const value = readGroup(src, sp, trailingBytes, mask, first);
      if (value !== 0) allZero = false;
      dp = writePadded(dst, dp, value, fracTrailing);
    }
  }
  if (negative && allZero) {
    // A negative zero prints as zero, as MySQL normalizes it.
    dst.copyWithin(start, digitsStart, dp);
    dp -= 1;
  }
  return dp;
}
