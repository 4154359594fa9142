import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Code } from "../../vterrors/index.js";
import { MysqlColumnType } from "../column-type.js";
import { EventFlag, EventType, OptionalMetadata } from "./constants.js";
import { BinlogDecoder } from "./decoder.js";
import { catchVtError, decoderWithFormat, expectKind } from "./testing/decoding.js";
import { buildEvent, formatDescriptionBody, tableMapBody, u16, u32, u64 } from "./testing/event-builder.js";

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
              { type: MysqlColumnType.YEAR },
              { type: MysqlColumnType.LONG },
              { type: MysqlColumnType.GEOMETRY, meta: [4] },
              { type: MysqlColumnType.VARCHAR, meta: [10, 0] },
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
