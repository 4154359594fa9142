import { describe, expect, it } from "vitest";
import {
  writeDatetime2Value,
  writeDatetimeValue,
  writeDateValue,
  writeTime2Value,
  writeTimestamp2Value,
  writeTimestampValue,
  writeTimeValue,
  writeYearValue,
} from "./temporal.js";

function text(write: (dst: Buffer, dp: number) => number): string {
  const out = Buffer.alloc(40);
  return out.toString("latin1", 0, write(out, 0));
}

function be(value: bigint | number, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let v = BigInt(value);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** MySQL's DATETIME2 encoding with a fraction of `fsp` digits. */
function datetime2(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  micros: number,
  fsp: number,
) {
  const ymd = (BigInt(y * 13 + mo) << 5n) | BigInt(d);
  const hms = (h << 12) | (mi << 6) | s;
  const packed = ((ymd << 17n) | BigInt(hms)) + 0x8000000000n;
  return Buffer.concat([be(packed, 5), fraction(micros, fsp)]);
}

function fraction(micros: number, fsp: number): Buffer {
  if (fsp === 0) return Buffer.alloc(0);
  if (fsp <= 2) return be(Math.floor(micros / 10000), 1);
  if (fsp <= 4) return be(Math.floor(micros / 100), 2);
  return be(micros, 3);
}

/** MySQL's my_time_packed_to_binary: packed = ±(hms << 24 | micros); C's floor shift and truncating %. */
function time2(negative: boolean, h: number, mi: number, s: number, micros: number, fsp: number): Buffer {
  const hms = BigInt((h << 12) | (mi << 6) | s);
  let packed = (hms << 24n) + BigInt(micros);
  if (negative) packed = -packed;
  if (fsp >= 5) return be(packed + 0x800000000000n, 6);
  const intPart = be((packed >> 24n) + 0x800000n, 3);
  const fracPart = packed % (1n << 24n);
  if (fsp === 0) return intPart;
  if (fsp <= 2) return Buffer.concat([intPart, be(BigInt.asUintN(8, fracPart / 10000n), 1)]);
  return Buffer.concat([intPart, be(BigInt.asUintN(16, fracPart / 100n), 2)]);
}

describe("temporal values", () => {
  it("DATE", () => {
    const v = (2024 << 9) | (2 << 5) | 29;
    expect(text((d, p) => writeDateValue(d, p, Buffer.from([v & 0xff, (v >> 8) & 0xff, v >> 16]), 0))).toBe(
      "2024-02-29",
    );
    expect(text((d, p) => writeDateValue(d, p, Buffer.from([0, 0, 0]), 0))).toBe("0000-00-00");
  });

  it("YEAR", () => {
    expect(text((d, p) => writeYearValue(d, p, Buffer.from([124]), 0))).toBe("2024");
    expect(text((d, p) => writeYearValue(d, p, Buffer.from([0]), 0))).toBe("0000");
    expect(text((d, p) => writeYearValue(d, p, Buffer.from([255]), 0))).toBe("2155");
  });

  it.each([
    [[2024, 2, 29, 23, 59, 58, 0], 0, "2024-02-29 23:59:58"],
    [[9999, 12, 31, 23, 59, 59, 999999], 6, "9999-12-31 23:59:59.999999"],
    [[1000, 1, 1, 0, 0, 0, 0], 6, "1000-01-01 00:00:00.000000"],
    [[2000, 6, 15, 12, 30, 0, 120000], 2, "2000-06-15 12:30:00.12"],
    [[2000, 6, 15, 12, 30, 0, 123400], 4, "2000-06-15 12:30:00.1234"],
    [[2000, 6, 15, 12, 30, 0, 100000], 1, "2000-06-15 12:30:00.1"],
    [[0, 0, 0, 0, 0, 0, 0], 0, "0000-00-00 00:00:00"],
  ] as const)("DATETIME2 %j fsp %d", (parts, fsp, expected) => {
    const [y, mo, d, h, mi, s, us] = parts;
    const bytes = datetime2(y, mo, d, h, mi, s, us, fsp);
    expect(text((dst, p) => writeDatetime2Value(dst, p, bytes, 0, fsp))).toBe(expected);
  });

  it.each([
    [false, 12, 34, 56, 0, 0, "12:34:56"],
    [true, 838, 59, 59, 0, 0, "-838:59:59"],
    [false, 838, 59, 59, 0, 0, "838:59:59"],
    [true, 0, 0, 1, 500000, 6, "-00:00:01.500000"],
    [true, 0, 0, 1, 500000, 1, "-00:00:01.5"],
    [true, 1, 2, 3, 450000, 2, "-01:02:03.45"],
    [true, 1, 2, 3, 456700, 4, "-01:02:03.4567"],
    [false, 12, 34, 56, 789000, 3, "12:34:56.789"],
    [false, 0, 0, 0, 0, 6, "00:00:00.000000"],
    [true, 0, 0, 0, 1, 6, "-00:00:00.000001"],
  ] as const)("TIME2 neg=%s %d:%d:%d.%d fsp %d", (negative, h, mi, s, us, fsp, expected) => {
    const bytes = time2(negative, h, mi, s, us, fsp);
    expect(text((dst, p) => writeTime2Value(dst, p, bytes, 0, fsp))).toBe(expected);
  });

  it("TIMESTAMP2 renders epoch seconds in UTC", () => {
    expect(text((d, p) => writeTimestamp2Value(d, p, be(2147483647, 4), 0, 0))).toBe("2038-01-19 03:14:07");
    expect(text((d, p) => writeTimestamp2Value(d, p, Buffer.concat([be(1, 4), be(1, 3)]), 0, 6))).toBe(
      "1970-01-01 00:00:01.000001",
    );
    expect(text((d, p) => writeTimestamp2Value(d, p, Buffer.concat([be(0, 4), be(0, 2)]), 0, 3))).toBe(
      "0000-00-00 00:00:00.000",
    );
    expect(text((d, p) => writeTimestamp2Value(d, p, be(951782400, 4), 0, 0))).toBe("2000-02-29 00:00:00");
    expect(text((d, p) => writeTimestamp2Value(d, p, be(4102444799, 4), 0, 0))).toBe("2099-12-31 23:59:59");
  });

  it("matches Date for many instants", () => {
    for (let seconds = 1; seconds < 4_294_967_295; seconds += 86_399 * 37 + 13) {
      const expected = new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19);
      expect(text((d, p) => writeTimestamp2Value(d, p, be(seconds, 4), 0, 0))).toBe(expected);
    }
  });

  it("the old formats", () => {
    const ts = Buffer.alloc(4);
    ts.writeUInt32LE(1_000_000_000);
    expect(text((d, p) => writeTimestampValue(d, p, ts, 0))).toBe("2001-09-09 01:46:40");
    const dt = Buffer.alloc(8);
    dt.writeBigUInt64LE(20240229235958n);
    expect(text((d, p) => writeDatetimeValue(d, p, dt, 0))).toBe("2024-02-29 23:59:58");
    const time = Buffer.alloc(3);
    time.writeIntLE(-8385959, 0, 3);
    expect(text((d, p) => writeTimeValue(d, p, time, 0))).toBe("-838:59:59");
  });
});
