import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Code, VtError } from "../../vterrors/index.js";
import { ColumnType, EventFlag, EventType, OptionalMetadata } from "./constants.js";
import { BinlogDecoder } from "./decoder.js";
import type { BinlogEvent, RowsEvent, TableMapEvent } from "./events.js";
import { rowStrings } from "./row-image.js";
import {
  bitmap,
  buildEvent,
  formatDescriptionBody,
  lenenc,
  lenencString,
  rowsBody,
  tableMapBody,
  u16,
  u32,
  u48,
  u64,
} from "./testing/event-builder.js";

function decoderWithFormat(version = "10.11.19-MariaDB-log"): BinlogDecoder {
  const decoder = new BinlogDecoder();
  decoder.decode(buildEvent(EventType.FORMAT_DESCRIPTION, formatDescriptionBody(version)));
  return decoder;
}

function expectKind<K extends BinlogEvent["kind"]>(
  event: BinlogEvent,
  kind: K,
): Extract<BinlogEvent, { kind: K }> {
  expect(event.kind).toBe(kind);
  return event as Extract<BinlogEvent, { kind: K }>;
}

function catchVtError(fn: () => unknown): VtError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VtError) return err;
    throw err;
  }
  throw new Error("expected a VtError");
}

describe("FORMAT_DESCRIPTION and checksums", () => {
  it("reads the server version and checksum algorithm", () => {
    const decoder = new BinlogDecoder();
    const event = expectKind(
      decoder.decode(buildEvent(EventType.FORMAT_DESCRIPTION, formatDescriptionBody())),
      "formatDescription",
    );
    expect(event.serverVersion).toBe("10.11.19-MariaDB-log");
    expect(event.checksum).toBe(1);
    expect(event.postHeaderLengths[EventType.QUERY - 1]).toBe(13);
    expect(decoder.checksum).toBe(1);
  });

  it("verifies an in-use file's FORMAT_DESCRIPTION with the in-use flag cleared", () => {
    const event = buildEvent(EventType.FORMAT_DESCRIPTION, formatDescriptionBody());
    event.writeUInt16LE(EventFlag.BINLOG_IN_USE, 17);
    expect(new BinlogDecoder().decode(event).kind).toBe("formatDescription");
  });

  it("rejects a corrupt event with DATA_LOSS", () => {
    const decoder = decoderWithFormat();
    const event = buildEvent(EventType.XID, u64(7n));
    event[EVENT_BODY] ^= 0xff;
    const err = catchVtError(() => decoder.decode(event));
    expect(err.code).toBe(Code.DATA_LOSS);
    expect(err.message).toMatch(/CRC32/);
  });

  it("decodes events without checksums after an OFF algorithm", () => {
    const decoder = new BinlogDecoder();
    decoder.decode(buildEvent(EventType.FORMAT_DESCRIPTION, formatDescriptionBody(undefined, 0)));
    expect(decoder.decode(buildEvent(EventType.XID, u64(9n), { checksum: false }))).toMatchObject({
      xid: 9n,
    });
  });
});

const EVENT_BODY = 19;

