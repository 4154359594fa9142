/**
 * DATE, TIME, DATETIME, TIMESTAMP and YEAR from their binlog encodings to the text SELECT returns:
 * 'YYYY-MM-DD', '[-]HH:MM:SS[.f]', 'YYYY-MM-DD HH:MM:SS[.f]' with exactly the column's fractional digits.
 * TIMESTAMPs are stored as UTC epoch seconds; they are rendered in UTC, as a session with
 * time_zone='+00:00' would see them. The epoch value 0 is the zero timestamp '0000-00-00 00:00:00'.
 * Each writer returns the new destination offset; the caller ensures 32 bytes of room.
 */
import { write2, writePadded, writeUint } from "./number-text.js";

/** Bytes of the fractional part for fsp 0..6. */
export const FRACTION_BYTES = [0, 1, 1, 2, 2, 3, 3] as const;

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000] as const;

/** Reads the big-endian fraction of a DATETIME2/TIMESTAMP2 as microseconds. */
function readFraction(src: Buffer, sp: number, fsp: number): number {
  switch (fsp) {
    case 1:
    case 2:
      return src[sp]! * 10000;
    case 3:
    case 4:
      return ((src[sp]! << 8) | src[sp + 1]!) * 100;
    case 5:
    case 6:
      return (src[sp]! << 16) | (src[sp + 1]! << 8) | src[sp + 2]!;
    default:
      return 0;
  }
}

/** '.ffff' with `fsp` digits of `micros`, nothing for fsp 0. */
function writeFraction(dst: Buffer, dp: number, micros: number, fsp: number): number {
  if (fsp === 0) return dp;
  dst[dp++] = 0x2e;
  return writePadded(dst, dp, Math.floor(micros / POW10[6 - fsp]!), fsp);
}

function writeDate(dst: Buffer, dp: number, year: number, month: number, day: number): number {
  dp = writePadded(dst, dp, year, 4);
  dst[dp++] = 0x2d;
  dp = write2(dst, dp, month);
  dst[dp++] = 0x2d;
  return write2(dst, dp, day);
}

function writeClock(dst: Buffer, dp: number, hour: number, minute: number, second: number): number {
  dp = hour < 100 ? write2(dst, dp, hour) : writeUint(dst, dp, hour);
  dst[dp++] = 0x3a;
  dp = write2(dst, dp, minute);
  dst[dp++] = 0x3a;
  return write2(dst, dp, second);
}

/** DATE: 3 bytes little-endian, day in bits 0-4, month 5-8, year from bit 9. */
export function writeDateValue(dst: Buffer, dp: number, src: Buffer, sp: number): number {
  const v = src[sp]! | (src[sp + 1]! << 8) | (src[sp + 2]! << 16);
  return writeDate(dst, dp, v >>> 9, (v >>> 5) & 15, v & 31);
}

/** YEAR: one byte, years since 1900; 0 is the zero year. */
export function writeYearValue(dst: Buffer, dp: number, src: Buffer, sp: number): number {
  const v = src[sp]!;
  return writePadded(dst, dp, v === 0 ? 0 : 1900 + v, 4);
}

/** DATETIME2: 5 bytes big-endian (offset 2^39) then the fraction; returns the destination offset. */
export function writeDatetime2Value(dst: Buffer, dp: number, src: Buffer, sp: number, fsp: number): number {
  const packed =
    src[sp]! * 0x100000000 +
    (((src[sp + 1]! << 24) | (src[sp + 2]! << 16) | (src[sp + 3]! << 8) | src[sp + 4]!) >>> 0) -
    0x8000000000;
  const ymdhms = packed < 0 ? -packed : packed;
  const ymd = Math.floor(ymdhms / 0x20000);
  const hms = ymdhms % 0x20000;
  const ym = ymd >>> 5;
  dp = writeDate(dst, dp, Math.floor(ym / 13), ym % 13, ymd & 31);
  dst[dp++] = 0x20;
  dp = writeClock(dst, dp, hms >>> 12, (hms >>> 6) & 63, hms & 63);
  return writeFraction(dst, dp, readFraction(src, sp + 5, fsp), fsp);
}

/** TIMESTAMP2: 4 bytes big-endian epoch seconds then the fraction, rendered in UTC. */
export function writeTimestamp2Value(dst: Buffer, dp: number, src: Buffer, sp: number, fsp: number): number {
  const seconds = ((src[sp]! << 24) | (src[sp + 1]! << 16) | (src[sp + 2]! << 8) | src[sp + 3]!) >>> 0;
  return writeEpoch(dst, dp, seconds, readFraction(src, sp + 4, fsp), fsp);
}

