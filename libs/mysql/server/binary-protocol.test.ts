import { describe, expect, it } from "vitest";
import { Type } from "../../proto/query.js";
import { MysqlColumnType } from "../column-type.js";
import { binaryEncodings, float32ToString, readBinaryParam, writeBinaryRow } from "./binary-protocol.js";
import { MalformedPacketError, PayloadReader } from "./packet-reader.js";
import { PacketWriter } from "./packet-writer.js";
import { field, packRow } from "./testing/canned-handler.js";

function param(hex: string, mysqlType: number, unsigned = false): [string, string] {
  const r = new PayloadReader(Buffer.from(hex, "hex"));
  const v = readBinaryParam(r, mysqlType, unsigned);
  expect(r.remaining).toBe(0);
  return [Type[v.type], v.value.toString("latin1")];
}

describe("readBinaryParam", () => {
  it("reads integers of every width, signed and unsigned, exactly", () => {
    expect(param("ff", MysqlColumnType.TINY)).toEqual(["INT64", "-1"]);
    expect(param("ff", MysqlColumnType.TINY, true)).toEqual(["UINT64", "255"]);
    expect(param("0080", MysqlColumnType.SHORT)).toEqual(["INT64", "-32768"]);
    expect(param("e807", MysqlColumnType.YEAR)).toEqual(["INT64", "2024"]);
    expect(param("ffffffff", MysqlColumnType.LONG, true)).toEqual(["UINT64", "4294967295"]);
    expect(param("00000080", MysqlColumnType.INT24)).toEqual(["INT64", "-2147483648"]);
    expect(param("ffffffffffffff7f", MysqlColumnType.LONGLONG)).toEqual(["INT64", "9223372036854775807"]);
    expect(param("0000000000000080", MysqlColumnType.LONGLONG)).toEqual(["INT64", "-9223372036854775808"]);
    expect(param("ffffffffffffffff", MysqlColumnType.LONGLONG, true)).toEqual([
      "UINT64",
      "18446744073709551615",
    ]);
    expect(param("ffffffffffffffff", MysqlColumnType.LONGLONG)).toEqual(["INT64", "-1"]);
    expect(param("0100000000002000", MysqlColumnType.LONGLONG)).toEqual(["INT64", "9007199254740993"]);
  });

  it("reads floats as the shortest text that round-trips", () => {
    const f = Buffer.alloc(4);
    f.writeFloatLE(0.1);
    expect(param(f.toString("hex"), MysqlColumnType.FLOAT)).toEqual(["FLOAT64", "0.1"]);
    const d = Buffer.alloc(8);
    d.writeDoubleLE(-2.5e300);
    expect(param(d.toString("hex"), MysqlColumnType.DOUBLE)).toEqual(["FLOAT64", "-2.5e+300"]);
    expect(float32ToString(Math.fround(3.4028234663852886e38))).toBe("3.4028235e+38");
  });

  it("reads DATE/DATETIME/TIMESTAMP of every length and TIME with sign and days", () => {
    expect(param("00", MysqlColumnType.DATE)).toEqual(["DATE", "0000-00-00"]);
    expect(param("04e8070201", MysqlColumnType.DATE)).toEqual(["DATE", "2024-02-01"]);
    expect(param("04e8070201", MysqlColumnType.DATETIME)).toEqual(["DATETIME", "2024-02-01 00:00:00"]);
    expect(param("07e80702010d0e0f", MysqlColumnType.TIMESTAMP)).toEqual([
      "TIMESTAMP",
      "2024-02-01 13:14:15",
    ]);
    expect(param("0be80702010d0e0f40e20100", MysqlColumnType.DATETIME)).toEqual([
      "DATETIME",
      "2024-02-01 13:14:15.123456",
    ]);
    expect(param("00", MysqlColumnType.TIME)).toEqual(["TIME", "00:00:00"]);
    expect(param("0801010000000102 03".replace(" ", ""), MysqlColumnType.TIME)).toEqual([
      "TIME",
      "-25:02:03",
    ]);
    expect(param("0c0022000000163b3b20a10700", MysqlColumnType.TIME)).toEqual(["TIME", "838:59:59.500000"]);
    expect(() => param("05e807020100", MysqlColumnType.DATE)).toThrow(MalformedPacketError);
  });

  it("reads length-encoded values by kind", () => {
    expect(param("0431322e35", MysqlColumnType.NEWDECIMAL)).toEqual(["DECIMAL", "12.5"]);
    expect(param("03616263", MysqlColumnType.VAR_STRING)).toEqual(["VARCHAR", "abc"]);
    expect(param("03616263", MysqlColumnType.STRING)).toEqual(["VARCHAR", "abc"]);
    expect(param("0200ff", MysqlColumnType.BLOB)).toEqual(["VARBINARY", "\u0000\u00ff"]);
    expect(param("027b7d", MysqlColumnType.JSON)).toEqual(["JSON", "{}"]);
    expect(param("", MysqlColumnType.NULL)).toEqual(["NULL_TYPE", ""]);
    expect(() => param("00", 0x77)).toThrow(MalformedPacketError);
  });
});