describe("control events", () => {
  const decoder = decoderWithFormat();

  it("ROTATE", () => {
    const event = decoder.decode(
      buildEvent(EventType.ROTATE, Buffer.concat([u64(4n), Buffer.from("bin.000002")])),
    );
    expect(event).toMatchObject({ kind: "rotate", nextFile: "bin.000002", position: 4 });
  });

  it("MariaDB GTID: standalone, and with a commit id", () => {
    const standalone = decoder.decode(
      buildEvent(
        EventType.MARIADB_GTID,
        Buffer.concat([u64(42n), u32(3), Buffer.from([0x29]), Buffer.alloc(6)]),
        {
          serverId: 101,
        },
      ),
    );
    expect(standalone).toMatchObject({
      kind: "gtid",
      gtid: { flavor: "MariaDB", domain: 3, server: 101, sequence: 42n },
      standalone: true,
      mariadbFlags: 0x29,
    });
    const grouped = expectKind(
      decoder.decode(
        buildEvent(EventType.MARIADB_GTID, Buffer.concat([u64(43n), u32(0), Buffer.from([0x0e]), u64(99n)])),
      ),
      "gtid",
    );
    expect(grouped.standalone).toBe(false);
    expect(grouped.commitId).toBe(99n);
  });

  it("MariaDB GTID_LIST", () => {
    const body = Buffer.concat([u32(2), u32(0), u32(100), u64(5n), u32(1), u32(101), u64(7n)]);
    const event = expectKind(decoder.decode(buildEvent(EventType.MARIADB_GTID_LIST, body)), "gtidList");
    expect(event.gtids.map((g) => `${g.domain}-${g.server}-${g.sequence}`)).toEqual(["0-100-5", "1-101-7"]);
  });

  it("QUERY with status variables, database and statement", () => {
    const status = Buffer.concat([
      Buffer.from([0]),
      u32(0),
      Buffer.from([1]),
      u64(1411383296n),
      Buffer.from([6, 3]),
      Buffer.from("std"),
      Buffer.from([4]),
      u16(45),
      u16(45),
      u16(45),
      Buffer.from([129]),
      u64(77n),
    ]);
    const body = Buffer.concat([
      u32(12),
      u32(0),
      Buffer.from([7]),
      u16(0),
      u16(status.length),
      status,
      Buffer.from("vt_test\0"),
      Buffer.from("ALTER TABLE t ADD COLUMN x INT"),
    ]);
    const event = decoder.decode(buildEvent(EventType.QUERY, body));
    expect(event).toMatchObject({
      kind: "query",
      database: "vt_test",
      sql: "ALTER TABLE t ADD COLUMN x INT",
      threadId: 12,
      sqlMode: 1411383296n,
      charset: { client: 45, connection: 45, server: 45 },
    });
  });

  it("MariaDB QUERY_COMPRESSED", () => {
    const sql = Buffer.from("CREATE TABLE big (id INT)");
    const compressed = Buffer.concat([Buffer.from([0x81, sql.length]), deflateSync(sql)]);
    const body = Buffer.concat([
      u32(1),
      u32(0),
      Buffer.from([1]),
      u16(0),
      u16(0),
      Buffer.from("d\0"),
      compressed,
    ]);
    expect(decoder.decode(buildEvent(EventType.MARIADB_QUERY_COMPRESSED, body))).toMatchObject({
      kind: "query",
      database: "d",
      sql: "CREATE TABLE big (id INT)",
    });
  });

  it("XID, ANNOTATE_ROWS, HEARTBEAT, STOP, BINLOG_CHECKPOINT, XA_PREPARE", () => {
    expect(decoder.decode(buildEvent(EventType.XID, u64(123456789012n)))).toMatchObject({
      xid: 123456789012n,
    });
    expect(
      decoder.decode(buildEvent(EventType.MARIADB_ANNOTATE_ROWS, Buffer.from("insert into t values (1)"))),
    ).toMatchObject({
      kind: "annotateRows",
      sql: "insert into t values (1)",
    });
    expect(
      decoder.decode(
        buildEvent(EventType.HEARTBEAT, Buffer.from("bin.000003"), {
          logPos: 1234,
          flags: EventFlag.ARTIFICIAL,
        }),
      ),
    ).toMatchObject({ kind: "heartbeat", file: "bin.000003", position: 1234 });
    expect(decoder.decode(buildEvent(EventType.STOP, Buffer.alloc(0))).kind).toBe("stop");
    expect(
      decoder.decode(
        buildEvent(EventType.MARIADB_BINLOG_CHECKPOINT, Buffer.concat([u32(10), Buffer.from("bin.000001")])),
      ),
    ).toMatchObject({ kind: "binlogCheckpoint", file: "bin.000001" });
    const xa = decoder.decode(
      buildEvent(
        EventType.XA_PREPARE,
        Buffer.concat([Buffer.from([0]), u32(1), u32(2), u32(1), Buffer.from("abc")]),
      ),
    );
    expect(xa).toMatchObject({ kind: "xaPrepare", onePhase: false, xid: { formatId: 1 } });
    expect(expectKind(xa, "xaPrepare").xid.gtrid.toString()).toBe("ab");
  });

  it("hands unknown events over raw and refuses ones it cannot decode", () => {
    expect(
      decoder.decode(buildEvent(EventType.INTVAR, Buffer.from([1, 5, 0, 0, 0, 0, 0, 0, 0]))),
    ).toMatchObject({
      kind: "other",
      typeName: "INTVAR",
    });
    expect(
      catchVtError(() => decoder.decode(buildEvent(EventType.TRANSACTION_PAYLOAD, Buffer.alloc(4)))).code,
    ).toBe(Code.UNIMPLEMENTED);
  });
});

