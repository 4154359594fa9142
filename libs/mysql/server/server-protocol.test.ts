/** Protocol corners over a raw socket: auth switch, rarely used commands, bad input, connection limit. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code, VtError } from "../../vterrors/index.js";
import { MysqlColumnType } from "../column-type.js";
import { scrambleNativePassword } from "./auth-server.js";
import { AuthServerStatic } from "./auth-server-static.js";
import { Command } from "./constants.js";
import { PayloadReader } from "./packet-reader.js";
import { MysqlServer } from "./server.js";
import { CannedHandler, field, resultOf, Type } from "./testing/canned-handler.js";
import { parseErr, RawClient } from "./testing/raw-client.js";
import { startTestServer, type TestServer } from "./testing/test-server.js";

const handler = new CannedHandler();
let ts: TestServer;
const raws: RawClient[] = [];

async function rawLogin(server = ts, user = "app", password = "pw"): Promise<RawClient> {
  const c = await RawClient.connect(server.port);
  raws.push(c);
  await c.login(user, password);
  return c;
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
}

beforeAll(async () => {
  handler
    .on("select 1", resultOf([field("1", Type.INT64)], [[1]]))
    .on("select 1; select 1", resultOf([field("whole", Type.VARCHAR)], [["yes"]]))
    .onPrefix("select echo", async ({ params }) =>
      resultOf(
        (params ?? []).map((_, i) => field(`p${i}`, Type.BLOB)),
        [(params ?? []).map((p) => (p.type === Type.NULL_TYPE ? null : p.value))],
      ),
    );
  handler.tables.set("customer", [field("customer_id", Type.INT64), field("email", Type.VARCHAR)]);
  const authServer = AuthServerStatic.fromJson(
    JSON.stringify({ app: [{ Password: "pw", UserData: "app" }] }),
  );
  ts = await startTestServer(handler, { authServer, netReadTimeoutMs: 500, maxPacketSize: 64 * 1024 });
});

afterAll(async () => {
  for (const c of raws) c.end();
  await ts.stop();
});

describe("authentication", () => {
  it("switches a caching_sha2_password client to mysql_native_password", async () => {
    const c = await RawClient.connect(ts.port);
    raws.push(c);
    await c.readHandshake();
    c.writePacket(c.handshakeResponse("app", Buffer.alloc(32, 1), "caching_sha2_password"), 1);
    const sw = await c.read();
    expect(sw.seq).toBe(2);
    expect(sw.payload[0]).toBe(0xfe);
    const r = new PayloadReader(sw.payload, 1);
    expect(r.nullString()).toBe("mysql_native_password");
    const salt = r.bytes(20);
    expect(salt.equals(c.salt)).toBe(true);
    c.writePacket(scrambleNativePassword(salt, "pw"), 3);
    const ok = await c.read();
    expect(ok.seq).toBe(4);
    expect(ok.payload[0]).toBe(0);
  });

  it("denies a wrong password after the switch and closes", async () => {
    const c = await RawClient.connect(ts.port);
    raws.push(c);
    await c.readHandshake();
    c.writePacket(c.handshakeResponse("app", Buffer.alloc(32, 1), "caching_sha2_password"), 1);
    const sw = await c.read();
    c.writePacket(scrambleNativePassword(sw.payload.subarray(23, 43), "nope"), 3);
    expect(parseErr((await c.read()).payload)).toEqual({
      errno: 1045,
      sqlstate: "28000",
      message: "Access denied for user 'app'@'127.0.0.1' (using password: YES)",
    });
    await c.waitClosed();
  });

  it("gives mysql2 ER_ACCESS_DENIED_ERROR for a wrong password", async () => {
    await expect(ts.connect({ user: "app", password: "wrong" })).rejects.toMatchObject({
      errno: 1045,
      sqlState: "28000",
      sqlMessage: "Access denied for user 'app'@'127.0.0.1' (using password: YES)",
    });
    const conn = await ts.connect({ user: "app", password: "pw" });
    expect((await conn.query("select 1"))[0]).toEqual([{ 1: 1 }]);
  });
});

describe("commands", () => {
  it("ends result sets with 0xfe OK packets under CLIENT_DEPRECATE_EOF, with MORE_RESULTS_EXISTS between results", async () => {
    const c = await rawLogin();
    c.command(Buffer.from("\x03select 1; select 1", "latin1"));
    const packets = [];
    for (let i = 0; i < 8; i++) packets.push(await c.read());
    expect(packets.map((p) => p.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(packets.map((p) => p.payload[0])).toEqual([1, 3, 1, 0xfe, 1, 3, 1, 0xfe]);
    const status = (p: { payload: Buffer }) => {
      const r = new PayloadReader(p.payload, 1);
      r.lenencInt();
      r.lenencInt();
      return r.u16();
    };
    expect(status(packets[3])).toBe(0x0002 | 0x0008);
    expect(status(packets[7])).toBe(0x0002);
    expect(c.packets).toHaveLength(0);
  });

  it("turns multi-statements off and on with COM_SET_OPTION", async () => {
    const c = await rawLogin();
    c.command(Buffer.from([Command.SET_OPTION, 1, 0]));
    const off = await c.read();
    expect(off.payload[0]).toBe(0xfe);
    c.command(Buffer.from("\x03select 1; select 1", "latin1"));
    const whole = [await c.read(), await c.read(), await c.read(), await c.read()];
    expect(whole[2].payload.subarray(1).toString()).toBe("yes");
    c.command(Buffer.from([Command.SET_OPTION, 0, 0]));
    expect((await c.read()).payload[0]).toBe(0xfe);
  });

  it("answers COM_FIELD_LIST from the handler, with a NULL default per column", async () => {
    const c = await rawLogin();
    c.command(Buffer.concat([Buffer.from([Command.FIELD_LIST]), Buffer.from("customer\0")]));
    const first = await c.read();
    const r = new PayloadReader(first.payload);
    expect(r.lenencBytes().toString()).toBe("def");
    r.lenencBytes();
    r.lenencBytes();
    r.lenencBytes();
    expect(r.lenencBytes().toString()).toBe("customer_id");
    r.lenencBytes();
    r.skip(13);
    expect(r.u8()).toBe(0xfb);
    expect(r.remaining).toBe(0);
    expect((await c.read()).payload[0]).not.toBe(0xfe);
    expect((await c.read()).payload[0]).toBe(0xfe);
    c.command(Buffer.concat([Buffer.from([Command.FIELD_LIST]), Buffer.from("unknown\0")]));
    expect((await c.read()).payload[0]).toBe(0xfe);
  });

  it("takes parameters sent as long data, resets and rejects unknown statements", async () => {
    const c = await rawLogin();
    c.command(Buffer.from("\x16select echo(?, ?)", "latin1"));
    const prepared = await c.read();
    expect(prepared.payload[0]).toBe(0);
    const id = prepared.payload.readUInt32LE(1);
    expect(prepared.payload.readUInt16LE(7)).toBe(2);
    await c.read();
    await c.read();
    const longData = (chunk: string) =>
      c.command(
        Buffer.concat([
          Buffer.from([Command.STMT_SEND_LONG_DATA]),
          u32(id),
          Buffer.from([0, 0]),
          Buffer.from(chunk),
        ]),
      );
    longData("hello ");
    longData("world");
    const execute = Buffer.concat([
      Buffer.from([Command.STMT_EXECUTE]),
      u32(id),
      Buffer.from([0]),
      u32(1),
      Buffer.from([0b10]), // param 1 is NULL
      Buffer.from([1, MysqlColumnType.BLOB, 0, MysqlColumnType.LONG, 0]),
    ]);
    c.command(execute);
    const packets = [await c.read(), await c.read(), await c.read(), await c.read(), await c.read()];
    const row = packets[3].payload;
    expect(row[1]).toBe(0b1000); // NULL bitmap: column 1 (offset 2)
    expect(new PayloadReader(row, 2).lenencBytes().toString()).toBe("hello world");
    c.command(Buffer.concat([Buffer.from([Command.STMT_RESET]), u32(id)]));
    expect((await c.read()).payload[0]).toBe(0);
    c.command(Buffer.concat([Buffer.from([Command.STMT_RESET]), u32(999)]));
    expect(parseErr((await c.read()).payload).errno).toBe(1243);
    c.command(Buffer.concat([Buffer.from([Command.STMT_EXECUTE]), u32(999), Buffer.from([0]), u32(1)]));
    expect(parseErr((await c.read()).payload)).toMatchObject({ errno: 1243, sqlstate: "HY000" });
    c.command(Buffer.concat([Buffer.from([Command.STMT_CLOSE]), u32(id)]));
    c.command(execute);
    expect(parseErr((await c.read()).payload).errno).toBe(1243);
  });

  it("refuses an execute without parameter types, and a malformed one", async () => {
    const c = await rawLogin();
    c.command(Buffer.from("\x16select echo(?)", "latin1"));
    const id = (await c.read()).payload.readUInt32LE(1);
    await c.read();
    c.command(
      Buffer.concat([
        Buffer.from([Command.STMT_EXECUTE]),
        u32(id),
        Buffer.from([0]),
        u32(1),
        Buffer.from([0, 0]),
      ]),
    );
    expect(parseErr((await c.read()).payload)).toMatchObject({ errno: 1210, sqlstate: "HY000" });
    c.command(
      Buffer.concat([
        Buffer.from([Command.STMT_EXECUTE]),
        u32(id),
        Buffer.from([0]),
        u32(1),
        Buffer.from([0, 1, MysqlColumnType.LONGLONG, 0, 1, 2]),
      ]),
    );
    expect(parseErr((await c.read()).payload).errno).toBe(1210);
  });

  it("answers COM_STATISTICS, COM_PING, and ERR 1047 for an unknown command", async () => {
    const c = await rawLogin();
    c.command(Buffer.from([Command.STATISTICS]));
    expect((await c.read()).payload.toString()).toMatch(/^Uptime: \d+ {2}Threads: \d+/);
    c.command(Buffer.from([0x99, 1, 2, 3]));
    expect(parseErr((await c.read()).payload)).toMatchObject({ errno: 1047, sqlstate: "08S01" });
    c.command(Buffer.from([Command.PING]));
    expect((await c.read()).payload[0]).toBe(0);
  });
});

describe("bad input", () => {
  it("closes only the connection that sends garbage instead of a handshake response", async () => {
    const good = await ts.connect({ user: "app", password: "pw" });
    const c = await RawClient.connect(ts.port);
    raws.push(c);
    await c.readHandshake();
    c.writeRaw(Buffer.from("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    const err = await c.read();
    expect(parseErr(err.payload).errno).toBe(1156);
    await c.waitClosed();
    const c2 = await RawClient.connect(ts.port);
    raws.push(c2);
    await c2.readHandshake();
    c2.writePacket(Buffer.from([1, 2, 3, 4, 5]), 1);
    expect(parseErr((await c2.read()).payload)).toMatchObject({
      errno: 1043,
      sqlstate: "08S01",
      message: "Bad handshake",
    });
    await c2.waitClosed();
    expect((await good.query("select 1"))[0]).toEqual([{ 1: 1 }]);
    const fresh = await ts.connect({ user: "app", password: "pw" });
    expect((await fresh.query("select 1"))[0]).toEqual([{ 1: 1 }]);
  });

  it("closes a connection that sends garbage after login (sequence out of order)", async () => {
    const c = await rawLogin();
    const garbage = Buffer.from("8d3f09a1c27b5e44ffee0011", "hex");
    c.writeRaw(garbage);
    expect(parseErr((await c.read()).payload).errno).toBe(1156);
    await c.waitClosed();
  });

  it("closes a connection whose packet is truncated (peer closes, or stalls past the read timeout)", async () => {
    const c = await rawLogin();
    c.writeRaw(Buffer.concat([Buffer.from([100, 0, 0, 0, Command.QUERY]), Buffer.from("select")]));
    c.socket.end();
    await c.waitClosed();
    const stalled = await rawLogin();
    stalled.writeRaw(Buffer.concat([Buffer.from([100, 0, 0, 0, Command.QUERY]), Buffer.from("select")]));
    expect(parseErr((await stalled.read(3000)).payload)).toMatchObject({ errno: 1159, sqlstate: "08S01" });
    await stalled.waitClosed();
    const half = await RawClient.connect(ts.port);
    raws.push(half);
    await half.readHandshake();
    expect(parseErr((await half.read(3000)).payload).errno).toBe(1159);
  });

  it("closes a connection that announces a packet over the maximum", async () => {
    const c = await rawLogin();
    c.writeRaw(Buffer.from([0x00, 0x00, 0x10, 0x00, Command.QUERY]));
    expect(parseErr((await c.read()).payload)).toMatchObject({ errno: 1153, sqlstate: "08S01" });
    await c.waitClosed();
  });

  it("answers a throwing newConnection with its error and closes", async () => {
    const refusing = new CannedHandler();
    refusing.newConnection = (conn) => {
      if (conn.schema === "secret") {
        throw new VtError(Code.PERMISSION_DENIED, `Access denied for user 'user' to database 'secret'`, {
          mysql: { errno: 1044, sqlstate: "42000" },
        });
      }
    };
    const server = await startTestServer(refusing);
    try {
      await expect(server.connect({ database: "secret" })).rejects.toMatchObject({
        errno: 1044,
        sqlState: "42000",
      });
      expect(refusing.closed).toHaveLength(0);
    } finally {
      await server.stop();
    }
  });
});

describe("unix socket", () => {
  it("serves a unix socket, where SourceHost localhost entries apply", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mysql-sock-"));
    const path = join(dir, "mysql.sock");
    const authServer = AuthServerStatic.fromJson(
      JSON.stringify({ local: [{ Password: "pw", UserData: "local", SourceHost: "localhost" }] }),
    );
    const local = new CannedHandler().on("select 1", resultOf([field("1", Type.INT64)], [[1]]));
    const server = new MysqlServer({ handler: local, authServer });
    await server.listen({ path });
    await server.listen({ port: 0 });
    try {
      const conn = await mysql.createConnection({ socketPath: path, user: "local", password: "pw" });
      expect((await conn.query("select 1"))[0]).toEqual([{ 1: 1 }]);
      expect(local.opened[0].remoteAddress).toBe("localhost");
      await conn.end();
      await expect(
        mysql.createConnection({ host: "127.0.0.1", port: server.port, user: "local", password: "pw" }),
      ).rejects.toMatchObject({ errno: 1045 });
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("connection limit", () => {
  it("refuses connections over the limit with ER_CON_COUNT_ERROR and accepts again after a close", async () => {
    const limited = await startTestServer(
      new CannedHandler().on("select 1", resultOf([field("1", Type.INT64)], [[1]])),
      {
        maxConnections: 2,
      },
    );
    try {
      const a = await limited.connect();
      await limited.connect();
      await expect(limited.connect()).rejects.toMatchObject({ errno: 1040, message: "Too many connections" });
      const raw = await RawClient.connect(limited.port);
      raws.push(raw);
      expect(parseErr((await raw.read()).payload)).toEqual({
        errno: 1040,
        sqlstate: "08004",
        message: "Too many connections",
      });
      await raw.waitClosed();
      await a.end();
      await expect.poll(() => limited.server.connectionCount).toBe(1);
      const again = await limited.connect();
      expect((await again.query("select 1"))[0]).toEqual([{ 1: 1 }]);
    } finally {
      await limited.stop();
    }
  });
});
