import { describe, expect, it } from "vitest";
import { parseMysql56Gtid } from "./mysql56-gtid.js";
import {
  formatMysql56GtidSet,
  mysql56GtidSet,
  mysql56GtidSetAdd,
  mysql56GtidSetContains,
  mysql56GtidSetContainsGtid,
  mysql56GtidSetEqual,
  mysql56GtidSetUnion,
  parseMysql56GtidSet,
} from "./mysql56-gtid-set.js";
import { catchPositionError } from "./testing/catch-position-error.js";

const U1 = "00010203-0405-0607-0809-0a0b0c0d0e0f";
const U2 = "00010203-0405-0607-0809-0a0b0c0d0eff";
const U3 = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

/** Writes `u1`, `u2`, `u3` for the uuids so the tables stay readable. */
function t(text: string): string {
  return text
    .replaceAll("U1", U1.toUpperCase())
    .replaceAll("u1", U1)
    .replaceAll("u2", U2)
    .replaceAll("u3", U3);
}
const set = (text: string) => parseMysql56GtidSet(t(text));
const fmt = (text: string) => formatMysql56GtidSet(set(text));

describe("parseMysql56GtidSet / formatMysql56GtidSet", () => {
  it.each([
    ["u1:1-51", "u1:1-51"],
    ["u1:5", "u1:5"],
    ["u1:1-1", "u1:1"],
    ["u1:1-51,u2:1-9:20-30", "u1:1-51,u2:1-9:20-30"],
    ["u2:1-9:20-30,u1:1-51", "u1:1-51,u2:1-9:20-30"],
    ["u3:1-3,u2:4,u1:5", "u1:5,u2:4,u3:1-3"],
    ["U1:1-5", "u1:1-5"],
    ["u1:1-5:6-10", "u1:1-10"],
    ["u1:1-7:5-10", "u1:1-10"],
    ["u1:1-10:3-4", "u1:1-10"],
    ["u1:1-5:7-10", "u1:1-5:7-10"],
    ["u1:20-30:1-5", "u1:1-5:20-30"],
    ["u1:3:1:2", "u1:1-3"],
    ["u1:1-5,u1:10-20", "u1:1-5:10-20"],
    ["u1:1-5,U1:6-20", "u1:1-20"],
    ["u1:1-5,\nu2:1-3", "u1:1-5,u2:1-3"],
    [" u1:1-5 ,  u2:1-3\n", "u1:1-5,u2:1-3"],
    ["u1:1-5,", "u1:1-5"],
    ["", ""],
    ["u1:1-9223372036854775807", "u1:1-9223372036854775807"],
  ])("%j formats as %j", (text, want) => {
    expect(fmt(text)).toBe(t(want));
  });

  it("exposes sorted uuid sets of merged intervals", () => {
    expect(set("u2:20-30:1-9,u1:1-51")).toEqual([
      { sid: U1, intervals: [{ start: 1n, end: 51n }] },
      {
        sid: U2,
        intervals: [
          { start: 1n, end: 9n },
          { start: 20n, end: 30n },
        ],
      },
    ]);
  });

  it.each([
    ["u1", "expected uuid:interval"],
    ["u1:", "sequence number"],
    ["u1:1-5:", "sequence number"],
    ["u1:5-3", "end 3 is before start 5"],
    ["u1:0", "sequence number"],
    ["u1:0-5", "sequence number"],
    ["u1:x", "sequence number"],
    ["u1:1-x", "sequence number"],
    ["u1:-5", "sequence number"],
    ["u1:1-2-3", "expected N or N-M"],
    ["u1:9223372036854775808", "sequence number"],
    ["bad-uuid:1-5", "invalid MySQL 5.6 SID"],
    ["00010203-0405-0607-0809-0a0b0c0d0e0g:1", "invalid MySQL 5.6 SID"],
    ["u1:1-5,u2", "expected uuid:interval"],
  ])("rejects %j (%s) naming the whole text", (text, fragment) => {
    const error = catchPositionError(() => set(text));
    expect(error.input).toBe(t(text));
    expect(error.message).toContain(`invalid MySQL 5.6 GTID set "${t(text)}"`);
    expect(error.message).toContain(fragment);
  });
});

describe("mysql56GtidSet", () => {
  it("canonicalizes hand-built sets", () => {
    const built = mysql56GtidSet([
      { sid: U2.toUpperCase(), intervals: [{ start: 5n, end: 9n }] },
      {
        sid: U1,
        intervals: [
          { start: 10n, end: 20n },
          { start: 1n, end: 9n },
        ],
      },
      { sid: U3, intervals: [] },
    ]);
    expect(formatMysql56GtidSet(built)).toBe(t("u1:1-20,u2:5-9"));
  });

  it.each([[{ start: 0n, end: 1n }], [{ start: 5n, end: 3n }], [{ start: 1n, end: 2n ** 63n }]])(
    "rejects interval %o",
    (interval) => {
      const error = catchPositionError(() => mysql56GtidSet([{ sid: U1, intervals: [interval] }]));
      expect(error.input).toBe(`${U1}:${interval.start}-${interval.end}`);
    },
  );

  it("rejects a bad uuid", () => {
    expect(catchPositionError(() => mysql56GtidSet([{ sid: "x", intervals: [] }])).input).toBe("x");
  });
});

