import { describe, expect, it } from "vitest";
import {
  formatMysql56Gtid,
  mysql56Gtid,
  parseGtidSequence,
  parseMysql56Gtid,
  parseSid,
} from "./mysql56-gtid.js";
import { catchPositionError } from "./testing/catch-position-error.js";

const SID = "00010203-0405-0607-0809-0a0b0c0d0e0f";

describe("parseSid", () => {
  it.each([
    [SID, SID],
    ["00010203-0405-0607-0809-0A0B0C0D0E0F", SID],
    ["3E11FA47-71CA-11E1-9E33-C80AA9429562", "3e11fa47-71ca-11e1-9e33-c80aa9429562"],
  ])("%j -> %j", (text, want) => {
    expect(parseSid(text)).toBe(want);
  });

  it.each([
    "",
    "00010203-0405-0607-0809-0a0b0c0d0e0",
    "00010203-0405-0607-0809-0a0b0c0d0e0f0",
    "000102030405060708090a0b0c0d0e0f",
    "00010203-0405-0607-0809_0a0b0c0d0e0f",
    "0001020-30405-0607-0809-0a0b0c0d0e0f",
    "00010203-0405-0607-0809-0a0b0c0d0e0g",
    "{00010203-0405-0607-0809-0a0b0c0d0e0f}",
  ])("rejects %j", (text) => {
    const error = catchPositionError(() => parseSid(text));
    expect(error.input).toBe(text);
    expect(error.message).toContain("invalid MySQL 5.6 SID");
  });
});

describe("parseGtidSequence", () => {
  it.each([
    ["1", 1n],
    ["56789", 56789n],
    ["9223372036854775807", 9223372036854775807n],
  ])("%j", (text, want) => {
    expect(parseGtidSequence(text)).toBe(want);
  });

  it.each(["0", "", "-1", "x", "1.0", "9223372036854775808", " 1"])("rejects %j", (text) => {
    expect(catchPositionError(() => parseGtidSequence(text)).input).toBe(text);
  });
});

describe("parseMysql56Gtid", () => {
  it("parses uuid:sequence", () => {
    const gtid = parseMysql56Gtid(`${SID}:56789`);
    expect(gtid).toEqual({ flavor: "MySQL56", sid: SID, sequence: 56789n });
    expect(formatMysql56Gtid(gtid)).toBe(`${SID}:56789`);
  });

  it("lowercases the uuid", () => {
    expect(formatMysql56Gtid(parseMysql56Gtid(`${SID.toUpperCase()}:5`))).toBe(`${SID}:5`);
  });

  it.each([
    [SID, "expecting UUID:Sequence"],
    [`${SID}:1:2`, "expecting UUID:Sequence"],
    [`${SID}:1-5`, "sequence number"],
    [`${SID}:0`, "sequence number"],
    [`${SID}:x`, "sequence number"],
    [`${SID}:`, "sequence number"],
    [`${SID}:9223372036854775808`, "sequence number"],
    ["not-a-uuid:5", "invalid MySQL 5.6 SID"],
    [":5", "invalid MySQL 5.6 SID"],
  ])("rejects %j (%s)", (text, fragment) => {
    const error = catchPositionError(() => parseMysql56Gtid(text));
    expect(error.input).toBe(text);
    expect(error.message).toContain(`invalid MySQL 5.6 GTID "${text}"`);
    expect(error.message).toContain(fragment);
  });
});

describe("mysql56Gtid", () => {
  it("builds a canonical GTID", () => {
    expect(mysql56Gtid(SID.toUpperCase(), 7n)).toEqual(parseMysql56Gtid(`${SID}:7`));
  });

  it.each([0n, -1n, 2n ** 63n])("rejects sequence %d", (sequence) => {
    expect(catchPositionError(() => mysql56Gtid(SID, sequence)).input).toBe(`${SID}:${sequence}`);
  });

  it("rejects a bad uuid", () => {
    expect(catchPositionError(() => mysql56Gtid("nope", 1n)).input).toBe("nope");
  });
});
