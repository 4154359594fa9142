/** The server against the mysql2 driver: text and binary protocol, results, errors, big packets. */
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BindVariable, MySqlFlag } from "../../proto/query.js";
import { Code, VtError } from "../../vterrors/index.js";
import { ServerStatus } from "./constants.js";
import {
  CannedHandler,
  type CellValue,
  field,
  okResult,
  packRow,
  resultOf,
  Type,
} from "./testing/canned-handler.js";
import { startTestServer, type TestServer } from "./testing/test-server.js";

type TypedFactory = ((v: unknown) => unknown) & { unsigned(v: unknown): unknown };
const { TypedParameter: P } = mysql as unknown as {
  TypedParameter: Record<string, TypedFactory> & { NULL(): unknown };
};

const handler = new CannedHandler();
let ts: TestServer;

function paramText(p: BindVariable): CellValue {
  return p.type === Type.NULL_TYPE ? null : p.value;
}

/** Result column type for an echoed parameter. */
function echoType(p: BindVariable): Type {
  switch (p.type) {
    case Type.INT64:
    case Type.UINT64:
    case Type.FLOAT64:
    case Type.DECIMAL:
    case Type.DATE:
    case Type.DATETIME:
    case Type.TIMESTAMP:
    case Type.TIME:
    case Type.JSON:
    case Type.NULL_TYPE:
      return p.type;
    case Type.VARBINARY:
      return Type.BLOB;
    default:
      return Type.VARCHAR;
  }
}

beforeAll(async () => {
  handler.record = true;
  handler
    .on("select 1", resultOf([field("1", Type.INT64)], [[1]]))
    .on(
      "select * from customer",
      resultOf(
        [
          field("id", Type.INT64, { flags: MySqlFlag.NOT_NULL_FLAG | MySqlFlag.PRI_KEY_FLAG }),
          field("email", Type.VARCHAR, { table: "customer", database: "commerce", columnLength: 512 }),
          field("price", Type.DECIMAL, { decimals: 2 }),
          field("ratio", Type.FLOAT64),
          field("small", Type.INT8),
          field("big", Type.UINT64),
          field("born", Type.DATE),
          field("seen", Type.DATETIME),
          field("span", Type.TIME),
          field("photo", Type.BLOB),
          field("doc", Type.JSON),
          field("f32", Type.FLOAT32),
          field("yr", Type.YEAR),
          field("mid", Type.INT24),
        ],
        [
          [
            1,
            "alice@domain.com",
            "10.50",
            0.25,
            -3,
            "18446744073709551615",
            "2024-02-29",
            "2024-02-29 13:14:15.123456",
            "-838:59:59",
            Buffer.from([0, 1, 2, 255]),
            '{"a": 1}',
            1.5,
            2024,
            -8388608,
          ],
          [
            2,
            null,
            null,
            null,
            null,
            null,
            "0000-00-00",
            "2024-01-01 00:00:00",
            "12:00:00.5",
            null,
            null,
            null,
            null,
            null,
          ],
        ],
      ),
    )
    .on("insert into t values (1)", okResult(1, "9007199254740993"))
    .on("update t set x = 1", okResult(7, "0", "Rows matched: 7  Changed: 7  Warnings: 0"))
    .on("begin", async ({ conn }) => {
      conn.inTransaction = true;
    })
    .on("commit", async ({ conn }) => {
      conn.inTransaction = false;
    })
    .on("select warn", async ({ conn }) => {
      conn.warnings = 2;
      return resultOf([field("w", Type.INT64)], [[1]]);
    })
    .on("select dup", async () => {
      throw new VtError(Code.ALREADY_EXISTS, "Duplicate entry '1' for key 'PRIMARY'", {
        mysql: { errno: 1062, sqlstate: "23000" },
      });
    })
    .on("select unimplemented", async () => {
      throw new VtError(Code.UNIMPLEMENTED, "unsupported: this construct");
    })
    .on("select bug", async () => {
      throw new TypeError("cannot read properties of undefined");
    })
    .on("call two_results", [
      resultOf([field("a", Type.INT64)], [[1]]),
      resultOf([field("b", Type.VARCHAR)], [["x"], ["y"]]),
      okResult(0),
    ])
    .onPrefix("select echo", async ({ params }, out) => {
      const ps = params ?? [];
      await out.write(
        resultOf(
          ps.map((p, i) => field(`p${i}`, echoType(p))),
          [ps.map(paramText)],
        ),
      );
    })
    .onPrefix("select big", async ({ params }) => {
      const blob = params?.[0]?.value ?? Buffer.alloc(20 * 1024 * 1024, 7);
      return resultOf([field("len", Type.INT64), field("blob", Type.BLOB)], [[blob.length, blob]]);
    })
    .on("select stream", async (_call, out) => {
      out.beginResultSet([field("n", Type.INT64), field("s", Type.VARCHAR)]);
      for (let chunk = 0; chunk < 100; chunk++) {
        const rows = [];
        for (let i = 0; i < 1000; i++) rows.push(packRow([chunk * 1000 + i, `row ${chunk * 1000 + i}`]));
        await out.writeRows(rows);
      }
      out.endResultSet();
    })
    .on("select stream_fail", async (_call, out) => {
      out.beginResultSet([field("n", Type.INT64)]);
      await out.writeRows([packRow([1]), packRow([2])]);
      throw new VtError(Code.DEADLINE_EXCEEDED, "query timed out");
    });
  ts = await startTestServer(handler);
});

