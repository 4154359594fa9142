import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGrpcClient } from "../../libs/grpc/index.js";
import { keyRangeContains, parseShardName } from "../../libs/key/index.js";
import {
  encodePosition,
  MARIADB_FLAVOR,
  type Position,
  parseFlavoredGtidSet,
  parsePosition,
  positionAtLeast,
} from "../../libs/mysql/replication/index.js";
import {
  Filter,
  type VEvent,
  VEventType,
  VStreamRowsRequest,
  type VStreamRowsResponse,
} from "../../libs/proto/binlogdata.js";
import { Type } from "../../libs/proto/query.js";
import { QueryService } from "../../libs/proto/queryservice.js";
import { TabletType } from "../../libs/proto/topodata.js";
import { Keyspace } from "../../libs/proto/vschema.js";
import { createCellInfo, openTopoServer, saveVSchema, type TopoServer } from "../../libs/topo/index.js";
import { createDefaultVindexRegistry, int64Value, isSingleColumn } from "../../libs/vindexes/index.js";
import { Code, VtError } from "../../libs/vterrors/index.js";
import { type EtcdHandle, startEtcd } from "../harness/etcd.js";
import { type Connection, startMysqld, type TestMysqld } from "../harness/mysqld.js";
import { makeTestDir } from "../harness/test-dir.js";
import { labels, type QueryClient, rowText, VStreamReader } from "../harness/vstream-client.js";
import { startVttablet, type VttabletHandle } from "../harness/vttablet.js";
import { waitFor } from "../harness/wait.js";

const CELL = "zone1";
const KEYSPACE = "customer";
const SHARD = "0";
const DB = "vt_customer";
const TARGET = { keyspace: KEYSPACE, shard: SHARD, tabletType: TabletType.REPLICA, cell: CELL };
const BLOB_16MB = 16 * 1024 * 1024;

let dir: string;
let etcd: EtcdHandle | undefined;
let ts: TopoServer | undefined;
let mysqld: TestMysqld | undefined;
let tablet: VttabletHandle | undefined;
let client: QueryClient;
let dba: Connection;
/** A position early in the binlog, for the purged-position test at the end. */
let earlyPosition = "";
const readers: VStreamReader[] = [];

beforeAll(async () => {
  dir = makeTestDir("vstreamer");
  etcd = await startEtcd(dir);
  ts = await openTopoServer({
    implementation: "etcd2",
    globalServerAddress: etcd.clientAddress,
    globalRoot: "/vitess/global",
  });
  await createCellInfo(ts, CELL, { serverAddress: etcd.clientAddress, root: `/vitess/${CELL}` });
  mysqld = await startMysqld(dir, { uid: 320 });
  tablet = await startVttablet({
    tabletPath: `${CELL}-320`,
    keyspace: KEYSPACE,
    shard: SHARD,
    topoAddress: etcd.clientAddress,
    mysql: { socket: mysqld.socket, port: mysqld.port },
    dir,
  });
  client = createGrpcClient(QueryService, tablet.grpcAddress);
  dba = await mysqld.connect("vt_dba", { database: DB });
  // What the binlog carries: TIMESTAMPs in UTC, text without conversion to the connection's charset.
  await dba.query("SET time_zone = '+00:00', character_set_results = NULL");
  await dba.query("CREATE TABLE early (id INT PRIMARY KEY)");
  await dba.query("INSERT INTO early VALUES (1)");
  earlyPosition = encodePosition(await binlogPosition());
});

afterAll(async () => {
  await Promise.all(readers.map((reader) => reader.stop()));
  client?.close();
  await dba?.end();
  await tablet?.stop();
  await mysqld?.shutdown();
  await ts?.close();
  await etcd?.stop();
});

async function binlogPosition(): Promise<Position> {
  const [rows] = await dba.query("SELECT @@global.gtid_binlog_pos AS pos");
  return parseFlavoredGtidSet(MARIADB_FLAVOR, String((rows as { pos: string }[])[0]!.pos));
}

function stream(
  rules: { match: string; filter: string }[],
  position = "current",
  target = TARGET,
): VStreamReader {
  const reader = new VStreamReader(client, { target, position, filter: Filter.fromPartial({ rules }) });
  readers.push(reader);
  return reader;
}

