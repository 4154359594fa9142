import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BinlogEvent,
  type BinlogStart,
  BinlogStream,
  type BinlogStreamOptions,
  type RowsEvent,
  rowValues,
} from "../../libs/mysql/binlog/index.js";
import {
  formatGtid,
  type Gtid,
  MARIADB_FLAVOR,
  type MariadbPosition,
  parseMariadbGtidSet,
  parsePosition,
  positionEqual,
} from "../../libs/mysql/replication/index.js";
import { Code, VtError } from "../../libs/vterrors/index.js";
import { type Connection, startMysqld, type TestMysqld } from "../harness/mysqld.js";
import { makeTestDir } from "../harness/test-dir.js";
import { waitFor } from "../harness/wait.js";

const DB = "vt_binlog";
const BLOB_16MB = 16 * 1024 * 1024;

let mysqld: TestMysqld;
let dba: Connection;
let nextServerId = 990_001;

beforeAll(async () => {
  mysqld = await startMysqld(makeTestDir("binlog"), { uid: 310 });
  dba = await mysqld.connect("vt_dba");
  // TIMESTAMPs in UTC, and text columns as stored (no conversion to the connection's charset), which is
  // what the binlog carries.
  await dba.query("SET time_zone = '+00:00', character_set_results = NULL");
  await dba.query(`CREATE DATABASE ${DB}`);
  await dba.query(`USE ${DB}`);
});

afterAll(async () => {
  await dba?.end();
  await mysqld?.shutdown();
});

function openStream(start: BinlogStart, options: Partial<BinlogStreamOptions> = {}): BinlogStream {
  return new BinlogStream({
    address: { socket: mysqld.socket },
    user: "vt_repl",
    serverId: nextServerId++,
    start,
    ...options,
  });
}

async function gtidPosition(): Promise<MariadbPosition> {
  const [rows] = await dba.query("SELECT @@global.gtid_binlog_pos AS pos");
  return {
    flavor: MARIADB_FLAVOR,
    gtidSet: parseMariadbGtidSet(String((rows as { pos: string }[])[0]!.pos)),
  };
}

/** Every event of a non-blocking stream from `start` to the end of the binlog. */
async function readAll(
  start: BinlogStart,
  options: Partial<BinlogStreamOptions> = {},
): Promise<BinlogEvent[]> {
  const events: BinlogEvent[] = [];
  const stream = openStream(start, { nonBlocking: true, ...options });
  try {
    for await (const event of stream) events.push(event);
  } finally {
    await stream.close();
  }
  return events;
}

