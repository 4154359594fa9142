import { describe, expect, it } from "vitest";
import { PositionError } from "./errors.js";
import { parseMariadbGtid } from "./mariadb-gtid.js";
import { parseMysql56Gtid } from "./mysql56-gtid.js";
import {
  appendGtid,
  encodePosition,
  FLAVORS,
  formatGtid,
  isFlavor,
  isZeroPosition,
  type Position,
  parseFlavoredGtid,
  parseFlavoredGtidSet,
  parsePosition,
  positionAtLeast,
  positionEqual,
  positionGtidSetString,
  positionUnion,
  ZERO_POSITION,
} from "./position.js";
import { catchPositionError } from "./testing/catch-position-error.js";

const U1 = "00010203-0405-0607-0809-0a0b0c0d0e0f";
const U2 = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

function t(text: string): string {
  return text.replaceAll("U1", U1.toUpperCase()).replaceAll("u1", U1).replaceAll("u2", U2);
}
const pos = (text: string): Position => parsePosition(t(text));

describe("flavors", () => {
  it("are MariaDB and MySQL56, case-sensitive", () => {
    expect(FLAVORS).toEqual(["MariaDB", "MySQL56"]);
    expect(isFlavor("MariaDB")).toBe(true);
    expect(isFlavor("MySQL56")).toBe(true);
    expect(isFlavor("mariadb")).toBe(false);
    expect(isFlavor("FilePos")).toBe(false);
  });
});

describe("parsePosition / encodePosition", () => {
  it("parses and encodes the empty position as the empty string", () => {
    const position = parsePosition("");
    expect(position).toBe(ZERO_POSITION);
    expect(position.flavor).toBeUndefined();
    expect(isZeroPosition(position)).toBe(true);
    expect(encodePosition(position)).toBe("");
    expect(positionGtidSetString(position)).toBe("");
    expect(Object.isFrozen(ZERO_POSITION)).toBe(true);
  });

  it.each([
    "MariaDB/0-100-3",
    "MariaDB/0-100-3,1-101-7",
    "MariaDB/0-1-18446744073709551615",
    "MySQL56/u1:1-51",
    "MySQL56/u1:5",
    "MySQL56/u1:1-51,u2:1-9:20-30",
  ])("round-trips %j", (text) => {
    const position = pos(text);
    expect(isZeroPosition(position)).toBe(false);
    expect(encodePosition(position)).toBe(t(text));
    expect(positionEqual(parsePosition(encodePosition(position)), position)).toBe(true);
  });

  it("gives the flavor and the typed GTID set", () => {
    const mariadb = pos("MariaDB/1-101-7,0-100-3");
    expect(mariadb.flavor).toBe("MariaDB");
    expect(mariadb.gtidSet).toEqual([parseMariadbGtid("0-100-3"), parseMariadbGtid("1-101-7")]);
    const mysql = pos("MySQL56/u1:1-51");
    expect(mysql.flavor).toBe("MySQL56");
    expect(mysql.gtidSet).toEqual([{ sid: U1, intervals: [{ start: 1n, end: 51n }] }]);
  });

  it.each([
    ["MariaDB/1-101-7,0-100-3", "MariaDB/0-100-3,1-101-7"],
    ["MySQL56/U1:1-5:6-10", "MySQL56/u1:1-10"],
    ["MySQL56/u2:1-3,\nu1:1-5", "MySQL56/u1:1-5,u2:1-3"],
  ])("encodes %j canonically as %j", (text, want) => {
    expect(encodePosition(pos(text))).toBe(t(want));
  });

  it.each([
    ["0-100-3", "missing flavor prefix"],
    ["u1:1-5", "missing flavor prefix"],
    ["MariaDB/", 'no GTIDs after "MariaDB/"'],
    ["MySQL56/", 'no GTIDs after "MySQL56/"'],
    ["MariaDB/ ", 'no GTIDs after "MariaDB/"'],
    ["Foo/1-2-3", 'unknown GTID flavor "Foo"'],
    ["mariadb/0-1-2", 'unknown GTID flavor "mariadb"'],
    ["FilePos/binlog.000001:4", 'unknown GTID flavor "FilePos"'],
    ["/0-1-2", 'unknown GTID flavor ""'],
    ["MariaDB/0-100", "expecting Domain-Server-Sequence"],
    ["MariaDB/x-1-2", 'Domain ID "x"'],
    ["MariaDB/0-1-2,0-1-3", "same domain 0"],
    ["MariaDB/u1:1-5", "expecting Domain-Server-Sequence"],
    ["MySQL56/0-100-3", "expected uuid:interval"],
    ["MySQL56/bad-uuid:1-5", "invalid MySQL 5.6 SID"],
    ["MySQL56/u1:5-3", "end 3 is before start 5"],
    ["MySQL56/u1:0", "sequence number"],
  ])("rejects %j (%s) with a PositionError naming the whole text", (text, fragment) => {
    const error = catchPositionError(() => pos(text));
    expect(error).toBeInstanceOf(PositionError);
    expect(error.input).toBe(t(text));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toContain(fragment);
  });

  it("keeps the inner error as the cause", () => {
    const error = catchPositionError(() => parsePosition("MariaDB/0-1-2,x-1-2"));
    expect(error.message).toBe(
      'invalid position "MariaDB/0-1-2,x-1-2": invalid MariaDB GTID set "0-1-2,x-1-2": ' +
        'invalid MariaDB GTID "x-1-2": Domain ID "x" is not a uint32',
    );
    expect(error.cause).toBeInstanceOf(PositionError);
    expect((error.cause as PositionError).input).toBe("0-1-2,x-1-2");
  });
});