/** The old TIMESTAMP: 4 bytes little-endian epoch seconds. */
export function writeTimestampValue(dst: Buffer, dp: number, src: Buffer, sp: number): number {
  const seconds = (src[sp]! | (src[sp + 1]! << 8) | (src[sp + 2]! << 16) | (src[sp + 3]! << 24)) >>> 0;
  return writeEpoch(dst, dp, seconds, 0, 0);
}

function writeEpoch(dst: Buffer, dp: number, seconds: number, micros: number, fsp: number): number {
  if (seconds === 0 && micros === 0) {
    dp = writeDate(dst, dp, 0, 0, 0);
    dst[dp++] = 0x20;
    dp = writeClock(dst, dp, 0, 0, 0);
    return writeFraction(dst, dp, 0, fsp);
  }
  // Days since 1970-01-01 to the civil date (H. Hinnant's algorithm).
  const days = Math.floor(seconds / 86400);
  const secondOfDay = seconds - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  dp = writeDate(dst, dp, year, month, day);
  dst[dp++] = 0x20;
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  dp = writeClock(dst, dp, hour, minute, secondOfDay % 60);
  return writeFraction(dst, dp, micros, fsp);
}

/** The old DATETIME: 8 bytes little-endian, the decimal number YYYYMMDDhhmmss. */
export function writeDatetimeValue(dst: Buffer, dp: number, src: Buffer, sp: number): number {
  const value = src.readUInt32LE(sp) + src.readUInt32LE(sp + 4) * 0x100000000;
  const date = Math.floor(value / 1000000);
  const time = value % 1000000;
  dp = writeDate(dst, dp, Math.floor(date / 10000), Math.floor(date / 100) % 100, date % 100);
  dst[dp++] = 0x20;
  return writeClock(dst, dp, Math.floor(time / 10000), Math.floor(time / 100) % 100, time % 100);
}

/** The old TIME: 3 bytes little-endian signed, the decimal number [-]HHMMSS. */
export function writeTimeValue(dst: Buffer, dp: number, src: Buffer, sp: number): number {
  let value = ((src[sp]! | (src[sp + 1]! << 8) | (src[sp + 2]! << 16)) << 8) >> 8;
  if (value < 0) {
    dst[dp++] = 0x2d;
    value = -value;
  }
  return writeClock(dst, dp, Math.floor(value / 10000), Math.floor(value / 100) % 100, value % 100);
}

/**
 * TIME2: 3 bytes big-endian (offset 2^23) of hours/minutes/seconds then the fraction; negative times store
 * the fraction as a complement, which MySQL's my_time_packed_from_binary undoes like this.
 */
export function writeTime2Value(dst: Buffer, dp: number, src: Buffer, sp: number, fsp: number): number {
  const intPart = ((src[sp]! << 16) | (src[sp + 1]! << 8) | src[sp + 2]!) - 0x800000;
  // packed = intPart * 2^24 + fraction in microseconds; its sign is the time's sign.
  let packed: number;
  switch (fsp) {
    case 1:
    case 2: {
      const frac = src[sp + 3]!;
      packed =
        intPart < 0 && frac !== 0
          ? (intPart + 1) * 0x1000000 + (frac - 0x100) * 10000
          : intPart * 0x1000000 + frac * 10000;
      break;
    }
    case 3:
    case 4: {
      const frac = (src[sp + 3]! << 8) | src[sp + 4]!;
      packed =
        intPart < 0 && frac !== 0
          ? (intPart + 1) * 0x1000000 + (frac - 0x10000) * 100
          : intPart * 0x1000000 + frac * 100;
      break;
    }
    case 5:
    case 6:
      // 6 bytes big-endian with offset 2^47: the packed value itself.
      packed =
        ((src[sp]! << 16) | (src[sp + 1]! << 8) | src[sp + 2]!) * 0x1000000 +
        ((src[sp + 3]! << 16) | (src[sp + 4]! << 8) | src[sp + 5]!) -
        0x800000000000;
      break;
    default:
      packed = intPart * 0x1000000;
  }
  if (packed < 0) {
    dst[dp++] = 0x2d;
    packed = -packed;
  }
  const hms = Math.floor(packed / 0x1000000);
  const fraction = packed % 0x1000000;
  dp = writeClock(dst, dp, (hms >>> 12) % 1024, (hms >>> 6) & 63, hms & 63);
  return writeFraction(dst, dp, fraction, fsp);
}
