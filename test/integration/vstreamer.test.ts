import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyRangeContains, parseShardName } from "../../libs/key/index.js";
import { encodePosition } from "../../libs/mysql/replication/index.js";
import { VEventType, VStreamRowsRequest, type VStreamRowsResponse } from "../../libs/proto/binlogdata.js";
import { Type } from "../../libs/proto/query.js";
import { TabletType } from "../../libs/proto/topodata.js";
import { Keyspace } from "../../libs/proto/vschema.js";
import { saveVSchema } from "../../libs/topo/index.js";
import { createDefaultVindexRegistry, int64Value, isSingleColumn } from "../../libs/vindexes/index.js";
import { Code, VtError } from "../../libs/vterrors/index.js";
import { labels, rowText, type VStreamReader } from "../harness/vstream-client.js";
import { expectStreamError, reached, rowEvents, VStreamTablet } from "../harness/vstream-tablet.js";
import { waitFor } from "../harness/wait.js";

const BLOB_16MB = 16 * 1024 * 1024;
const t = new VStreamTablet("vstreamer", 320, "customer");
/** A position early in the binlog, for the purged-position test at the end. */
let earlyPosition = "";

beforeAll(async () => {
  await t.start();
  await t.dba.query("CREATE TABLE early (id INT PRIMARY KEY)");
  await t.dba.query("INSERT INTO early VALUES (1)");
  earlyPosition = encodePosition(await t.binlogPosition());
});

afterAll(() => t.stop());

const ALL_TYPES_DDL = `CREATE TABLE all_types (
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,
  bi BIGINT, biu BIGINT UNSIGNED, f FLOAT, d DOUBLE, dec1 DECIMAL(10,2), dec2 DECIMAL(65,30),
  dt DATE, tm TIME, tm6 TIME(6), dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP NULL, ts3 TIMESTAMP(3) NULL, y YEAR,
  c CHAR(10), vc VARCHAR(300), vcl VARCHAR(20) CHARACTER SET latin1, b BINARY(8), vb VARBINARY(20),
  bl BLOB, lb LONGBLOB, tx TEXT, lt LONGTEXT, e ENUM('a','b','c'), s SET('x','y','z'),
  bt1 BIT(1), bt64 BIT(64), j JSON, g GEOMETRY
) DEFAULT CHARSET=utf8mb4`;

const MIN_ROW = `(2, -128, 0, -32768, 0, -2147483648, 0, -9223372036854775808, 0, -3.40282e38,
  -1.7976931348623157e308, -99999999.99, '-99999999999999999999999999999999999.999999999999999999999999999999',
  '1000-01-01', '-838:59:59', '-838:59:59.000000', '1000-01-01 00:00:00', '1000-01-01 00:00:00.000000',
  '1970-01-01 00:00:01', '1970-01-01 00:00:01.000', 1901, '', '', '', x'', x'', '', '', '', '', 'a', '',
  b'0', b'0', '{}', ST_GeomFromText('POINT(0 0)'))`;

const MAX_ROW = `(3, 127, 255, 32767, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,
  3.40282e38, 1.7976931348623157e308, 99999999.99, '99999999999999999999999999999999999.999999999999999999999999999999',
  '9999-12-31', '838:59:59', '838:59:59.999999', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999',
  '2038-01-19 03:14:07', '2038-01-19 03:14:07.999', 2155, REPEAT('z', 10), REPEAT('€', 300), REPEAT('ÿ', 20),
  x'ffffffffffffffff', REPEAT(x'ff', 20), REPEAT('b', 65535), REPEAT('l', 70000), REPEAT('x', 65535),
  REPEAT('ñ', 100000), 'c', 'x,y,z', b'1', b'1111111111111111111111111111111111111111111111111111111111111111',
  '{"a": [1, 2.5, null, true], "b": {"c": "😀"}}', ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))'))`;

const TYPICAL_ROW = `(4, 1, 2, 3, 4, 5, 6, 1234567890123, 9007199254740993, 3.14159, 2.718281828459045,
  -12345678.91, '-1.000000000000000000000000000001', '2024-02-29', '-00:00:01', '-00:00:00.000001',
  '2024-02-29 23:59:58', '2024-02-29 23:59:58.000001', '2024-02-29 12:00:00', '2000-01-01 00:00:00.123', 2024,
  'héllo', 'emoji 😀 ñ 中文', 'café', x'00ff00', x'00', x'0102', REPEAT(x'00ff7f80', ${BLOB_16MB / 4}),
  'text 😀', 'long', 'b', 'x,z', b'1', b'1000000000000000000000000000000000000000000000000000000000000001',
  '"just a string"', ST_GeomFromText('LINESTRING(0 0, 1 1, 2 2)'))`;