/** Reads a blocking stream until `done` says so, failing after `timeoutMs`. */
async function readUntil(
  stream: BinlogStream,
  done: (event: BinlogEvent, events: BinlogEvent[]) => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<BinlogEvent[]> {
  const events: BinlogEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no event in time; got ${events.length}`)),
        deadline - Date.now(),
      );
    });
    const result = await Promise.race([stream.next(), timeout]).finally(() => clearTimeout(timer));
    if (result.done) return events;
    events.push(result.value);
    if (await done(result.value, events)) return events;
  }
}

/** The rows of a query as the raw bytes of the text protocol, keyed by the first column. */
async function selectRaw(sql: string): Promise<Map<string, (Buffer | null)[]>> {
  const [rows] = await dba.query({ sql, rowsAsArray: true, typeCast: (field) => field.buffer() });
  const byId = new Map<string, (Buffer | null)[]>();
  for (const row of rows as (Buffer | null)[][]) byId.set(row[0]!.toString(), row);
  return byId;
}

function rowsOf(events: BinlogEvent[], table: string): RowsEvent[] {
  return events.filter((e): e is RowsEvent => e.kind === "rows" && e.table.table === table);
}

function gtidsOf(events: BinlogEvent[]): string[] {
  return events.filter((e) => e.kind === "gtid").map((e) => formatGtid((e as { gtid: Gtid }).gtid));
}

function describeValue(value: Buffer | null): string {
  if (value === null) return "NULL";
  return value.length > 200 ? `<${value.length} bytes>` : JSON.stringify(value.toString("latin1"));
}

/** Compares two rows column by column, naming the column that differs. */
function expectSameRow(
  actual: (Buffer | null)[],
  expected: (Buffer | null)[],
  columns: readonly string[],
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const same =
      actual[i] === null ? expected[i] === null : expected[i] !== null && actual[i]!.equals(expected[i]!);
    if (!same) {
      expect.fail(
        `column ${columns[i]}: binlog ${describeValue(actual[i]!)} but SELECT ${describeValue(expected[i]!)}`,
      );
    }
  }
}

const ALL_TYPES_DDL = `CREATE TABLE all_types (
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  f FLOAT, d DOUBLE, dec1 DECIMAL(10,2), dec2 DECIMAL(65,30), dec3 DECIMAL(5,0), dec4 DECIMAL(18,9) UNSIGNED,
  dt DATE, tm TIME, tm3 TIME(3), tm6 TIME(6), dtm DATETIME, dtm2 DATETIME(2), dtm6 DATETIME(6),
  ts TIMESTAMP NULL, ts3 TIMESTAMP(3) NULL, ts6 TIMESTAMP(6) NULL, y YEAR,
  c CHAR(10), c255 CHAR(255), vc VARCHAR(300), vcl VARCHAR(20) CHARACTER SET latin1, b BINARY(8), vb VARBINARY(20),
  tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB, tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT,
  e ENUM('a','b','c'), s SET('x','y','z'), bt1 BIT(1), bt12 BIT(12), bt64 BIT(64), j JSON, g GEOMETRY, pt POINT
) DEFAULT CHARSET=utf8mb4`;

const MIN_ROW = `(2, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
  -3.40282e38, -1.7976931348623157e308, -99999999.99,
  '-99999999999999999999999999999999999.999999999999999999999999999999', -99999, 0,
  '1000-01-01', '-838:59:59', '-838:59:59.000', '-838:59:59.000000', '1000-01-01 00:00:00',
  '1000-01-01 00:00:00.00', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01', '1970-01-01 00:00:01.000',
  '1970-01-01 00:00:01.000000', 1901, '', '', '', '', x'', x'', '', '', '', '', '', '', '', '', 'a', '',
  b'0', b'0', b'0', '{}', ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POINT(-1.5 2.25)'))`;

const MAX_ROW = `(3, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807,
  18446744073709551615, 3.40282e38, 1.7976931348623157e308, 99999999.99,
  '99999999999999999999999999999999999.999999999999999999999999999999', 99999, 999999999.999999999,
  '9999-12-31', '838:59:59', '838:59:59.999', '838:59:59.999999', '9999-12-31 23:59:59',
  '9999-12-31 23:59:59.99', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07', '2038-01-19 03:14:07.999',
  '2038-01-19 03:14:07.999999', 2155, REPEAT('z', 10), REPEAT('é', 255), REPEAT('€', 300), REPEAT('ÿ', 20),
  x'ffffffffffffffff', REPEAT(x'ff', 20), REPEAT(x'ab', 255), REPEAT('b', 65535), REPEAT('m', 70000),
  REPEAT('l', 70000), REPEAT('t', 255), REPEAT('x', 65535), REPEAT('😀', 1000), REPEAT('ñ', 100000), 'c', 'x,y,z',
  b'1', b'111111111111', b'1111111111111111111111111111111111111111111111111111111111111111',
  '{"a": [1, 2.5, null, true], "b": {"c": "😀"}}',
  ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))'), ST_GeomFromText('POINT(1e300 -1e-300)'))`;

const TYPICAL_ROW = `(4, 1, 2, 3, 4, 5, 6, 7, 8, 1234567890123, 9007199254740993,
  3.14159, 2.718281828459045, -12345678.91, '-1.000000000000000000000000000001', 42, 0.5,
  '2024-02-29', '-00:00:01', '12:34:56.789', '-00:00:00.000001', '2024-02-29 23:59:58', '2024-02-29 23:59:58.5',
  '2024-02-29 23:59:58.000001', '2024-02-29 12:00:00', '2000-01-01 00:00:00.123', '2001-09-09 01:46:40.5',
  2024, 'héllo', 'a  ', 'emoji 😀 ñ 中文', 'café', 'ab', x'00ff00', x'00', x'0102', x'',
  CONCAT(REPEAT(x'00ff7f80', ${BLOB_16MB / 4})), 'tiny', 'text 😀', 'medium', 'long',
  'b', 'x,z', b'1', b'101010101010', b'1000000000000000000000000000000000000000000000000000000000000001',
  '"just a string"', ST_GeomFromText('LINESTRING(0 0, 1 1, 2 2)'), ST_GeomFromText('POINT(1 2)'))`;

describe("binlog stream against MariaDB", () => {
  let columns: string[] = [];

  it("decodes inserts, updates and deletes of every column type exactly as SELECT shows them", async () => {
    await dba.query(ALL_TYPES_DDL);
    const [described] = await dba.query("SHOW COLUMNS FROM all_types");
    columns = (described as { Field: string }[]).map((c) => c.Field);
    const start = await gtidPosition();
    await dba.query("INSERT INTO all_types (id) VALUES (1)");
    await dba.query(`INSERT INTO all_types VALUES ${MIN_ROW}, ${MAX_ROW}`);
    await dba.query(`INSERT INTO all_types VALUES ${TYPICAL_ROW}`);
    const afterInsert = await selectRaw("SELECT * FROM all_types ORDER BY id");
    await dba.query(
      "UPDATE all_types SET ti = -1, vc = 'updated ✓', lb = x'0102', dtm6 = '2020-01-01 00:00:00.5', e = NULL WHERE id = 3",
    );
    const afterUpdate = await selectRaw("SELECT * FROM all_types ORDER BY id");
    await dba.query("DELETE FROM all_types WHERE id = 2");
    const end = await gtidPosition();

    const events = await readAll({ kind: "gtid", position: start });
    const rows = rowsOf(events, "all_types");
    const inserts = rows.filter((e) => e.action === "insert").flatMap((e) => e.rows);
    const updates = rows.filter((e) => e.action === "update").flatMap((e) => e.rows);
    const deletes = rows.filter((e) => e.action === "delete").flatMap((e) => e.rows);
    expect([inserts.length, updates.length, deletes.length]).toEqual([4, 1, 1]);

    for (const change of inserts) {
      const values = rowValues(change.after!);
      expectSameRow(values, afterInsert.get(values[0]!.toString())!, columns);
    }
    expect(rowValues(inserts[3]!.after!)[columns.indexOf("lb")]!.length).toBe(BLOB_16MB);
    expect(
      rowValues(inserts[0]!.after!)
        .slice(1)
        .every((v) => v === null),
    ).toBe(true);
    expectSameRow(rowValues(updates[0]!.before!), afterInsert.get("3")!, columns);
    expectSameRow(rowValues(updates[0]!.after!), afterUpdate.get("3")!, columns);
    expectSameRow(rowValues(deletes[0]!.before!), afterUpdate.get("2")!, columns);

    const table = rows[0]!.table;
    expect(table.columns.map((c) => c.name)).toEqual(columns);
    expect(table.primaryKey).toEqual([{ column: 0, prefix: 0 }]);
    expect(table.columns.find((c) => c.name === "e")?.enumValues).toEqual(["a", "b", "c"]);
    expect(table.columns.find((c) => c.name === "vcl")?.collation).toBe(8);
    expect(gtidsOf(events).at(-1)).toBe(formatGtid(end.gtidSet[0]!));
  });

  it("gives GTID events that match @@gtid_binlog_pos, and starts mid-stream exactly after a position", async () => {
    await dba.query("CREATE TABLE seq (id INT PRIMARY KEY, note VARCHAR(20))");
    const positions = [await gtidPosition()];
    for (let i = 1; i <= 5; i++) {
      await dba.query("INSERT INTO seq VALUES (?, ?)", [i, `row ${i}`]);
      positions.push(await gtidPosition());
    }
    const all = await readAll({ kind: "gtid", position: positions[0]! });
    expect(gtidsOf(all)).toEqual(positions.slice(1).map((p) => formatGtid(p.gtidSet[0]!)));

    const stream = openStream({ kind: "gtid", position: positions[2]! }, { nonBlocking: true });
    const later: BinlogEvent[] = [];
    for await (const event of stream) later.push(event);
    expect(gtidsOf(later)).toEqual(positions.slice(3).map((p) => formatGtid(p.gtidSet[0]!)));
    expect(rowsOf(later, "seq").map((e) => rowValues(e.rows[0]!.after!)[0]!.toString())).toEqual([
      "3",
      "4",
      "5",
    ]);
    expect(positionEqual(stream.position, positions[5]!)).toBe(true);
  });

  it("starts from a file position and from the current position", async () => {
    const [status] = await dba.query("SHOW MASTER STATUS");
    const { File: file, Position: position } = (status as { File: string; Position: number }[])[0]!;
    const current = openStream({ kind: "current" }, { heartbeatIntervalMs: 200 });
    try {
      // The first event (the fake ROTATE) means the dump has started at the current position.
      await readUntil(current, () => true);
      await dba.query("INSERT INTO seq VALUES (100, 'from file')");
      const fromFile = await readAll({ kind: "file", file, position });
      expect(rowsOf(fromFile, "seq").map((e) => rowValues(e.rows[0]!.after!)[1]!.toString())).toEqual([
        "from file",
      ]);
      const seen = await readUntil(current, (e) => e.kind === "xid");
      expect(rowsOf(seen, "seq")).toHaveLength(1);
      // Idle: the server sends heartbeats.
      const idle = await readUntil(current, (e) => e.kind === "heartbeat", 10_000);
      expect(idle.at(-1)).toMatchObject({ kind: "heartbeat", file });
    } finally {
      await current.close();
    }
  });

  it("shows DDL as a QUERY event with its database", async () => {
    const start = await gtidPosition();
    await dba.query("ALTER TABLE seq ADD COLUMN extra INT DEFAULT 7");
    const events = await readAll({ kind: "gtid", position: start });
    const gtid = events.find((e) => e.kind === "gtid");
    expect(gtid).toMatchObject({ standalone: true });
    expect(events.find((e) => e.kind === "query")).toMatchObject({
      database: DB,
      sql: "ALTER TABLE seq ADD COLUMN extra INT DEFAULT 7",
    });
  });

  it("decodes MariaDB's compressed columns and compressed binlog events", async () => {
    await dba.query(
      "CREATE TABLE squeezed (id INT PRIMARY KEY, v VARCHAR(1000) COMPRESSED, t TEXT COMPRESSED, b BLOB COMPRESSED)",
    );
    const start = await gtidPosition();
    await dba.query(
      "INSERT INTO squeezed VALUES (1, REPEAT('v', 900), REPEAT('😀', 500), REPEAT(x'00', 3000))",
    );
    await dba.query("INSERT INTO squeezed VALUES (2, 'short', 'tiny', x'01')");
    await dba.query("SET GLOBAL log_bin_compress = ON");
    try {
      await dba.query(
        "INSERT INTO squeezed VALUES (3, REPEAT('c', 999), REPEAT('compressed event ', 100), NULL)",
      );
      await dba.query("UPDATE squeezed SET v = 'x' WHERE id = 3");
    } finally {
      await dba.query("SET GLOBAL log_bin_compress = OFF");
    }
    const selected = await selectRaw("SELECT * FROM squeezed ORDER BY id");
    const events = await readAll({ kind: "gtid", position: start });
    const changes = rowsOf(events, "squeezed").flatMap((e) => e.rows);
    const latest = new Map<string, (Buffer | null)[]>();
    for (const change of changes) {
      const values = rowValues(change.after!);
      latest.set(values[0]!.toString(), values);
    }
    for (const [id, expected] of selected) expectSameRow(latest.get(id)!, expected, ["id", "v", "t", "b"]);
  });

  it("reconnects after its dump thread is killed mid-transaction: no duplicate, no gap", async () => {
    await dba.query("CREATE TABLE big (id INT PRIMARY KEY, payload VARCHAR(2000))");
    await dba.query("CREATE TABLE marker (id INT PRIMARY KEY)");
    const start = await gtidPosition();
    const stream = openStream(
      { kind: "gtid", position: start },
      { bufferBytes: 32 * 1024, heartbeatIntervalMs: 1000 },
    );
    const rowsPerTransaction = [5, 4000, 7, 3];
    let id = 0;
    for (const count of rowsPerTransaction) {
      const values = Array.from({ length: count }, () => `(${++id}, REPEAT('p', 2000))`).join(",");
      await dba.query(`INSERT INTO big VALUES ${values}`);
    }
    await dba.query("INSERT INTO marker VALUES (1)");
    const end = await gtidPosition();
    let killed = 0;
    const firstThread = { id: 0 };
    try {
      const events = await readUntil(stream, async (event, seen) => {
        // Kill the dump thread in the middle of the 4000-row transaction, while the server is still sending it.
        if (killed === 0 && event.kind === "rows" && rowsOf(seen, "big").length === 3) {
          firstThread.id = stream.threadId;
          await dba.query(`KILL ${firstThread.id}`);
          killed++;
        }
        return event.kind === "rows" && event.table.table === "marker";
      });
      expect(killed).toBe(1);
      expect(stream.threadId).not.toBe(firstThread.id);
      expect(stream.reconnects).toBe(1);
      // The kill fell inside the 4000-row transaction: its delivered events came again and were skipped.
      expect(stream.skippedEvents).toBeGreaterThan(3);
      const ids = rowsOf(events, "big").flatMap((e) =>
        e.rows.map((r) => Number(rowValues(r.after!)[0]!.toString())),
      );
      expect(ids).toEqual(Array.from({ length: id }, (_, i) => i + 1));
      const gtids = gtidsOf(events);
      expect(new Set(gtids).size).toBe(gtids.length);
      expect(gtids).toHaveLength(rowsPerTransaction.length + 1);
      const sequences = gtids.map((g) => BigInt(g.split("-")[2]!));
      expect(sequences).toEqual(sequences.map((_, i) => sequences[0]! + BigInt(i)));
      await readUntil(stream, (e) => e.kind === "xid");
      expect(positionEqual(stream.position, end)).toBe(true);
    } finally {
      await stream.close();
    }
  });

  it("refuses positions the server does not have: a purged one, an unknown domain, one from the future", async () => {
    await dba.query("CREATE TABLE IF NOT EXISTS seq (id INT PRIMARY KEY, note VARCHAR(20))");
    await dba.query("FLUSH BINARY LOGS");
    await dba.query("INSERT INTO seq (id, note) VALUES (1000, 'after flush')");
    const [logs] = await dba.query("SHOW BINARY LOGS");
    const newest = (logs as { Log_name: string }[]).at(-1)!.Log_name;
    // A file some dump thread still reads is kept; purge until only the newest is left.
    await waitFor("old binlogs purged", async () => {
      await dba.query(`PURGE BINARY LOGS TO '${newest}'`);
      const [left] = await dba.query("SHOW BINARY LOGS");
      return (left as unknown[]).length === 1;
    });
    const cases: [BinlogStart, RegExp][] = [
      [
        { kind: "gtid", position: parsePosition("MariaDB/0-310-1") },
        /Could not find GTID state requested by slave/,
      ],
      [
        { kind: "gtid", position: parsePosition("MariaDB/9-310-1") },
        /domain 9 is not in the server's binlog/,
      ],
      [
        { kind: "gtid", position: parsePosition("MariaDB/0-310-100000") },
        /which is not in the master's binlog/,
      ],
    ];
    for (const [start, message] of cases) {
      const err = await readAll(start).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(VtError);
      expect((err as VtError).code).toBe(Code.FAILED_PRECONDITION);
      expect((err as VtError).mysql?.errno).toBe(1236);
      expect((err as VtError).message).toMatch(message);
    }
  });
});