/** A stream at "current" that is surely attached: its first heartbeat came. */
async function streamFromNow(rules: { match: string; filter: string }[]): Promise<VStreamReader> {
  const reader = stream(rules);
  await reader.until("the first heartbeat", (events) => events.some((e) => e.type === VEventType.HEARTBEAT));
  return reader;
}

/** The position of the last GTID event. */
function lastGtid(events: readonly VEvent[]): Position | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    if (events[i]!.type === VEventType.GTID) return parsePosition(events[i]!.gtid);
  }
  return undefined;
}

async function reached(reader: VStreamReader, position: Position): Promise<void> {
  await reader.until(`position ${encodePosition(position)}`, (events) => {
    const last = lastGtid(events);
    return last !== undefined && positionAtLeast(last, position);
  });
}

/** The rows of a query as raw bytes of the text protocol, as latin1 strings (1:1 with the bytes). */
async function selectRows(sql: string): Promise<(string | null)[][]> {
  const [rows] = await dba.query({ sql, rowsAsArray: true, typeCast: (field) => field.buffer() });
  return (rows as (Buffer | null)[][]).map((row) =>
    row.map((v) => (v === null ? null : v.toString("latin1"))),
  );
}

function rowEvents(events: readonly VEvent[], table: string) {
  return events
    .filter((e) => e.type === VEventType.ROW && e.rowEvent?.tableName === table)
    .flatMap((e) => e.rowEvent!.rowChanges);
}

