import { describe, expect, it } from "vitest";
import { mariadbGtid, parseMariadbGtid } from "./mariadb-gtid.js";
import {
  formatMariadbGtidSet,
  mariadbGtidSet,
  mariadbGtidSetAdd,
  mariadbGtidSetContains,
  mariadbGtidSetContainsGtid,
  mariadbGtidSetEqual,
  mariadbGtidSetUnion,
  parseMariadbGtidSet,
} from "./mariadb-gtid-set.js";
import { catchPositionError } from "./testing/catch-position-error.js";

const set = parseMariadbGtidSet;
const gtid = parseMariadbGtid;

describe("parseMariadbGtidSet / formatMariadbGtidSet", () => {
  it.each([
    ["0-100-3", "0-100-3"],
    ["0-100-3,1-101-7", "0-100-3,1-101-7"],
    ["12-34-5678,11-22-3333", "11-22-3333,12-34-5678"],
    ["5-4727-1737373,3-4321-9876,1-1234-5678", "1-1234-5678,3-4321-9876,5-4727-1737373"],
    [" 0-100-3 , 1-101-7 ", "0-100-3,1-101-7"],
    ["", ""],
    ["  ", ""],
  ])("%j formats as %j", (text, want) => {
    expect(formatMariadbGtidSet(set(text))).toBe(want);
  });

  it("keeps one GTID per domain, sorted by domain", () => {
    expect(set("12-34-5678,11-22-3333")).toEqual([
      { flavor: "MariaDB", domain: 11, server: 22, sequence: 3333n },
      { flavor: "MariaDB", domain: 12, server: 34, sequence: 5678n },
    ]);
    expect(set("")).toEqual([]);
  });

  it.each([
    ["12-34-5678,11-22-33e33", 'Sequence number "33e33"'],
    ["0-100", "expecting Domain-Server-Sequence"],
    ["x-1-2", 'Domain ID "x"'],
    ["0-1-2,0-1-3", "same domain 0"],
    ["0-1-2,1-1-1,0-2-9", "same domain 0"],
    ["0-1-2,", "expecting Domain-Server-Sequence"],
    [",0-1-2", "expecting Domain-Server-Sequence"],
    ["0-1-2,,1-1-1", "expecting Domain-Server-Sequence"],
  ])("rejects %j (%s) naming the whole text", (text, fragment) => {
    const error = catchPositionError(() => set(text));
    expect(error.input).toBe(text);
    expect(error.message).toContain(`invalid MariaDB GTID set "${text}"`);
    expect(error.message).toContain(fragment);
  });

  it("mariadbGtidSet rejects a repeated domain", () => {
    const error = catchPositionError(() => mariadbGtidSet([mariadbGtid(3, 1, 5n), mariadbGtid(3, 2, 6n)]));
    expect(error.input).toBe("3-1-5,3-2-6");
  });
});

describe("mariadbGtidSetContains", () => {
  it.each([
    // Vitess's mariadb_gtid_test.go cases.
    ["5-4727-300", "5-4727-700", false],
    ["5-4727-9000", "5-5555-100", true],
    ["1-4321-100,5-4727-1234", "1-4321-100,5-4727-1234", true],
    ["4-1-123,5-5-24601", "4-1-124", false],
    ["4-1-123,5-5-24601", "4-2-122", true],
    ["4-1-123,5-5-24601", "4-1-122,5-4-1999", true],
    ["4-1-123,5-5-24601", "4-1-122,5-4-24602", false],
    ["4-1-123", "4-1-122,5-4-24602", false],
    ["3-4727-1235", "5-4727-1234", false],
    ["3-4727-1235", "3-5555-1234", true],
    // Empty sets.
    ["1-2-123", "", true],
    ["", "", true],
    ["", "0-1-1", false],
    // The brief's example form.
    ["0-100-3,1-101-7", "0-100-3", true],
    ["0-100-3,1-101-7", "1-101-8", false],
    ["0-100-3", "0-100-3,1-101-7", false],
  ])("%j contains %j: %s", (a, b, want) => {
    expect(mariadbGtidSetContains(set(a), set(b))).toBe(want);
  });

  it.each([
    ["5-4727-300", "5-4727-700", false],
    ["5-4727-9000", "5-4727-100", true],
    ["5-4727-1234", "5-4727-1234", true],
    ["3-4727-1235", "5-4727-1234", false],
    ["3-4727-1235", "3-5555-1234", true],
    ["", "0-1-1", false],
  ])("%j contains GTID %j: %s", (a, b, want) => {
    expect(mariadbGtidSetContainsGtid(set(a), gtid(b))).toBe(want);
  });
});

describe("mariadbGtidSetEqual", () => {
  it.each([
    ["1-1234-5678,3-5555-1234", "3-5555-1234,1-1234-5678", true],
    ["3-5555-1234,4-4555-1234", "3-4555-1234,4-4555-1234", false],
    ["3-5555-1234,4-4555-1234", "3-5555-1234,5-4555-1234", false],
    ["3-5555-1234", "3-5555-1234,4-4555-1234", false],
    ["3-5555-1234", "3-5555-1235", false],
    ["", "", true],
    ["", "0-1-1", false],
  ])("%j == %j: %s", (a, b, want) => {
    expect(mariadbGtidSetEqual(set(a), set(b))).toBe(want);
    expect(mariadbGtidSetEqual(set(b), set(a))).toBe(want);
  });
});

describe("mariadbGtidSetAdd", () => {
  it.each([
    ["3-5555-1234", "3-5555-1234", "3-5555-1234"],
    ["3-5555-5234", "3-5555-1234", "3-5555-5234"],
    ["3-5555-1234", "3-5555-5234", "3-5555-5234"],
    ["3-5555-1234", "3-6666-5234", "3-6666-5234"],
    ["3-5555-1234", "1-5555-7", "1-5555-7,3-5555-1234"],
    ["", "0-100-1", "0-100-1"],
  ])("%j + %j = %j", (a, g, want) => {
    expect(formatMariadbGtidSet(mariadbGtidSetAdd(set(a), gtid(g)))).toBe(want);
  });

  it("does not change its input", () => {
    const before = set("0-1-1,1-1-1");
    mariadbGtidSetAdd(before, gtid("0-1-2"));
    expect(formatMariadbGtidSet(before)).toBe("0-1-1,1-1-1");
  });
});

describe("mariadbGtidSetUnion", () => {
  it.each([
    ["0-100-3", "0-100-5", "0-100-5"],
    ["0-100-5", "0-100-3", "0-100-5"],
    ["0-100-3,1-101-9", "0-100-5,1-101-7", "0-100-5,1-101-9"],
    ["0-100-3", "1-101-7", "0-100-3,1-101-7"],
    ["1-101-7", "0-100-3", "0-100-3,1-101-7"],
    ["0-100-3,2-1-1", "1-101-7", "0-100-3,1-101-7,2-1-1"],
    ["0-100-3", "", "0-100-3"],
    ["", "0-100-3", "0-100-3"],
    ["", "", ""],
    ["0-100-3", "0-200-3", "0-100-3"],
  ])("%j ∪ %j = %j", (a, b, want) => {
    expect(formatMariadbGtidSet(mariadbGtidSetUnion(set(a), set(b)))).toBe(want);
  });

  it("does not change its inputs", () => {
    const a = set("0-1-1");
    const b = set("0-1-5,1-1-1");
    mariadbGtidSetUnion(a, b);
    expect(formatMariadbGtidSet(a)).toBe("0-1-1");
    expect(formatMariadbGtidSet(b)).toBe("0-1-5,1-1-1");
  });
});
