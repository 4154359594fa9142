import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Code } from "../../vterrors/index.js";
import { MysqlColumnType } from "../column-type.js";
import { EventType, OptionalMetadata } from "./constants.js";
import type { BinlogDecoder } from "./decoder.js";
import type { RowsEvent, TableMapEvent } from "./events.js";
import { rowStrings } from "./row-image.js";
import { catchVtError, decoderWithFormat, expectKind } from "./testing/decoding.js";
import {
  bitmap,
  buildEvent,
  lenenc,
  lenencString,
  rowsBody,
  tableMapBody,
  u16,
  u32,
  u48,
} from "./testing/event-builder.js";

/** A table with one column of each kind the rows decoder handles, and its FULL optional metadata. */
function allTypesTableMap(tableId = 7): Buffer {
  const names = [
    "id",
    "u8",
    "i16",
    "u24",
    "big",
    "ubig",
    "f",
    "d",
    "dec",
    "dt",
    "tm",
    "dtm",
    "ts",
    "y",
  ].concat(["vc", "bin", "blob", "e", "s", "bits", "gone"]);
  return buildEvent(
    EventType.TABLE_MAP,
    tableMapBody({
      tableId,
      database: "vt_test",
      table: "all_types",
      columns: [
        { type: MysqlColumnType.LONG, nullable: false },
        { type: MysqlColumnType.TINY },
        { type: MysqlColumnType.SHORT },
        { type: MysqlColumnType.INT24 },
        { type: MysqlColumnType.LONGLONG },
        { type: MysqlColumnType.LONGLONG },
        { type: MysqlColumnType.FLOAT, meta: [4] },
        { type: MysqlColumnType.DOUBLE, meta: [8] },
        { type: MysqlColumnType.NEWDECIMAL, meta: [10, 2] },
        { type: MysqlColumnType.DATE },
        { type: MysqlColumnType.TIME2, meta: [0] },
        { type: MysqlColumnType.DATETIME2, meta: [3] },
        { type: MysqlColumnType.TIMESTAMP2, meta: [0] },
        { type: MysqlColumnType.YEAR },
        { type: MysqlColumnType.VARCHAR, meta: [0x2c, 0x01] },
        { type: MysqlColumnType.STRING, meta: [0xfe, 4] },
        { type: MysqlColumnType.BLOB, meta: [2] },
        { type: MysqlColumnType.STRING, meta: [MysqlColumnType.ENUM, 1] },
        { type: MysqlColumnType.STRING, meta: [MysqlColumnType.SET, 1] },
        { type: MysqlColumnType.BIT, meta: [4, 1] },
        { type: MysqlColumnType.LONG },
      ],
      optional: [
        // Numeric columns (MariaDB counts YEAR): id u8 i16 u24 big ubig f d dec y → u8, u24, ubig, y unsigned.
        [OptionalMetadata.SIGNEDNESS, Buffer.from([0b01010100, 0b01000000])],
        // Character columns vc, bin, blob: default utf8mb4, bin and blob binary.
        [OptionalMetadata.DEFAULT_CHARSET, Buffer.from([45, 1, 63, 2, 63])],
        [OptionalMetadata.COLUMN_NAME, Buffer.concat(names.map(lenencString))],
        [
          OptionalMetadata.ENUM_STR_VALUE,
          Buffer.concat([lenenc(2), lenencString("red"), lenencString("green")]),
        ],
        [
          OptionalMetadata.SET_STR_VALUE,
          Buffer.concat([lenenc(3), lenencString("x"), lenencString("y"), lenencString("z")]),
        ],
        [OptionalMetadata.SIMPLE_PRIMARY_KEY, Buffer.from([0])],
      ],
    }),
  );
}

const WIDTH = 21;