describe("parseFlavoredGtidSet", () => {
  it("parses what @@gtid_current_pos returns", () => {
    const position = parseFlavoredGtidSet("MariaDB", "0-100-3,1-101-7");
    expect(encodePosition(position)).toBe("MariaDB/0-100-3,1-101-7");
    expect(positionGtidSetString(position)).toBe("0-100-3,1-101-7");
  });

  it("parses what @@gtid_executed returns, newlines included", () => {
    const position = parseFlavoredGtidSet("MySQL56", t("u1:1-51,\nu2:1-9:20-30"));
    expect(encodePosition(position)).toBe(t("MySQL56/u1:1-51,u2:1-9:20-30"));
    expect(positionGtidSetString(position)).toBe(t("u1:1-51,u2:1-9:20-30"));
  });

  it.each(["MariaDB", "MySQL56"])("an empty %s GTID set is a position without transactions", (flavor) => {
    const position = parseFlavoredGtidSet(flavor, "");
    expect(position.flavor).toBe(flavor);
    expect(position.gtidSet).toEqual([]);
    expect(isZeroPosition(position)).toBe(true);
    expect(encodePosition(position)).toBe("");
    expect(positionEqual(position, ZERO_POSITION)).toBe(true);
  });

  it("rejects an unknown flavor", () => {
    const error = catchPositionError(() => parseFlavoredGtidSet("Foo", "1-2-3"));
    expect(error.input).toBe("Foo");
    expect(error.message).toContain('unknown GTID flavor "Foo"');
  });

  it("rejects a malformed set with the set's text", () => {
    expect(catchPositionError(() => parseFlavoredGtidSet("MariaDB", "0-100")).input).toBe("0-100");
  });
});

describe("parseFlavoredGtid / formatGtid", () => {
  it.each([
    ["MariaDB", "0-100-3"],
    ["MySQL56", `${U1}:5`],
  ])("%s %j", (flavor, text) => {
    const gtid = parseFlavoredGtid(flavor, text);
    expect(gtid.flavor).toBe(flavor);
    expect(formatGtid(gtid)).toBe(text);
  });

  it.each([
    ["Foo", "1-2-3", "Foo"],
    ["MariaDB", "0-100", "0-100"],
    ["MySQL56", "0-100-3", "0-100-3"],
  ])("rejects %s %j", (flavor, text, input) => {
    expect(catchPositionError(() => parseFlavoredGtid(flavor, text)).input).toBe(input);
  });
});

describe("positionAtLeast", () => {
  it.each([
    ["", "", true],
    ["MariaDB/0-100-3", "", true],
    ["", "MariaDB/0-100-3", false],
    ["MariaDB/0-100-3", "MariaDB/0-100-3", true],
    ["MariaDB/0-100-5", "MariaDB/0-100-3", true],
    ["MariaDB/0-100-3", "MariaDB/0-100-5", false],
    ["MariaDB/0-200-5", "MariaDB/0-100-3", true],
    ["MariaDB/0-100-3,1-101-7", "MariaDB/0-100-3", true],
    ["MariaDB/0-100-3,1-101-7", "MariaDB/0-100-2,1-101-7", true],
    ["MariaDB/0-100-3,1-101-7", "MariaDB/0-100-3,1-101-8", false],
    ["MariaDB/0-100-3", "MariaDB/0-100-3,1-101-7", false],
    ["MySQL56/u1:1-51", "MySQL56/u1:1-50", true],
    ["MySQL56/u1:1-50", "MySQL56/u1:1-51", false],
    ["MySQL56/u1:1-51,u2:1-9:20-30", "MySQL56/u2:25", true],
    ["MySQL56/u1:1-51,u2:1-9:20-30", "MySQL56/u2:15", false],
    ["MySQL56/u1:1-51", "MySQL56/u1:1-51,u2:1", false],
    ["MariaDB/0-100-3", "MySQL56/u1:1", false],
    ["MySQL56/u1:1", "MariaDB/0-100-3", false],
  ])("%j at least %j: %s", (a, b, want) => {
    expect(positionAtLeast(pos(a), pos(b))).toBe(want);
  });

  it("a flavored position without transactions is reached by any position", () => {
    expect(positionAtLeast(pos("MySQL56/u1:1"), parseFlavoredGtidSet("MariaDB", ""))).toBe(true);
    expect(positionAtLeast(parseFlavoredGtidSet("MariaDB", ""), pos("MariaDB/0-1-1"))).toBe(false);
  });
});