describe("VStream from a vttablet on real MariaDB", () => {
  it("streams inserts, updates and deletes of every column type exactly as SELECT shows them", async () => {
    await t.dba.query(ALL_TYPES_DDL);
    const reader = await t.streamFromNow([{ match: "all_types", filter: "select * from all_types" }]);
    await t.dba.query("INSERT INTO all_types (id) VALUES (1)");
    await t.dba.query(`INSERT INTO all_types VALUES ${MIN_ROW}, ${MAX_ROW}`);
    await t.dba.query(`INSERT INTO all_types VALUES ${TYPICAL_ROW}`);
    const afterInsert = await t.selectRows("SELECT * FROM all_types ORDER BY id");
    await t.dba.query(
      "UPDATE all_types SET ti = -1, vc = 'updated ✓', lb = x'0102', dtm6 = '2020-01-01 00:00:00.5', e = NULL WHERE id = 3",
    );
    const afterUpdate = await t.selectRows("SELECT * FROM all_types ORDER BY id");
    await t.dba.query("DELETE FROM all_types WHERE id = 2");
    await reached(reader, await t.binlogPosition());
    await reader.stop();

    // A statement's rows may span several binlog rows events (8 KB each): one ROW event per rows event.
    expect(
      labels(reader.events).filter((label, i, all) => label !== "ROW all_types" || all[i - 1] !== label),
    ).toEqual([
      ...["BEGIN", "FIELD all_types", "ROW all_types", "GTID", "COMMIT"],
      ...["BEGIN", "ROW all_types", "GTID", "COMMIT"],
      ...["BEGIN", "ROW all_types", "GTID", "COMMIT"],
      ...["BEGIN", "ROW all_types", "GTID", "COMMIT"],
      ...["BEGIN", "ROW all_types", "GTID", "COMMIT"],
    ]);
    const field = reader.events.find((e) => e.type === VEventType.FIELD)!.fieldEvent!;
    const [columns] = await t.dba.query("SHOW COLUMNS FROM all_types");
    expect(field.fields.map((f) => f.name)).toEqual((columns as { Field: string }[]).map((c) => c.Field));
    expect(field).toMatchObject({
      keyspace: t.keyspace,
      shard: "0",
      tableName: "all_types",
      enumSetStringValues: true,
    });
    const typeOf = (name: string) => field.fields.find((f) => f.name === name)!.type;
    expect([typeOf("biu"), typeOf("dec1"), typeOf("ts"), typeOf("vb"), typeOf("e"), typeOf("bt64")]).toEqual([
      Type.UINT64,
      Type.DECIMAL,
      Type.TIMESTAMP,
      Type.VARBINARY,
      Type.ENUM,
      Type.BIT,
    ]);

    const changes = rowEvents(reader.events, "all_types");
    const inserted = changes.slice(0, 4).map((c) => rowText(c.after));
    expect(inserted).toEqual(afterInsert);
    expect(changes.slice(0, 4).every((c) => c.before === undefined)).toBe(true);
    expect(rowText(changes[4]!.before)).toEqual(afterInsert[2]);
    expect(rowText(changes[4]!.after)).toEqual(afterUpdate[2]);
    expect(rowText(changes[5]!.before)).toEqual(afterUpdate[1]);
    expect(changes[5]!.after).toBeUndefined();
    for (const event of reader.events) {
      expect(event.keyspace).toBe(t.keyspace);
      expect(event.shard).toBe("0");
    }

    // VStreamRows sends the same bytes, and the same fields, for every type.
    const copied: VStreamRowsResponse[] = [];
    for await (const response of t.client.rpc.vStreamRows(
      VStreamRowsRequest.fromPartial({ target: t.target, query: "select * from all_types" }),
    )) {
      copied.push(response);
    }
    expect(copied[0]!.fields).toEqual(field.fields);
    expect(copied.flatMap((r) => r.rows.map(rowText))).toEqual(
      await t.selectRows("SELECT * FROM all_types ORDER BY id"),
    );
  });

  it("sends a large transaction in chunks of about 250 KB, in order, with its boundaries", async () => {
    await t.dba.query("CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(1000))");
    const reader = await t.streamFromNow([{ match: "big", filter: "select * from big" }]);
    const values = Array.from({ length: 3000 }, (_, i) => `(${i + 1}, REPEAT('x', 1000))`);
    await t.dba.query("BEGIN");
    for (let i = 0; i < values.length; i += 500)
      await t.dba.query(`INSERT INTO big VALUES ${values.slice(i, i + 500).join(",")}`);
    await t.dba.query("COMMIT");
    await reached(reader, await t.binlogPosition());
    await reader.stop();
    const rows = rowEvents(reader.events, "big").map((c) => Number(rowText(c.after)![0]));
    expect(rows).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    const nonHeartbeat = labels(reader.events);
    expect(nonHeartbeat[0]).toBe("BEGIN");
    expect(nonHeartbeat.slice(-2)).toEqual(["GTID", "COMMIT"]);
    expect(reader.responseRowBytes.filter((bytes) => bytes > 0).length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...reader.responseRowBytes)).toBeLessThanOrEqual(250_000 + 16_384);
  });

  it("DDL during a stream: the DDL event, then FIELD with the new columns, then rows with them", async () => {
    await t.dba.query("CREATE TABLE ddl_t (id INT PRIMARY KEY, a VARCHAR(10))");
    const reader = await t.streamFromNow([{ match: "ddl_t", filter: "select * from ddl_t" }]);
    await t.dba.query("INSERT INTO ddl_t VALUES (1, 'x')");
    await t.dba.query("ALTER TABLE ddl_t ADD COLUMN b INT");
    await t.dba.query("INSERT INTO ddl_t VALUES (2, 'y', 7)");
    // A transaction whose first binlogged statement is a SAVEPOINT is still one transaction.
    await t.dba.query("BEGIN");
    await t.dba.query("SAVEPOINT s1");
    await t.dba.query("INSERT INTO ddl_t VALUES (3, 'z', 8)");
    await t.dba.query("COMMIT");
    await reached(reader, await t.binlogPosition());
    await reader.stop();
    expect(labels(reader.events)).toEqual([
      ...["BEGIN", "FIELD ddl_t", "ROW ddl_t", "GTID", "COMMIT"],
      ...["GTID", "DDL"],
      ...["BEGIN", "FIELD ddl_t", "ROW ddl_t", "GTID", "COMMIT"],
      ...["BEGIN", "ROW ddl_t", "GTID", "COMMIT"],
    ]);
    const fields = reader.events
      .filter((e) => e.type === VEventType.FIELD)
      .map((e) => e.fieldEvent!.fields.map((f) => f.name));
    expect(fields).toEqual([
      ["id", "a"],
      ["id", "a", "b"],
    ]);
    expect(reader.events.find((e) => e.type === VEventType.DDL)!.statement).toBe(
      "ALTER TABLE ddl_t ADD COLUMN b INT",
    );
    expect(rowEvents(reader.events, "ddl_t").map((c) => rowText(c.after))).toEqual([
      ["1", "x"],
      ["2", "y", "7"],
      ["3", "z", "8"],
    ]);
  });

  it("in_keyrange(customer_id, 'hash', '-80') and in_keyrange('-80') yield exactly the rows hashing into -80", async () => {
    await t.dba.query("CREATE TABLE customer (customer_id BIGINT PRIMARY KEY, email VARCHAR(64), note TEXT)");
    await saveVSchema(
      t.ts,
      t.keyspace,
      Keyspace.fromPartial({
        sharded: true,
        vindexes: { hash: { type: "hash" } },
        tables: { customer: { columnVindexes: [{ column: "customer_id", name: "hash" }] } },
      }),
    );
    const named = await t.streamFromNow([
      {
        match: "customer",
        filter: "select customer_id, email from customer where in_keyrange(customer_id, 'hash', '-80')",
      },
    ]);
    const primary = await t.streamFromNow([
      { match: "customer", filter: "select * from customer where in_keyrange('-80')" },
    ]);
    for (let batch = 0; batch < 10; batch++) {
      const values = Array.from({ length: 30 }, (_, i) => {
        const id = batch * 30 + i + 1;
        return `(${id}, 'c${id}@example.com', 'n${id}')`;
      });
      await t.dba.query(`INSERT INTO customer VALUES ${values.join(",")}`);
    }
    const end = await t.binlogPosition();
    await reached(named, end);
    await reached(primary, end);
    await named.stop();
    await primary.stop();

    const registry = createDefaultVindexRegistry();
    const hash = registry.create("hash", "hash");
    if (!isSingleColumn(hash)) throw new Error("hash is a single-column vindex");
    const lowHalf = parseShardName("-80");
    const expected = Array.from({ length: 300 }, (_, i) => i + 1).filter((id) => {
      const destination = hash.map([int64Value(id)])[0]!;
      return destination.kind === "keyspaceId" && keyRangeContains(lowHalf, destination.id);
    });
    expect(expected.length).toBeGreaterThan(100);
    expect(expected.length).toBeLessThan(200);
    const ids = (reader: VStreamReader) =>
      rowEvents(reader.events, "customer").map((c) => Number(rowText(c.after)![0]));
    expect(ids(named)).toEqual(expected);
    expect(ids(primary)).toEqual(expected);
    const namedField = named.events.find((e) => e.type === VEventType.FIELD)!.fieldEvent!;
    expect(namedField.fields.map((f) => f.name)).toEqual(["customer_id", "email"]);
    expect(rowText(rowEvents(named.events, "customer")[0]!.after)).toEqual([
      String(expected[0]),
      `c${expected[0]}@example.com`,
    ]);
  });

  it("bad input gets a clear error while another stream keeps running", async () => {
    await t.dba.query("CREATE TABLE errs_t (id INT PRIMARY KEY, note VARCHAR(20))");
    const good = await t.streamFromNow([{ match: "errs_t", filter: "" }]);
    await expectStreamError(
      t.stream([{ match: "errs_t", filter: "" }], "garbage"),
      Code.INVALID_ARGUMENT,
      /invalid VStream position/,
    );
    await expectStreamError(
      t.stream([{ match: "errs_t", filter: "" }], "MariaDB/0-1"),
      Code.INVALID_ARGUMENT,
      /invalid VStream position/,
    );
    await expectStreamError(
      t.stream([{ match: "errs_t", filter: "insert into errs_t values (1, 'x')" }]),
      Code.INVALID_ARGUMENT,
      /not a select statement/,
    );
    await expectStreamError(
      t.stream([{ match: "errs_t", filter: "select * from errs_t where" }]),
      Code.INVALID_ARGUMENT,
      /not a valid select/,
    );
    await expectStreamError(
      t.stream([{ match: "nope", filter: "select * from nope" }]),
      Code.INVALID_ARGUMENT,
      /unknown table nope/,
    );
    await expectStreamError(
      t.stream([{ match: "errs_t", filter: "select nope from errs_t" }]),
      Code.INVALID_ARGUMENT,
      /column nope not found/,
    );
    await expectStreamError(
      t.stream([{ match: "errs_t", filter: "" }], "current", { ...t.target, tabletType: TabletType.PRIMARY }),
      Code.FAILED_PRECONDITION,
      /invalid target/,
    );
    const rowsError = await (async () => {
      try {
        for await (const _ of t.client.rpc.vStreamRows(
          VStreamRowsRequest.fromPartial({ target: t.target, query: "delete from errs_t" }),
        )) {
          // nothing
        }
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect((rowsError as VtError).code).toBe(Code.INVALID_ARGUMENT);

    // A purged position: the binlog that had it is gone.
    await t.dba.query("FLUSH BINARY LOGS");
    const [status] = await t.dba.query("SHOW MASTER STATUS");
    const newest = (status as { File: string }[])[0]!.File;
    // MariaDB keeps a binlog a dump thread still reads: let the running stream move past the flush first.
    await t.dba.query("INSERT INTO errs_t VALUES (99999, 'after the flush')");
    await good.until("the row written after the flush", (events) =>
      rowEvents(events, "errs_t").some((c) => rowText(c.after)?.[0] === "99999"),
    );
    await waitFor("the older binlogs to be purged", async () => {
      await t.dba.query(`PURGE BINARY LOGS TO '${newest}'`);
      const [logs] = await t.dba.query("SHOW BINARY LOGS");
      return (logs as unknown[]).length === 1;
    });
    const purged = t.stream([{ match: "errs_t", filter: "" }], earlyPosition);
    const err = await purged.failure();
    expect(err).toBeInstanceOf(VtError);
    expect((err as VtError).code, (err as VtError).message).toBe(Code.FAILED_PRECONDITION);
    expect((err as VtError).mysql?.errno).toBe(1236);

    await t.dba.query("INSERT INTO errs_t VALUES (100000, 'still here')");
    await good.until("the row written after the errors", (events) =>
      rowEvents(events, "errs_t").some((c) => rowText(c.after)?.[0] === "100000"),
    );
    expect(good.ended).toBe(false);
    await good.stop();
  });
});