describe("writeBinaryRow", () => {
  function encode(types: Type[], values: (string | null)[]): string {
    const chunks: Buffer[] = [];
    const w = new PacketWriter({
      write: (d) => {
        chunks.push(Buffer.from(d));
        return true;
      },
    });
    writeBinaryRow(w, binaryEncodings(types.map((t, i) => field(`c${i}`, t))), packRow(values));
    w.flush();
    return Buffer.concat(chunks).subarray(4).toString("hex");
  }

  it("writes the NULL bitmap at offset 2 and each value in its binary form", () => {
    expect(encode([Type.INT8, Type.UINT16, Type.INT32, Type.INT64], ["-1", "65535", "-2", "-3"])).toBe(
      "0000" + "ff" + "ffff" + "feffffff" + "fdffffffffffffff",
    );
    expect(encode([Type.UINT64, Type.INT64], ["18446744073709551615", "-9223372036854775808"])).toBe(
      "0000" + "ffffffffffffffff" + "0000000000000080",
    );
    expect(encode([Type.INT64, Type.VARCHAR, Type.INT64], [null, "ab", null])).toBe("0014" + "026162");
    const nine = encode(Array(9).fill(Type.INT8), [null, "1", "2", "3", "4", "5", "6", null, "8"]);
    expect(nine).toBe("00" + "0402" + "01020304050608");
  });

  it("writes floats, decimals as text, temporals in their short forms", () => {
    expect(encode([Type.FLOAT32, Type.FLOAT64, Type.DECIMAL], ["1.5", "-0.25", "12.50"])).toBe(
      "0000" + "0000c03f" + "000000000000d0bf" + "0531322e3530",
    );
    expect(
      encode(
        [Type.DATE, Type.DATETIME, Type.DATETIME, Type.TIMESTAMP, Type.DATETIME],
        [
          "2024-02-01",
          "0000-00-00 00:00:00",
          "2024-02-01 13:14:15",
          "2024-02-01 00:00:00.5",
          "2024-02-01 00:00:00",
        ],
      ),
    ).toBe("0000" + "04e8070201" + "00" + "07e80702010d0e0f" + "0be807020100000020a10700" + "04e8070201");
    expect(encode([Type.TIME, Type.TIME, Type.TIME], ["-25:02:03", "00:00:00", "838:59:59.5"])).toBe(
      "0000" + "080101000000010203" + "00" + "0c0022000000163b3b20a10700",
    );
    expect(encode([Type.YEAR, Type.BLOB, Type.NULL_TYPE], ["2024", "\u0000", null])).toBe(
      "0010" + "e807" + "0100",
    );
  });
});
