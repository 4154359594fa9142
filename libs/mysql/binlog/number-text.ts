/**
 * Writes numbers as ASCII into a buffer the way MySQL's text protocol shows them. Every writer takes the
 * destination and offset and returns the offset after what it wrote; the caller ensures room.
 */

const ZERO = 48;

/** Number of decimal digits of a non-negative integer below 2^53. */
export function digitCount(value: number): number {
  if (value < 10) return 1;
  if (value < 100) return 2;
  if (value < 1000) return 3;
  if (value < 10000) return 4;
  if (value < 100000) return 5;
  if (value < 1000000) return 6;
  if (value < 10000000) return 7;
  if (value < 100000000) return 8;
  if (value < 1000000000) return 9;
  let count = 10;
  let limit = 1e10;
  while (value >= limit) {
    count++;
    limit *= 10;
  }
  return count;
}

/** A non-negative integer below 2^53. */
export function writeUint(dst: Buffer, dp: number, value: number): number {
  if (value < 10) {
    dst[dp] = ZERO + value;
    return dp + 1;
  }
  const end = dp + digitCount(value);
  let p = end;
  if (value < 0x80000000) {
    while (value >= 10) {
      const q = (value / 10) | 0;
      dst[--p] = ZERO + (value - q * 10);
      value = q;
    }
  } else {
    while (value >= 10) {
      const q = Math.floor(value / 10);
      dst[--p] = ZERO + (value - q * 10);
      value = q;
    }
  }
  dst[--p] = ZERO + value;
  return end;
}

/** An integer with |value| below 2^53. */
export function writeInt(dst: Buffer, dp: number, value: number): number {
  if (value < 0) {
    dst[dp++] = 0x2d;
    return writeUint(dst, dp, -value);
  }
  return writeUint(dst, dp, value);
}

/** A non-negative integer zero-padded to `width` digits (wider values are written whole). */
export function writePadded(dst: Buffer, dp: number, value: number, width: number): number {
  const digits = digitCount(value);
  for (let i = digits; i < width; i++) dst[dp++] = ZERO;
  return writeUint(dst, dp, value);
}

/** Two digits, 00..99. */
export function write2(dst: Buffer, dp: number, value: number): number {
  const tens = (value / 10) | 0;
  dst[dp] = ZERO + tens;
  dst[dp + 1] = ZERO + value - tens * 10;
  return dp + 2;
}

/** ASCII text (digits, signs, exponents). */
export function writeAscii(dst: Buffer, dp: number, text: string): number {
  for (let i = 0; i < text.length; i++) dst[dp + i] = text.charCodeAt(i);
  return dp + text.length;
}

/** Significant digits of a finite, non-zero number and the decimal point position (value = 0.DIGITS × 10^decpt). */
interface Digits {
  negative: boolean;
  digits: string;
  decpt: number;
}

function splitExponential(text: string): Digits {
  const negative = text.charCodeAt(0) === 0x2d;
  const body = negative ? text.slice(1) : text;
  const e = body.indexOf("e");
  const mantissa = body.slice(0, e);
  const exponent = Number(body.slice(e + 1));
  let digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === ZERO) end--;
  digits = digits.slice(0, end);
  return { negative, digits, decpt: exponent + 1 };
}

/** MySQL's MAX_DECPT_FOR_F_FORMAT (DBL_DIG). */
const MAX_DECPT_FOR_F_FORMAT = 15;

/**
 * my_gcvt's layout: the 'f' format for decimal points within ±15 digits of the unit, else the 'e' format
 * without '+' and without exponent zero padding (`1e15`, `1.5e-20`).
 */