async function expectError(reader: VStreamReader, code: Code, message: RegExp): Promise<void> {
  const err = await reader.failure();
  expect(err).toBeInstanceOf(VtError);
  expect((err as VtError).code, (err as VtError).message).toBe(code);
  expect((err as VtError).message).toMatch(message);
}

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
    await dba.query(ALL_TYPES_DDL);
    const reader = await streamFromNow([{ match: "all_types", filter: "select * from all_types" }]);
    await dba.query("INSERT INTO all_types (id) VALUES (1)");
    await dba.query(`INSERT INTO all_types VALUES ${MIN_ROW}, ${MAX_ROW}`);
    await dba.query(`INSERT INTO all_types VALUES ${TYPICAL_ROW}`);
    const afterInsert = await selectRows("SELECT * FROM all_types ORDER BY id");
    await dba.query(
      "UPDATE all_types SET ti = -1, vc = 'updated ✓', lb = x'0102', dtm6 = '2020-01-01 00:00:00.5', e = NULL WHERE id = 3",
    );
    const afterUpdate = await selectRows("SELECT * FROM all_types ORDER BY id");
    await dba.query("DELETE FROM all_types WHERE id = 2");
    await reached(reader, await binlogPosition());
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
    const [columns] = await dba.query("SHOW COLUMNS FROM all_types");
    expect(field.fields.map((f) => f.name)).toEqual((columns as { Field: string }[]).map((c) => c.Field));
    expect(field).toMatchObject({
      keyspace: KEYSPACE,
      shard: SHARD,
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
      expect(event.keyspace).toBe(KEYSPACE);
      expect(event.shard).toBe(SHARD);
    }

    // VStreamRows sends the same bytes, and the same fields, for every type.
    const copied: VStreamRowsResponse[] = [];
    for await (const response of client.rpc.vStreamRows(
      VStreamRowsRequest.fromPartial({ target: TARGET, query: "select * from all_types" }),
    )) {
      copied.push(response);
    }
    expect(copied[0]!.fields).toEqual(field.fields);
    expect(copied.flatMap((r) => r.rows.map(rowText))).toEqual(
      await selectRows("SELECT * FROM all_types ORDER BY id"),
    );
  });

  it("sends a large transaction in chunks of about 250 KB, in order, with its boundaries", async () => {
    await dba.query("CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(1000))");
    const reader = await streamFromNow([{ match: "big", filter: "select * from big" }]);
    const values = Array.from({ length: 3000 }, (_, i) => `(${i + 1}, REPEAT('x', 1000))`);
    await dba.query("BEGIN");
    for (let i = 0; i < values.length; i += 500)
      await dba.query(`INSERT INTO big VALUES ${values.slice(i, i + 500).join(",")}`);
    await dba.query("COMMIT");
    await reached(reader, await binlogPosition());
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
    await dba.query("CREATE TABLE ddl_t (id INT PRIMARY KEY, a VARCHAR(10))");
    const reader = await streamFromNow([{ match: "ddl_t", filter: "select * from ddl_t" }]);
    await dba.query("INSERT INTO ddl_t VALUES (1, 'x')");
    await dba.query("ALTER TABLE ddl_t ADD COLUMN b INT");
    await dba.query("INSERT INTO ddl_t VALUES (2, 'y', 7)");
    // A transaction whose first binlogged statement is a SAVEPOINT is still one transaction.
    await dba.query("BEGIN");
    await dba.query("SAVEPOINT s1");
    await dba.query("INSERT INTO ddl_t VALUES (3, 'z', 8)");
    await dba.query("COMMIT");
    await reached(reader, await binlogPosition());
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
    await dba.query("CREATE TABLE customer (customer_id BIGINT PRIMARY KEY, email VARCHAR(64), note TEXT)");
    await saveVSchema(
      ts!,
      KEYSPACE,
      Keyspace.fromPartial({
        sharded: true,
        vindexes: { hash: { type: "hash" } },
        tables: { customer: { columnVindexes: [{ column: "customer_id", name: "hash" }] } },
      }),
    );
    const named = await streamFromNow([
      {
        match: "customer",
        filter: "select customer_id, email from customer where in_keyrange(customer_id, 'hash', '-80')",
      },
    ]);
    const primary = await streamFromNow([
      { match: "customer", filter: "select * from customer where in_keyrange('-80')" },
    ]);
    for (let batch = 0; batch < 10; batch++) {
      const values = Array.from({ length: 30 }, (_, i) => {
        const id = batch * 30 + i + 1;
        return `(${id}, 'c${id}@example.com', 'n${id}')`;
      });
      await dba.query(`INSERT INTO customer VALUES ${values.join(",")}`);
    }
    const end = await binlogPosition();
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

  it("VStreamRows snapshot, then VStream from its position, reproduce a table changing under a writer", async () => {
    await dba.query("CREATE TABLE snap (id INT PRIMARY KEY, v VARCHAR(40), n INT)");
    for (let batch = 0; batch < 20; batch++) {
      const values = Array.from(
        { length: 1000 },
        (_, i) => `(${batch * 1000 + i + 1}, 'v${batch * 1000 + i + 1}', 0)`,
      );
      await dba.query(`INSERT INTO snap VALUES ${values.join(",")}`);
    }
    const writerConn = await mysqld!.connect("vt_dba", { database: DB });
    let writing = true;
    let writes = 0;
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let nextId = 20_001;
    const writer = (async () => {
      while (writing) {
        const ops = 1 + random(4);
        await writerConn.query("BEGIN");
        for (let i = 0; i < ops; i++) {
          const op = random(3);
          if (op === 0) await writerConn.query(`INSERT INTO snap VALUES (${nextId}, 'new${nextId++}', 1)`);
          else if (op === 1)
            await writerConn.query(
              `UPDATE snap SET n = n + 1, v = CONCAT('u', id, '-', n) WHERE id = ${1 + random(nextId)}`,
            );
          else await writerConn.query(`DELETE FROM snap WHERE id = ${1 + random(nextId)}`);
        }
        await writerConn.query("COMMIT");
        writes++;
      }
    })();
    try {
      await waitFor("the writer to run", () => writes > 20);
      const table = new Map<string, (string | null)[]>();
      let gtid = "";
      const responses: VStreamRowsResponse[] = [];
      const writesBeforeCopy = writes;
      for await (const response of client.rpc.vStreamRows(
        VStreamRowsRequest.fromPartial({ target: TARGET, query: "select * from snap" }),
      )) {
        responses.push(response);
      }
      expect(responses[0]!.fields.map((f) => f.name)).toEqual(["id", "v", "n"]);
      expect(responses[0]!.pkfields.map((f) => [f.name, f.type])).toEqual([["id", Type.INT32]]);
      gtid = responses[0]!.gtid;
      expect(gtid).toMatch(/^MariaDB\//);
      let previous = 0;
      for (const response of responses.slice(1)) {
        for (const row of response.rows) {
          const values = rowText(row)!;
          expect(Number(values[0])).toBeGreaterThan(previous);
          previous = Number(values[0]);
          table.set(values[0]!, values);
        }
        expect(rowText(response.lastpk)).toEqual([String(previous)]);
      }
      const writesAtCopy = writes;
      expect(writesAtCopy, "the writer went on during the copy").toBeGreaterThan(writesBeforeCopy);
      const reader = stream([{ match: "snap", filter: "select * from snap" }], gtid);
      await waitFor("more writes after the copy", () => writes > writesAtCopy + 30, { timeoutMs: 60_000 });
      writing = false;
      await writer;
      await reached(reader, await binlogPosition());
      await reader.stop();
      // Apply whole transactions, as VReplication does.
      let pending: VEvent[] = [];
      for (const event of reader.events) {
        if (event.type === VEventType.ROW) pending.push(event);
        if (event.type !== VEventType.COMMIT) continue;
        for (const change of pending.flatMap((e) => e.rowEvent!.rowChanges)) {
          if (change.before !== undefined) table.delete(rowText(change.before)![0]!);
          if (change.after !== undefined) table.set(rowText(change.after)![0]!, rowText(change.after)!);
        }
        pending = [];
      }
      const final = await selectRows("SELECT * FROM snap ORDER BY id");
      const applied = [...table.values()].sort((a, b) => Number(a[0]) - Number(b[0]));
      expect(applied.length).toBe(final.length);
      expect(applied).toEqual(final);
    } finally {
      writing = false;
      await writer.catch(() => undefined);
      await writerConn.end();
    }
  });

  it("VStreamRows resumes after a last primary key", async () => {
    const responses: VStreamRowsResponse[] = [];
    for await (const response of client.rpc.vStreamRows(
      VStreamRowsRequest.fromPartial({
        target: TARGET,
        query: "select id, v from snap where id > 0",
        lastpk: {
          fields: [{ name: "id", type: Type.INT32 }],
          rows: [{ lengths: [4], values: Buffer.from("1500") }],
        },
      }),
    )) {
      responses.push(response);
    }
    const ids = responses.flatMap((r) => r.rows.map((row) => Number(rowText(row)![0])));
    const expected = (await selectRows("SELECT id FROM snap WHERE id > 1500 ORDER BY id")).map((r) =>
      Number(r[0]),
    );
    expect(ids).toEqual(expected);
    expect(responses[0]!.fields.map((f) => f.name)).toEqual(["id", "v"]);
  });

  it("streams that caught up share one binlog connection; one from an old position joins them", async () => {
    await dba.query("CREATE TABLE shared_t (id INT PRIMARY KEY)");
    const dumpThreads = async () => {
      const [rows] = await dba.query(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%' AND USER = 'vt_filtered'",
      );
      return Number((rows as { n: number }[])[0]!.n);
    };
    await waitFor("earlier streams to end", async () => (await dumpThreads()) === 0);
    const before = await binlogPosition();
    for (let i = 1; i <= 5; i++) await dba.query(`INSERT INTO shared_t VALUES (${i})`);
    const current = [];
    for (let i = 0; i < 3; i++) current.push(await streamFromNow([{ match: "shared_t", filter: "" }]));
    expect(await dumpThreads()).toBe(1);
    const late = stream([{ match: "shared_t", filter: "" }], encodePosition(before));
    await late.until("the five old rows", (events) => rowEvents(events, "shared_t").length === 5);
    await waitFor("the late stream to join the shared connection", async () => (await dumpThreads()) === 1, {
      timeoutMs: 20_000,
    });
    await dba.query("INSERT INTO shared_t VALUES (6)");
    const end = await binlogPosition();
    for (const reader of [...current, late]) {
      await reached(reader, end);
      expect(rowEvents(reader.events, "shared_t").at(-1)!.after).toBeDefined();
      expect(rowText(rowEvents(reader.events, "shared_t").at(-1)!.after)).toEqual(["6"]);
    }
    expect(rowEvents(late.events, "shared_t").map((c) => rowText(c.after)![0])).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
    ]);
    await Promise.all([...current, late].map((reader) => reader.stop()));
  });

  it("a stream interrupted by SIGKILL of the vttablet resumes from its last GTID: every transaction once", async () => {
    await dba.query("CREATE TABLE marker (id INT PRIMARY KEY, note VARCHAR(20))");
    const start = encodePosition(await binlogPosition());
    const total = 400;
    const writerConn = await mysqld!.connect("vt_dba", { database: DB });
    let written = 0;
    const writer = (async () => {
      for (let id = 1; id <= total; id++) {
        await writerConn.query(`INSERT INTO marker VALUES (${id}, 'm${id}')`);
        written = id;
        if (id % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const committed: number[] = [];
    /** Applies whole transactions; returns the position of the last one applied. */
    const apply = (events: readonly VEvent[]): string => {
      let pending: number[] = [];
      let gtid = "";
      let lastApplied = "";
      for (const event of events) {
        if (event.type === VEventType.BEGIN) pending = [];
        if (event.type === VEventType.ROW)
          pending.push(...event.rowEvent!.rowChanges.map((c) => Number(rowText(c.after)![0])));
        if (event.type === VEventType.GTID) gtid = event.gtid;
        if (event.type === VEventType.COMMIT) {
          committed.push(...pending);
          pending = [];
          lastApplied = gtid;
        }
      }
      return lastApplied;
    };
    try {
      const first = stream([{ match: "marker", filter: "select * from marker" }], start);
      await first.until("100 transactions", (events) => rowEvents(events, "marker").length >= 100);
      await tablet!.process.stop({ signal: "SIGKILL" });
      await first.failure();
      const resumeFrom = apply(first.events);
      expect(committed.length).toBeGreaterThanOrEqual(99);
      await tablet!.restart();
      const second = stream([{ match: "marker", filter: "select * from marker" }], resumeFrom);
      await writer;
      expect(written).toBe(total);
      await reached(second, await binlogPosition());
      await second.stop();
      apply(second.events);
      expect(committed.length).toBe(total);
      expect([...committed].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    } finally {
      await writer.catch(() => undefined);
      await writerConn.end();
    }
  });

  it("bad input gets a clear error while another stream keeps running", async () => {
    const good = await streamFromNow([{ match: "marker", filter: "" }]);
    await expectError(
      stream([{ match: "marker", filter: "" }], "garbage"),
      Code.INVALID_ARGUMENT,
      /invalid VStream position/,
    );
    await expectError(
      stream([{ match: "marker", filter: "" }], "MariaDB/0-1"),
      Code.INVALID_ARGUMENT,
      /invalid VStream position/,
    );
    await expectError(
      stream([{ match: "marker", filter: "insert into marker values (1, 'x')" }]),
      Code.INVALID_ARGUMENT,
      /not a select statement/,
    );
    await expectError(
      stream([{ match: "marker", filter: "select * from marker where" }]),
      Code.INVALID_ARGUMENT,
      /not a valid select/,
    );
    await expectError(
      stream([{ match: "nope", filter: "select * from nope" }]),
      Code.INVALID_ARGUMENT,
      /unknown table nope/,
    );
    await expectError(
      stream([{ match: "marker", filter: "select nope from marker" }]),
      Code.INVALID_ARGUMENT,
      /column nope not found/,
    );
    await expectError(
      stream([{ match: "marker", filter: "" }], "current", { ...TARGET, tabletType: TabletType.PRIMARY }),
      Code.FAILED_PRECONDITION,
      /invalid target/,
    );
    const rowsError = await (async () => {
      try {
        for await (const _ of client.rpc.vStreamRows(
          VStreamRowsRequest.fromPartial({ target: TARGET, query: "delete from marker" }),
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
    await dba.query("FLUSH BINARY LOGS");
    const [status] = await dba.query("SHOW MASTER STATUS");
    await dba.query(`PURGE BINARY LOGS TO '${(status as { File: string }[])[0]!.File}'`);
    const purged = stream([{ match: "marker", filter: "" }], earlyPosition);
    const err = await purged.failure();
    expect(err).toBeInstanceOf(VtError);
    expect((err as VtError).code, (err as VtError).message).toBe(Code.FAILED_PRECONDITION);
    expect((err as VtError).mysql?.errno).toBe(1236);

    await dba.query("INSERT INTO marker VALUES (100000, 'still here')");
    await good.until("the row written after the errors", (events) =>
      rowEvents(events, "marker").some((c) => rowText(c.after)?.[0] === "100000"),
    );
    expect(good.ended).toBe(false);
    await good.stop();
  });
});