/** The image of one all-types row (without NULLs). */
function allTypesValues(id: number): Buffer {
  const dec = Buffer.from("8000007b2d", "hex"); // 123.45 as DECIMAL(10,2)
  const date = (2024 << 9) | (2 << 5) | 29;
  const ymd = ((2024n * 13n + 2n) << 5n) | 29n;
  const hms = (23n << 12n) | (59n << 6n) | 58n;
  const dtm = Buffer.alloc(7);
  dtm.writeUIntBE(Number(((ymd << 17n) | hms) + 0x8000000000n), 0, 5);
  dtm.writeUInt16BE(1230, 5);
  const time = Buffer.alloc(3);
  time.writeUIntBE(0x800000 + ((1 << 12) | (2 << 6) | 3), 0, 3);
  const ts = Buffer.alloc(4);
  ts.writeUInt32BE(2147483647);
  const f = Buffer.alloc(4);
  f.writeFloatLE(Math.PI);
  const d = Buffer.alloc(8);
  d.writeDoubleLE(Math.E);
  const big = Buffer.alloc(8);
  big.writeBigInt64LE(-9223372036854775808n);
  const ubig = Buffer.alloc(8);
  ubig.writeBigUInt64LE(18446744073709551615n);
  return Buffer.concat([
    u32(id),
    Buffer.from([255]),
    Buffer.from([0x00, 0x80]),
    Buffer.from([0xff, 0xff, 0xff]),
    big,
    ubig,
    f,
    d,
    dec,
    Buffer.from([date & 0xff, (date >> 8) & 0xff, date >> 16]),
    time,
    dtm,
    ts,
    Buffer.from([124]),
    Buffer.concat([u16(6), Buffer.from("😀ok")]),
    Buffer.from([2, 0x61, 0x62]),
    Buffer.concat([u16(3), Buffer.from([0, 1, 2])]),
    Buffer.from([2]),
    Buffer.from([0b101]),
    Buffer.from([0x0a, 0xbc]),
    u32(1),
  ]);
}

const ALL_TYPES_TEXT = [
  "1",
  "255",
  "-32768",
  "16777215",
  "-9223372036854775808",
  "18446744073709551615",
  "3.14159",
  "2.718281828459045",
  "123.45",
  "2024-02-29",
  "01:02:03",
  "2024-02-29 23:59:58.123",
  "2038-01-19 03:14:07",
  "2024",
  "😀ok",
  "ab\u0000\u0000",
  "\u0000\u0001\u0002",
  "green",
  "x,z",
  "\n\ufffd",
  "1",
];

describe("TABLE_MAP", () => {
  it("reads column metadata and the optional metadata", () => {
    const decoder = decoderWithFormat();
    const { table } = expectKind(decoder.decode(allTypesTableMap()), "tableMap") as TableMapEvent;
    expect(table).toMatchObject({ tableId: 7, database: "vt_test", table: "all_types" });
    expect(table.columns.map((c) => c.name)).toEqual([
      "id",
      "u8",
      "i16",
      "u24",
      "big",
      "ubig",
      "f",
      "d",
      "dec",
      "dt",
      "tm",
      "dtm",
      "ts",
      "y",
      "vc",
      "bin",
      "blob",
      "e",
      "s",
      "bits",
      "gone",
    ]);
    expect(table.columns.filter((c) => c.unsigned).map((c) => c.name)).toEqual(["u8", "u24", "ubig", "y"]);
    expect(table.columns.map((c) => c.collation).slice(14, 19)).toEqual([45, 63, 63, undefined, undefined]);
    expect(table.columns[17]).toMatchObject({ type: MysqlColumnType.ENUM, enumValues: ["red", "green"] });
    expect(table.columns[18]).toMatchObject({ type: MysqlColumnType.SET, setValues: ["x", "y", "z"] });
    expect(table.columns[0]!.nullable).toBe(false);
    expect(table.primaryKey).toEqual([{ column: 0, prefix: 0 }]);
  });

  it("reads a primary key with prefixes and column charsets", () => {
    const decoder = decoderWithFormat();
    const event = decoder.decode(
      buildEvent(
        EventType.TABLE_MAP,
        tableMapBody({
          tableId: 9,
          database: "d",
          table: "t",
          columns: [
            { type: MysqlColumnType.VARCHAR, meta: [100, 0] },
            { type: MysqlColumnType.BLOB, meta: [2] },
            { type: MysqlColumnType.STRING, meta: [MysqlColumnType.ENUM, 1] },
            { type: MysqlColumnType.GEOMETRY, meta: [4] },
          ],
          optional: [
            [OptionalMetadata.COLUMN_CHARSET, Buffer.from([8, 63, 63])],
            [OptionalMetadata.PRIMARY_KEY_WITH_PREFIX, Buffer.from([0, 10, 1, 0])],
            [OptionalMetadata.ENUM_AND_SET_COLUMN_CHARSET, Buffer.from([33])],
            [OptionalMetadata.GEOMETRY_TYPE, Buffer.from([1])],
            [99, Buffer.from([1, 2, 3])],
          ],
        }),
      ),
    );
    const { table } = expectKind(event, "tableMap");
    expect(table.columns.map((c) => c.collation)).toEqual([8, 63, 33, 63]);
    expect(table.columns[3]!.geometryType).toBe(1);
    expect(table.primaryKey).toEqual([
      { column: 0, prefix: 10 },
      { column: 1, prefix: 0 },
    ]);
  });
});

