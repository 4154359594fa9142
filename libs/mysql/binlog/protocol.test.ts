import { describe, expect, it } from "vitest";
import { parseMysql56GtidSet } from "../replication/index.js";
import {
  binlogDumpGtidPayload,
  binlogDumpPayload,
  encodeSidBlock,
  parseErrorPacket,
  registerSlavePayload,
} from "./protocol.js";

describe("replication command payloads", () => {
  it("COM_REGISTER_SLAVE", () => {
    expect(registerSlavePayload({ serverId: 0x01020304, user: "vt" }).toString("hex")).toBe(
      `15${"04030201"}00${"02"}7674${"00"}${"0000"}${"00000000"}${"00000000"}`,
    );
  });

  it("COM_BINLOG_DUMP", () => {
    expect(
      binlogDumpPayload({ serverId: 7, file: "bin.000001", position: 4, flags: 2 }).toString("hex"),
    ).toBe(`12${"04000000"}${"0200"}${"07000000"}${Buffer.from("bin.000001").toString("hex")}`);
    expect(binlogDumpPayload({ serverId: 7, file: "", position: 4, flags: 0 }).length).toBe(11);
  });

  it("COM_BINLOG_DUMP_GTID with the SID block of a GTID set (exclusive interval ends)", () => {
    const set = parseMysql56GtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:10");
    const sids = encodeSidBlock(set);
    expect(sids.readBigUInt64LE(0)).toBe(1n);
    expect(sids.subarray(8, 24).toString("hex")).toBe("3e11fa4771ca11e19e33c80aa9429562");
    expect(sids.readBigUInt64LE(24)).toBe(2n);
    expect([32, 40, 48, 56].map((at) => sids.readBigUInt64LE(at))).toEqual([1n, 6n, 10n, 11n]);
    const payload = binlogDumpGtidPayload({ serverId: 9, flags: 4, gtidSet: set });
    expect(payload[0]).toBe(0x1e);
    expect(payload.readUInt16LE(1)).toBe(4);
    expect(payload.readUInt32LE(3)).toBe(9);
    expect(payload.readUInt32LE(7)).toBe(0);
    expect(payload.readBigUInt64LE(11)).toBe(4n);
    expect(payload.readUInt32LE(19)).toBe(sids.length);
    expect(payload.subarray(23)).toEqual(sids);
    expect(encodeSidBlock([]).toString("hex")).toBe("0000000000000000");
  });

  it("parses ERR packets", () => {
    const packet = Buffer.concat([
      Buffer.from([0xff, 0xd4, 0x04]),
      Buffer.from("#HY000Could not find GTID state"),
    ]);
    expect(parseErrorPacket(packet, 0, packet.length)).toEqual({
      errno: 1236,
      sqlState: "HY000",
      message: "Could not find GTID state",
    });
  });
});