afterAll(async () => {
  await ts.stop();
});

describe("text protocol (COM_QUERY)", () => {
  it("sends column definitions and rows of every common type", async () => {
    const conn = await ts.connect({ supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
    const [rows, fields] = await conn.query({ sql: "select * from customer", rowsAsArray: true });
    expect(rows).toEqual([
      [
        "1",
        "alice@domain.com",
        "10.50",
        0.25,
        -3,
        "18446744073709551615",
        "2024-02-29",
        "2024-02-29 13:14:15.123456",
        "-838:59:59",
        Buffer.from([0, 1, 2, 255]),
        { a: 1 },
        1.5,
        2024,
        -8388608,
      ],
      [
        "2",
        null,
        null,
        null,
        null,
        null,
        "0000-00-00",
        "2024-01-01 00:00:00",
        "12:00:00.5",
        null,
        null,
        null,
        null,
        null,
      ],
    ]);
    const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
    expect(byName.id.columnType).toBe(8);
    expect(byName.id.flags).toBe(MySqlFlag.NOT_NULL_FLAG | MySqlFlag.PRI_KEY_FLAG);
    expect(byName.email.columnType).toBe(253);
    expect(byName.email.table).toBe("customer");
    expect(byName.email.schema).toBe("commerce");
    expect(byName.email.characterSet).toBe(45);
    expect(byName.email.columnLength).toBe(512);
    expect(byName.price.columnType).toBe(246);
    expect(byName.price.decimals).toBe(2);
    expect(Number(byName.big.flags) & MySqlFlag.UNSIGNED_FLAG).toBeTruthy();
    expect(byName.photo.characterSet).toBe(63);
    expect(Number(byName.photo.flags) & MySqlFlag.BINARY_FLAG).toBeTruthy();
  });

  it("sends OK packets with affected rows, an exact last insert id, info and status flags", async () => {
    const conn = await ts.connect({ supportBigNumbers: true, bigNumberStrings: true });
    const [warn] = await conn.query("select warn");
    expect(warn).toEqual([{ w: "1" }]);
    const [insert] = await conn.query("insert into t values (1)");
    expect(insert).toMatchObject({
      affectedRows: 1,
      insertId: "9007199254740993",
      serverStatus: ServerStatus.AUTOCOMMIT,
    });
    const [update] = await conn.query("update t set x = 1");
    expect(update).toMatchObject({ affectedRows: 7, info: "Rows matched: 7  Changed: 7  Warnings: 0" });
    const [begin] = await conn.query("begin");
    expect((begin as mysql.ResultSetHeader).serverStatus).toBe(
      ServerStatus.AUTOCOMMIT | ServerStatus.IN_TRANS,
    );
    const [commit] = await conn.query("commit");
    expect((commit as mysql.ResultSetHeader).serverStatus).toBe(ServerStatus.AUTOCOMMIT);
  });

  it("returns every result of a multi-statement query, and of a statement with several results", async () => {
    const conn = await ts.connect({ multipleStatements: true });
    const [results] = await conn.query("select 1; insert into t values (1);\n select 1 ; -- the end");
    expect(results).toHaveLength(3);
    const list = results as unknown[];
    expect(list[0]).toEqual([{ 1: 1 }]);
    expect(list[1]).toMatchObject({
      affectedRows: 1,
      serverStatus: ServerStatus.AUTOCOMMIT | ServerStatus.MORE_RESULTS_EXISTS,
    });
    expect(list[2]).toEqual([{ 1: 1 }]);
    const [call] = await conn.query("call two_results");
    expect(call).toHaveLength(3);
    expect((call as unknown[])[1]).toEqual([{ b: "x" }, { b: "y" }]);
  });

  it("stops a multi-statement query at the first error and stays usable", async () => {
    const conn = await ts.connect({ multipleStatements: true });
    const ran = handler.calls.length;
    await expect(conn.query("select 1; select dup; select 1")).rejects.toMatchObject({
      errno: 1062,
      sqlState: "23000",
    });
    const queries = handler.calls.slice(ran).map((c) => c.sql);
    expect(queries).toEqual(["select 1", "select dup"]);
    expect((await conn.query("select 1"))[0]).toEqual([{ 1: 1 }]);
  });

  it("keeps errno, SQLSTATE and message of handler errors; the connection stays usable", async () => {
    const conn = await ts.connect();
    await expect(conn.query("select * from nope")).rejects.toMatchObject({
      errno: 1146,
      sqlState: "42S02",
      sqlMessage: "Table 'vt_test.nope' doesn't exist",
    });
    await expect(conn.query("select dup")).rejects.toMatchObject({ errno: 1062, sqlState: "23000" });
    await expect(conn.query("select unimplemented")).rejects.toMatchObject({
      errno: 1235,
      sqlState: "42000",
    });
    await expect(conn.query("select bug")).rejects.toMatchObject({ errno: 1105, sqlState: "HY000" });
    await expect(conn.query("   ")).rejects.toMatchObject({ errno: 1065 });
    expect((await conn.query("select 1"))[0]).toEqual([{ 1: 1 }]);
    await conn.ping();
  });

  it("streams large results with backpressure, and an error mid-stream ends it with ERR", async () => {
    const conn = await ts.connect();
    const [rows] = await conn.query("select stream");
    const list = rows as { n: number; s: string }[];
    expect(list).toHaveLength(100_000);
    expect(list[99_999]).toEqual({ n: 99_999, s: "row 99999" });
    await expect(conn.query("select stream_fail")).rejects.toMatchObject({ errno: 1317, sqlState: "70100" });
    expect((await conn.query("select 1"))[0]).toEqual([{ 1: 1 }]);
  });
});

describe("binary protocol (prepared statements)", () => {
  it("decodes parameters of every common type and NULL, and encodes them back in binary rows", async () => {
    const conn = await ts.connect({ supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
    const ran = handler.calls.length;
    const params = [
      P.TINY(-5),
      P.TINY.unsigned(250),
      P.SHORT(-30000),
      P.INT24(-8000000),
      P.LONG(-2147483648),
      P.LONG.unsigned(4294967295),
      P.LONGLONG("-9223372036854775808"),
      P.LONGLONG.unsigned("18446744073709551615"),
      P.FLOAT(0.1),
      P.DOUBLE(-1.25e-7),
      P.DECIMAL("12345678901234567890.123"),
      P.DATE("2024-02-29"),
      P.DATETIME(new Date(Date.UTC(2024, 1, 29, 13, 14, 15, 123))),
      P.TIME("-25:30:01.5"),
      P.VARCHAR("héllo wörld"),
      P.BLOB(Buffer.from([0, 0xff, 0x10])),
      P.JSON({ k: [1, 2] }),
      P.NULL(),
      null,
      true,
      42,
      "plain",
    ];
    const sql = `select echo(${params.map(() => "?").join(", ")})`;
    const [rows] = await conn.execute({ sql, rowsAsArray: true, timezone: "Z" }, params as never[]);
    const call = handler.calls.slice(ran).find((c) => c.kind === "execute");
    const got = (call?.params ?? []).map((p) => [
      Type[p.type],
      p.type === Type.NULL_TYPE ? null : p.value.toString("latin1"),
    ]);
    expect(got).toEqual([
      ["INT64", "-5"],
      ["UINT64", "250"],
      ["INT64", "-30000"],
      ["INT64", "-8000000"],
      ["INT64", "-2147483648"],
      ["UINT64", "4294967295"],
      ["INT64", "-9223372036854775808"],
      ["UINT64", "18446744073709551615"],
      ["FLOAT64", "0.1"],
      ["FLOAT64", "-1.25e-7"],
      ["DECIMAL", "12345678901234567890.123"],
      ["DATE", "2024-02-29"],
      ["DATETIME", "2024-02-29 13:14:15.123000"],
      ["TIME", "-25:30:01.500000"],
      ["VARCHAR", Buffer.from("héllo wörld").toString("latin1")],
      ["VARBINARY", "\u0000\u00ff\u0010"],
      ["JSON", '{"k":[1,2]}'],
      ["NULL_TYPE", null],
      ["NULL_TYPE", null],
      ["INT64", "1"],
      ["FLOAT64", "42"],
      ["VARCHAR", "plain"],
    ]);
    expect(rows).toEqual([
      [
        "-5",
        "250",
        "-30000",
        "-8000000",
        "-2147483648",
        "4294967295",
        "-9223372036854775808",
        "18446744073709551615",
        0.1,
        -1.25e-7,
        "12345678901234567890.123",
        "2024-02-29",
        "2024-02-29 13:14:15.123000",
        "-25:30:01.5",
        "héllo wörld",
        Buffer.from([0, 0xff, 0x10]),
        { k: [1, 2] },
        null,
        null,
        "1",
        42,
        "plain",
      ],
    ]);
  });

  it("encodes every column type in binary rows", async () => {
    const conn = await ts.connect({ supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
    const [rows] = await conn.execute({ sql: "select * from customer", rowsAsArray: true });
    expect(rows).toEqual([
      [
        "1",
        "alice@domain.com",
        "10.50",
        0.25,
        -3,
        "18446744073709551615",
        "2024-02-29",
        "2024-02-29 13:14:15.123456",
        "-838:59:59",
        Buffer.from([0, 1, 2, 255]),
        { a: 1 },
        1.5,
        2024,
        -8388608,
      ],
      [
        "2",
        null,
        null,
        null,
        null,
        null,
        "0000-00-00",
        "2024-01-01 00:00:00",
        "12:00:00.5",
        null,
        null,
        null,
        null,
        null,
      ],
    ]);
  });

  it("reuses a statement with new parameters, and closes it", async () => {
    const conn = await ts.connect();
    const stmt = await conn.prepare("select echo /* ? */ where a = ? and b = '?'");
    expect((stmt as unknown as { statement: { parameters: unknown[] } }).statement.parameters).toHaveLength(
      1,
    );
    for (let i = 0; i < 3; i++) {
      const [rows] = await stmt.execute([i]);
      expect(rows).toEqual([[i]].map(([v]) => ({ p0: v })));
    }
    await stmt.close();
    await expect(conn.execute("select * from nope", [])).rejects.toMatchObject({ errno: 1146 });
    expect((await conn.execute("select 1"))[0]).toEqual([{ 1: 1 }]);
  });

  it("round-trips a 20 MB blob as a parameter and as a result (packets split over 16 MB)", async () => {
    const conn = await ts.connect();
    const blob = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < blob.length; i += 4096) blob[i] = (i / 4096) & 0xff;
    blob[blob.length - 1] = 0xee;
    const [rows] = await conn.execute("select big ?", [blob]);
    const [row] = rows as { len: number; blob: Buffer }[];
    expect(row.len).toBe(blob.length);
    expect(row.blob.equals(blob)).toBe(true);
    const [textRows] = await conn.query("select big");
    expect((textRows as { len: number; blob: Buffer }[])[0].blob.length).toBe(20 * 1024 * 1024);
    expect((await conn.query("select 1"))[0]).toEqual([{ 1: 1 }]);
  }, 60_000);
});

describe("connection state", () => {
  it("exposes user, schema and capabilities to the handler, and reports closes", async () => {
    const conn = await ts.connect({ database: "commerce", user: "app", flags: ["FOUND_ROWS"] });
    await conn.query("select 1");
    const server = handler.opened[handler.opened.length - 1];
    expect(server.user.user).toBe("app");
    expect(server.schema).toBe("commerce");
    expect(server.clientFoundRows).toBe(true);
    expect(server.attributes.get("_client_name")).toBeDefined();
    await conn.end();
    await expect.poll(() => handler.closed.includes(server)).toBe(true);
  });

  it("answers COM_RESET_CONNECTION and forgets prepared statements", async () => {
    const conn = await ts.connect();
    await conn.prepare("select 1");
    await new Promise<void>((resolve, reject) =>
      (conn as unknown as { connection: { reset(cb: (err: Error | null) => void): void } }).connection.reset(
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    expect((await conn.query("select 1"))[0]).toEqual([{ 1: 1 }]);
  });
});