describe("MySQL events", () => {
  const decoder = decoderWithFormat("8.0.36");
  const sid = Buffer.from("3e11fa4771ca11e19e33c80aa9429562", "hex");

  it("GTID with its logical clock", () => {
    const body = Buffer.concat([Buffer.from([1]), sid, u64(23n), Buffer.from([2]), u64(5n), u64(6n)]);
    expect(decoder.decode(buildEvent(EventType.GTID, body))).toMatchObject({
      kind: "gtid",
      gtid: { flavor: "MySQL56", sid: "3e11fa47-71ca-11e1-9e33-c80aa9429562", sequence: 23n },
      lastCommitted: 5n,
      sequenceNumber: 6n,
    });
    expect(decoder.decode(buildEvent(EventType.ANONYMOUS_GTID, Buffer.alloc(42))).kind).toBe("anonymousGtid");
  });

  it("PREVIOUS_GTIDS", () => {
    const body = Buffer.concat([u64(1n), sid, u64(2n), u64(1n), u64(6n), u64(10n), u64(12n)]);
    const event = expectKind(decoder.decode(buildEvent(EventType.PREVIOUS_GTIDS, body)), "previousGtids");
    expect(event.gtidSet).toEqual([
      {
        sid: "3e11fa47-71ca-11e1-9e33-c80aa9429562",
        intervals: [
          { start: 1n, end: 5n },
          { start: 10n, end: 11n },
        ],
      },
    ]);
  });

  it("leaves YEAR out of the signedness bitmap and GEOMETRY out of the charset columns", () => {
    const table = expectKind(
      decoder.decode(
        buildEvent(
          EventType.TABLE_MAP,
          tableMapBody({
            tableId: 5,
            database: "d",
            table: "t",
            columns: [
              { type: ColumnType.YEAR },
              { type: ColumnType.LONG },
              { type: ColumnType.GEOMETRY, meta: [4] },
              { type: ColumnType.VARCHAR, meta: [10, 0] },
            ],
            optional: [
              [OptionalMetadata.SIGNEDNESS, Buffer.from([0x80])],
              [OptionalMetadata.COLUMN_CHARSET, Buffer.from([8])],
            ],
          }),
        ),
      ),
      "tableMap",
    ).table;
    expect(table.columns.map((c) => [c.unsigned, c.collation])).toEqual([
      [false, undefined],
      [true, undefined],
      [false, undefined],
      [false, 8],
    ]);
  });
});

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
        { type: ColumnType.LONG, nullable: false },
        { type: ColumnType.TINY },
        { type: ColumnType.SHORT },
        { type: ColumnType.INT24 },
        { type: ColumnType.LONGLONG },
        { type: ColumnType.LONGLONG },
        { type: ColumnType.FLOAT, meta: [4] },
        { type: ColumnType.DOUBLE, meta: [8] },
        { type: ColumnType.NEWDECIMAL, meta: [10, 2] },
        { type: ColumnType.DATE },
        { type: ColumnType.TIME2, meta: [0] },
        { type: ColumnType.DATETIME2, meta: [3] },
        { type: ColumnType.TIMESTAMP2, meta: [0] },
        { type: ColumnType.YEAR },
        { type: ColumnType.VARCHAR, meta: [0x2c, 0x01] },
        { type: ColumnType.STRING, meta: [0xfe, 4] },
        { type: ColumnType.BLOB, meta: [2] },
        { type: ColumnType.STRING, meta: [ColumnType.ENUM, 1] },
        { type: ColumnType.STRING, meta: [ColumnType.SET, 1] },
        { type: ColumnType.BIT, meta: [4, 1] },
        { type: ColumnType.LONG },
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
    expect(table.columns[17]).toMatchObject({ type: ColumnType.ENUM, enumValues: ["red", "green"] });
    expect(table.columns[18]).toMatchObject({ type: ColumnType.SET, setValues: ["x", "y", "z"] });
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
            { type: ColumnType.VARCHAR, meta: [100, 0] },
            { type: ColumnType.BLOB, meta: [2] },
            { type: ColumnType.STRING, meta: [ColumnType.ENUM, 1] },
            { type: ColumnType.GEOMETRY, meta: [4] },
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
