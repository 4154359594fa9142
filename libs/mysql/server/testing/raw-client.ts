/**
 * A minimal MySQL client over a raw socket for protocol tests: it frames packets, authenticates with
 * mysql_native_password (or any plugin name), sends arbitrary bytes, and reads response packets.
 */
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { scrambleNativePassword } from "../auth-server.js";
import { Capability } from "../constants.js";
import { PacketFramer } from "../packet-reader.js";

export interface RawPacket {
  seq: number;
  payload: Buffer;
}

export const CLIENT_CAPABILITIES =
  (Capability.LONG_PASSWORD |
    Capability.PROTOCOL_41 |
    Capability.SECURE_CONNECTION |
    Capability.PLUGIN_AUTH |
    Capability.TRANSACTIONS |
    Capability.MULTI_STATEMENTS |
    Capability.MULTI_RESULTS |
    Capability.DEPRECATE_EOF) >>>
  0;

export class RawClient {
  readonly packets: RawPacket[] = [];
  private waiters: (() => void)[] = [];
  private readonly framer = new PacketFramer(1 << 30);
  closed = false;
  salt = Buffer.alloc(0);

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.framer.push(chunk, (payload, seq) => this.packets.push({ seq, payload: Buffer.from(payload) }));
      this.wake();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect({ host: "127.0.0.1", port });
    await once(socket, "connect");
    return new RawClient(socket);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The next packet; rejects when the connection closes first or after `timeoutMs`. */
  async read(timeoutMs = 5000): Promise<RawPacket> {
    const deadline = Date.now() + timeoutMs;
    while (this.packets.length === 0) {
      if (this.closed) throw new Error("connection closed");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a packet");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.packets.shift() as RawPacket;
  }

  /** Resolves when the server has closed the connection (rejects after `timeoutMs`). */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("connection still open");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  writePacket(payload: Buffer, seq: number): void {
    const header = Buffer.from([
      payload.length & 0xff,
      (payload.length >> 8) & 0xff,
      payload.length >> 16,
      seq,
    ]);
    this.socket.write(Buffer.concat([header, payload]));
  }

  /** Reads the server's handshake and keeps its salt. */
  async readHandshake(): Promise<RawPacket> {
    const packet = await this.read();
    const p = packet.payload;
    if (p[0] !== 10) return packet;
    let pos = p.indexOf(0, 1) + 1 + 4;
    const part1 = p.subarray(pos, pos + 8);
    pos += 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10;
    const part2 = p.subarray(pos, pos + 12);
    this.salt = Buffer.concat([part1, part2]);
    return packet;
  }

  /** A Handshake Response 41 for `user`, answering with `plugin` and `authResponse`. */
  handshakeResponse(user: string, authResponse: Buffer, plugin: string, database = ""): Buffer {
    const caps = CLIENT_CAPABILITIES | (database ? Capability.CONNECT_WITH_DB : 0);
    const fixed = Buffer.alloc(32);
    fixed.writeUInt32LE(caps >>> 0, 0);
    fixed.writeUInt32LE(1 << 24, 4);
    fixed[8] = 45;
    return Buffer.concat([
      fixed,
      Buffer.from(`${user}\0`),
      Buffer.from([authResponse.length]),
      authResponse,
      database ? Buffer.from(`${database}\0`) : Buffer.alloc(0),
      Buffer.from(`${plugin}\0`),
    ]);
  }

  /** Handshake + native password auth; throws unless the server says OK. */
  async login(user = "u", password = ""): Promise<void> {
    await this.readHandshake();
    this.writePacket(
      this.handshakeResponse(user, scrambleNativePassword(this.salt, password), "mysql_native_password"),
      1,
    );
    const ok = await this.read();
    if (ok.payload[0] !== 0) throw new Error(`login failed: ${ok.payload.subarray(9).toString()}`);
  }

  /** Sends a command (sequence id 0). */
  command(payload: Buffer): void {
    this.writePacket(payload, 0);
  }

  end(): void {
    this.socket.destroy();
  }
}

/** errno, SQLSTATE and message of an ERR payload. */
export function parseErr(payload: Buffer): { errno: number; sqlstate: string; message: string } {
  if (payload[0] !== 0xff) throw new Error(`not an ERR packet: ${payload.toString("hex")}`);
  return {
    errno: payload.readUInt16LE(1),
    sqlstate: payload.toString("latin1", 4, 9),
    message: payload.toString("utf8", 9),
  };
}
