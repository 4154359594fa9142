import { describe, expect, it } from "vitest";
import { formatMariadbGtid, mariadbGtid, parseMariadbGtid } from "./mariadb-gtid.js";
import { catchPositionError } from "./testing/catch-position-error.js";

describe("parseMariadbGtid", () => {
  it.each([
    ["0-100-3", 0, 100, 3n],
    ["12-345-6789", 12, 345, 6789n],
    ["5-4727-1737373", 5, 4727, 1737373n],
    ["4294967295-4294967295-18446744073709551615", 4294967295, 4294967295, 18446744073709551615n],
    ["0-0-0", 0, 0, 0n],
  ])("%j", (text, domain, server, sequence) => {
    const gtid = parseMariadbGtid(text);
    expect(gtid).toEqual({ flavor: "MariaDB", domain, server, sequence });
    expect(formatMariadbGtid(gtid)).toBe(text);
  });

  it("formats without leading zeros", () => {
    expect(formatMariadbGtid(parseMariadbGtid("007-01-0003"))).toBe("7-1-3");
  });

  it.each([
    ["0-100", "expecting Domain-Server-Sequence"],
    ["12345", "expecting Domain-Server-Sequence"],
    ["", "expecting Domain-Server-Sequence"],
    ["0-100-3-4", "expecting Domain-Server-Sequence"],
    ["-1-2-3", "expecting Domain-Server-Sequence"],
    ["x-1-2", 'Domain ID "x"'],
    ["1x-33-142", 'Domain ID "1x"'],
    [" 0-1-2", 'Domain ID " 0"'],
    ["+1-2-3", 'Domain ID "+1"'],
    ["4294967296-1-1", 'Domain ID "4294967296"'],
    ["1-2c3-142", 'Server ID "2c3"'],
    ["1--142", 'Server ID ""'],
    ["1-4294967296-1", 'Server ID "4294967296"'],
    ["1-33-a142", 'Sequence number "a142"'],
    ["0-1-", 'Sequence number ""'],
    ["1-1-18446744073709551616", 'Sequence number "18446744073709551616"'],
    ["1-1-1.5", 'Sequence number "1.5"'],
  ])("rejects %j (%s)", (text, fragment) => {
    const error = catchPositionError(() => parseMariadbGtid(text));
    expect(error.input).toBe(text);
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.name).toBe("PositionError");
    expect(error.message).toContain("invalid MariaDB GTID");
    expect(error.message).toContain(fragment);
  });
});

describe("mariadbGtid", () => {
  it("builds a GTID", () => {
    expect(mariadbGtid(1, 2, 3n)).toEqual(parseMariadbGtid("1-2-3"));
  });

  it.each([
    [-1, 1, 1n],
    [1.5, 1, 1n],
    [2 ** 32, 1, 1n],
    [1, -1, 1n],
    [1, 2 ** 32, 1n],
    [1, 1, -1n],
    [1, 1, 2n ** 64n],
  ])("rejects domain %d, server %d, sequence %d", (domain, server, sequence) => {
    const error = catchPositionError(() => mariadbGtid(domain, server, sequence));
    expect(error.input).toBe(`${domain}-${server}-${sequence}`);
  });
});