describe("mysql56GtidSetContains", () => {
  it.each([
    ["u1:1-51", "u1:1-51", true],
    ["u1:1-51", "u1:1-50", true],
    ["u1:1-51", "u1:20-30", true],
    ["u1:1-51", "u1:51", true],
    ["u1:1-50", "u1:1-51", false],
    ["u1:1-51", "u1:40-60", false],
    ["u1:1-5:10-20", "u1:3-4", true],
    ["u1:1-5:10-20", "u1:3-4:12-20", true],
    ["u1:1-5:10-20", "u1:4-11", false],
    ["u1:1-5:10-20", "u1:6", false],
    ["u1:1-5:10-20", "u1:1-5:10-21", false],
    ["u1:1-51,u2:1-9:20-30", "u2:5:25", true],
    ["u1:1-51,u2:1-9:20-30", "u1:1-51,u2:1-9:20-30", true],
    ["u1:1-51,u2:1-9:20-30", "u1:1-51,u2:1-10", false],
    ["u1:1-51", "u1:1-51,u2:1", false],
    ["u1:1-51", "u2:1", false],
    ["u1:1-51", "", true],
    ["", "", true],
    ["", "u1:1", false],
    ["u1:1-5:6-10", "u1:4-7", true],
  ])("%j contains %j: %s", (a, b, want) => {
    expect(mysql56GtidSetContains(set(a), set(b))).toBe(want);
  });

  it("works on hand-built, non-canonical sets", () => {
    const a = [
      {
        sid: U1.toUpperCase(),
        intervals: [
          { start: 6n, end: 10n },
          { start: 1n, end: 5n },
        ],
      },
    ];
    expect(mysql56GtidSetContains(a, set("u1:4-7"))).toBe(true);
  });

  it.each([
    ["u1:1-51", "u1:1", true],
    ["u1:1-51", "u1:51", true],
    ["u1:1-51", "u1:52", false],
    ["u1:1-5:10-20", "u1:7", false],
    ["u1:1-5:10-20", "u1:10", true],
    ["u1:1-51", "u2:1", false],
    ["", "u1:1", false],
  ])("%j contains GTID %j: %s", (a, g, want) => {
    expect(mysql56GtidSetContainsGtid(set(a), parseMysql56Gtid(t(g)))).toBe(want);
  });
});

describe("mysql56GtidSetEqual", () => {
  it.each([
    ["u1:1-51", "u1:1-51", true],
    ["u1:1-5:6-10", "u1:1-10", true],
    ["U1:1-10", "u1:1-10", true],
    ["u1:1-51,u2:1-9", "u2:1-9,u1:1-51", true],
    ["", "", true],
    ["u1:1-51", "u1:1-50", false],
    ["u1:1-51", "u2:1-51", false],
    ["u1:1-51", "u1:1-51,u2:1", false],
    ["u1:1-5:7-10", "u1:1-10", false],
    ["", "u1:1", false],
  ])("%j == %j: %s", (a, b, want) => {
    expect(mysql56GtidSetEqual(set(a), set(b))).toBe(want);
    expect(mysql56GtidSetEqual(set(b), set(a))).toBe(want);
  });
});

describe("mysql56GtidSetUnion", () => {
  it.each([
    ["u1:1-5", "u1:6-10", "u1:1-10"],
    ["u1:1-5", "u1:8-10", "u1:1-5:8-10"],
    ["u1:1-7", "u1:5-10", "u1:1-10"],
    ["u1:1-5:10-20", "u1:6-9", "u1:1-20"],
    ["u1:1-5:10-20", "u1:3-12", "u1:1-20"],
    ["u1:1-5:30-40", "u1:10-20", "u1:1-5:10-20:30-40"],
    ["u1:1-5", "u2:1-3", "u1:1-5,u2:1-3"],
    ["u2:1-3", "u1:1-5", "u1:1-5,u2:1-3"],
    ["u1:1-51,u2:1-9", "u2:10-30,u3:7", "u1:1-51,u2:1-30,u3:7"],
    ["u1:1-5", "", "u1:1-5"],
    ["", "u1:1-5", "u1:1-5"],
    ["", "", ""],
  ])("%j ∪ %j = %j", (a, b, want) => {
    expect(formatMysql56GtidSet(mysql56GtidSetUnion(set(a), set(b)))).toBe(t(want));
    expect(formatMysql56GtidSet(mysql56GtidSetUnion(set(b), set(a)))).toBe(t(want));
  });

  it("does not change its inputs", () => {
    const a = set("u1:1-5");
    const b = set("u1:6-9");
    mysql56GtidSetUnion(a, b);
    expect(formatMysql56GtidSet(a)).toBe(t("u1:1-5"));
    expect(formatMysql56GtidSet(b)).toBe(t("u1:6-9"));
  });
});

describe("mysql56GtidSetAdd", () => {
  it.each([
    ["", "u1:1", "u1:1"],
    ["u1:1-5", "u1:6", "u1:1-6"],
    ["u1:2-5", "u1:1", "u1:1-5"],
    ["u1:1-5:7-10", "u1:6", "u1:1-10"],
    ["u1:1-5", "u1:3", "u1:1-5"],
    ["u1:1-5", "u1:8", "u1:1-5:8"],
    ["u1:5-9", "u1:2", "u1:2:5-9"],
    ["u1:1-5", "u2:1", "u1:1-5,u2:1"],
    ["u2:1", "U1:4", "u1:4,u2:1"],
  ])("%j + %j = %j", (a, g, want) => {
    expect(formatMysql56GtidSet(mysql56GtidSetAdd(set(a), parseMysql56Gtid(t(g))))).toBe(t(want));
  });

  it("does not change its input", () => {
    const before = set("u1:1-5");
    mysql56GtidSetAdd(before, parseMysql56Gtid(t("u1:6")));
    expect(formatMysql56GtidSet(before)).toBe(t("u1:1-5"));
  });
});