function layout({ negative, digits, decpt }: Digits): string {
  const len = digits.length;
  const sign = negative ? "-" : "";
  const fFormat = decpt >= -MAX_DECPT_FOR_F_FORMAT + 1 && (decpt <= MAX_DECPT_FOR_F_FORMAT || len > decpt);
  if (fFormat) {
    if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
    if (decpt < len) return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
    return `${sign}${digits}${"0".repeat(decpt - len)}`;
  }
  const exponent = decpt - 1;
  const mantissa = len > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}e${exponent}`;
}

/** A DOUBLE as SELECT shows it: the shortest digits that read back as the same double (dtoa mode 0). */
export function formatDouble(value: number): string {
  const magnitude = value < 0 ? -value : value;
  // Between 1e-6 and 1e15, JavaScript's shortest form is fixed-point and identical to my_gcvt's 'f' format.
  if (magnitude >= 1e-6 && magnitude < 1e15) return String(value);
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  if (!Number.isFinite(value)) return "0";
  return layout(splitExponential(value.toExponential()));
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A FLOAT as SELECT shows it: at most 6 significant digits (FLT_DIG), rounded half-even on the exact value
 * of the float, trailing zeros dropped (`3.14159`, `16777200`, `3.40282e38`).
 */
export function formatFloat(value: number): string {
  const out = Buffer.allocUnsafe(32);
  return out.toString("latin1", 0, writeFloat(out, 0, value));
}

/** formatFloat written straight into `dst`; returns the offset after it. */
export function writeFloat(dst: Buffer, dp: number, value: number): number {
  if (value === 0 || !Number.isFinite(value)) return writeAscii(dst, dp, Object.is(value, -0) ? "-0" : "0");
  const magnitude = value < 0 ? -value : value;
  // decpt: value = 0.DIGITS × 10^decpt; scale the value to 6 integer digits.
  let decpt = Math.floor(Math.log10(magnitude)) + 1;
  const shift = 6 - decpt;
  if (shift >= -16 && shift <= 22) {
    // A float has 24 significant bits, so the scaled double is within 1e-9 of the exact product: the
    // rounding is right unless the value sits on a tie, which the exact path settles.
    let scaled = shift >= 0 ? magnitude * POW10[shift]! : magnitude / POW10[-shift]!;
    if (scaled >= 1e6) {
      decpt++;
      scaled /= 10;
    } else if (scaled < 1e5) {
      decpt--;
      scaled *= 10;
    }
    const floor = Math.floor(scaled);
    const fraction = scaled - floor;
    if (Math.abs(fraction - 0.5) > 1e-6) {
      let digits = fraction > 0.5 ? floor + 1 : floor;
      if (digits === 1e6) {
        digits = 1e5;
        decpt++;
      }
      let length = 6;
      while (length > 1 && digits % 10 === 0) {
        digits /= 10;
        length--;
      }
      if (value < 0) dst[dp++] = 0x2d;
      return writeLayout(dst, dp, digits, length, decpt);
    }
  }
  return writeAscii(dst, dp, formatFloatExact(value));
}

/** layout() for a digit string given as an integer of `length` digits, written into `dst`. */
function writeLayout(dst: Buffer, dp: number, digits: number, length: number, decpt: number): number {
  if (decpt >= -MAX_DECPT_FOR_F_FORMAT + 1 && (decpt <= MAX_DECPT_FOR_F_FORMAT || length > decpt)) {
    if (decpt <= 0) {
      dst[dp++] = ZERO;
      dst[dp++] = 0x2e;
      for (let i = decpt; i < 0; i++) dst[dp++] = ZERO;
      return writeUint(dst, dp, digits);
    }
    if (decpt < length) {
      const divisor = POW10[length - decpt]!;
      const integer = Math.floor(digits / divisor);
      dp = writeUint(dst, dp, integer);
      dst[dp++] = 0x2e;
      return writePadded(dst, dp, digits - integer * divisor, length - decpt);
    }
    dp = writeUint(dst, dp, digits);
    for (let i = length; i < decpt; i++) dst[dp++] = ZERO;
    return dp;
  }
  const divisor = POW10[length - 1]!;
  const first = Math.floor(digits / divisor);
  dst[dp++] = ZERO + first;
  if (length > 1) {
    dst[dp++] = 0x2e;
    dp = writePadded(dst, dp, digits - first * divisor, length - 1);
  }
  dst[dp++] = 0x65;
  const exponent = decpt - 1;
  if (exponent < 0) dst[dp++] = 0x2d;
  return writeUint(dst, dp, exponent < 0 ? -exponent : exponent);
}

/** formatFloat through the exact decimal expansions JavaScript gives; rounds exact ties to even. */
function formatFloatExact(value: number): string {
  let text = value.toExponential(5);
  // toExponential rounds an exact tie away from zero; dtoa rounds it to even.
  const seven = value.toExponential(6);
  const e7 = seven.indexOf("e");
  if (seven.charCodeAt(e7 - 1) === 0x35 && Number(seven) === value) {
    const lastKept = seven.charCodeAt(e7 - 2) - ZERO;
    if (lastKept % 2 === 0) text = seven.slice(0, e7 - 1) + seven.slice(e7);
  }
  return layout(splitExponential(text));
}