describe("rows events", () => {
  function insert(
    decoder: BinlogDecoder,
    images: Buffer[],
    options: { v2?: boolean; type?: number } = {},
  ): RowsEvent {
    decoder.decode(allTypesTableMap());
    const type = options.type ?? (options.v2 ? EventType.WRITE_ROWS_V2 : EventType.WRITE_ROWS_V1);
    return expectKind(
      decoder.decode(buildEvent(type, rowsBody({ tableId: 7, width: WIDTH, images, v2: options.v2 }))),
      "rows",
    );
  }

  it("decodes every type to MySQL's text", () => {
    const event = insert(decoderWithFormat(), [Buffer.concat([bitmap(WIDTH, []), allTypesValues(1)])]);
    expect(event.action).toBe("insert");
    expect(event.columnsPresent).toBeUndefined();
    expect(event.rows).toHaveLength(1);
    expect(rowStrings(event.rows[0]!.after!)).toEqual(ALL_TYPES_TEXT);
    expect(event.rows[0]!.after!.lengths[15]).toBe(4);
  });

  it("decodes NULLs and several rows sharing one buffer, v1 and v2", () => {
    const nulls = Buffer.concat([bitmap(WIDTH, [...Array(WIDTH).keys()].slice(1)), u32(2)]);
    for (const v2 of [false, true]) {
      const event = insert(
        decoderWithFormat(),
        [Buffer.concat([bitmap(WIDTH, []), allTypesValues(1)]), nulls],
        { v2 },
      );
      expect(event.rows.map((r) => rowStrings(r.after!)[0])).toEqual(["1", "2"]);
      expect(rowStrings(event.rows[1]!.after!).slice(1)).toEqual(Array(WIDTH - 1).fill(null));
      expect(event.rows[1]!.after!.lengths.slice(1)).toEqual(Array(WIDTH - 1).fill(-1));
    }
  });

  it("pairs update before and after images", () => {
    const decoder = decoderWithFormat();
    decoder.decode(allTypesTableMap());
    const before = Buffer.concat([bitmap(WIDTH, []), allTypesValues(1)]);
    const after = Buffer.concat([bitmap(WIDTH, []), allTypesValues(2)]);
    const event = expectKind(
      decoder.decode(
        buildEvent(
          EventType.UPDATE_ROWS_V1,
          rowsBody({ tableId: 7, width: WIDTH, presentAfter: bitmap(WIDTH), images: [before, after] }),
        ),
      ),
      "rows",
    );
    expect(event.action).toBe("update");
    expect(rowStrings(event.rows[0]!.before!)[0]).toBe("1");
    expect(rowStrings(event.rows[0]!.after!)[0]).toBe("2");
  });

  it("handles MINIMAL images: only the present columns are in the row", () => {
    const decoder = decoderWithFormat();
    decoder.decode(allTypesTableMap());
    // Delete by primary key: the before image holds only `id`.
    const event = expectKind(
      decoder.decode(
        buildEvent(
          EventType.DELETE_ROWS_V1,
          rowsBody({
            tableId: 7,
            width: WIDTH,
            present: bitmap(WIDTH, [0]),
            images: [Buffer.concat([Buffer.from([0]), u32(5)])],
          }),
        ),
      ),
      "rows",
    );
    expect(event.action).toBe("delete");
    expect(event.columnsPresent).toEqual(Uint8Array.from(bitmap(WIDTH, [0])));
    expect(rowStrings(event.rows[0]!.before!)).toEqual(["5", ...Array(WIDTH - 1).fill(null)]);
  });

  it("decodes MariaDB's compressed rows events", () => {
    const rows = Buffer.concat([lenenc(WIDTH), bitmap(WIDTH), bitmap(WIDTH, []), allTypesValues(3)]);
    const payload = Buffer.concat([Buffer.from([0x82]), u16(rows.length).reverse(), deflateSync(rows)]);
    const decoder = decoderWithFormat();
    decoder.decode(allTypesTableMap());
    const event = expectKind(
      decoder.decode(
        buildEvent(EventType.MARIADB_WRITE_ROWS_COMPRESSED_V2, Buffer.concat([u48(7), u16(1), payload])),
      ),
      "rows",
    );
    expect(rowStrings(event.rows[0]!.after!)[0]).toBe("3");
  });

  it("requires the TABLE_MAP", () => {
    const decoder = decoderWithFormat();
    const err = catchVtError(() =>
      decoder.decode(buildEvent(EventType.WRITE_ROWS_V1, rowsBody({ tableId: 8, width: 1, images: [] }))),
    );
    expect(err.code).toBe(Code.DATA_LOSS);
  });

  it("clears table maps at the end of a statement", () => {
    const decoder = decoderWithFormat();
    insert(decoder, [Buffer.concat([bitmap(WIDTH, []), allTypesValues(1)])]);
    expect(decoder.table(7)).toBeUndefined();
  });
});