describe("positionEqual", () => {
  it.each([
    ["", "", true],
    ["MariaDB/0-100-3", "MariaDB/0-100-3", true],
    ["MariaDB/0-100-3,1-101-7", "MariaDB/1-101-7,0-100-3", true],
    ["MariaDB/0-100-3", "MariaDB/0-100-4", false],
    ["MariaDB/0-100-3", "MariaDB/0-200-3", false],
    ["MariaDB/0-100-3", "MariaDB/0-100-3,1-101-7", false],
    ["MariaDB/0-100-3", "", false],
    ["MySQL56/u1:1-51", "MySQL56/U1:1-20:21-51", true],
    ["MySQL56/u1:1-51", "MySQL56/u1:1-50", false],
    ["MySQL56/u1:1", "", false],
    ["MariaDB/0-100-3", "MySQL56/u1:3", false],
  ])("%j == %j: %s", (a, b, want) => {
    expect(positionEqual(pos(a), pos(b))).toBe(want);
    expect(positionEqual(pos(b), pos(a))).toBe(want);
  });

  it("empty positions of any flavor equal the zero position", () => {
    expect(positionEqual(parseFlavoredGtidSet("MariaDB", ""), parseFlavoredGtidSet("MySQL56", ""))).toBe(
      true,
    );
  });
});

describe("positionUnion", () => {
  it.each([
    ["", "", ""],
    ["", "MariaDB/0-100-3", "MariaDB/0-100-3"],
    ["MariaDB/0-100-3", "", "MariaDB/0-100-3"],
    ["MariaDB/0-100-3", "MariaDB/0-100-5", "MariaDB/0-100-5"],
    ["MariaDB/0-100-5,1-101-1", "MariaDB/0-100-3,1-101-7", "MariaDB/0-100-5,1-101-7"],
    ["MariaDB/0-100-3", "MariaDB/1-101-7", "MariaDB/0-100-3,1-101-7"],
    ["MySQL56/u1:1-5", "MySQL56/u1:6-10,u2:1", "MySQL56/u1:1-10,u2:1"],
    ["MySQL56/u1:1-5", "MySQL56/u1:8-10", "MySQL56/u1:1-5:8-10"],
  ])("%j ∪ %j = %j", (a, b, want) => {
    expect(encodePosition(positionUnion(pos(a), pos(b)))).toBe(t(want));
  });

  it("an empty position of another flavor adds nothing", () => {
    const union = positionUnion(parseFlavoredGtidSet("MariaDB", ""), pos("MySQL56/u1:1-5"));
    expect(encodePosition(union)).toBe(t("MySQL56/u1:1-5"));
  });

  it("rejects positions of different flavors", () => {
    const error = catchPositionError(() => positionUnion(pos("MariaDB/0-100-3"), pos("MySQL56/u1:1-5")));
    expect(error.input).toBe(t("MySQL56/u1:1-5"));
    expect(error.message).toContain("different flavors");
    expect(error.message).toContain('"MariaDB/0-100-3"');
  });
});

describe("appendGtid", () => {
  it("starts a position from the zero position", () => {
    expect(encodePosition(appendGtid(ZERO_POSITION, parseMariadbGtid("0-100-1")))).toBe("MariaDB/0-100-1");
    expect(encodePosition(appendGtid(ZERO_POSITION, parseMysql56Gtid(`${U1}:1`)))).toBe(`MySQL56/${U1}:1`);
  });

  it("advances a MariaDB position", () => {
    let position: Position = pos("MariaDB/0-100-3,1-101-7");
    position = appendGtid(position, parseMariadbGtid("0-100-4"));
    position = appendGtid(position, parseMariadbGtid("2-102-1"));
    position = appendGtid(position, parseMariadbGtid("1-101-6"));
    expect(encodePosition(position)).toBe("MariaDB/0-100-4,1-101-7,2-102-1");
  });

  it("advances a MySQL position", () => {
    let position: Position = pos("MySQL56/u1:1-5");
    position = appendGtid(position, parseMysql56Gtid(`${U1}:6`));
    position = appendGtid(position, parseMysql56Gtid(`${U2}:1`));
    expect(encodePosition(position)).toBe(t("MySQL56/u1:1-6,u2:1"));
  });

  it("rejects a GTID of another flavor", () => {
    const error = catchPositionError(() => appendGtid(pos("MariaDB/0-100-3"), parseMysql56Gtid(`${U1}:6`)));
    expect(error.input).toBe(`${U1}:6`);
    expect(catchPositionError(() => appendGtid(pos("MySQL56/u1:1"), parseMariadbGtid("0-1-1"))).input).toBe(
      "0-1-1",
    );
  });
});
