/**
 * One client connection: framing of the socket's bytes, the handshake and authentication, then a queue
 * of commands executed one at a time (commands.ts). Protocol violations (bad framing, a packet that is
 * too large or out of order, a malformed handshake, a read that stalls mid-packet) end this connection
 * only; handler errors are answered with ERR and the connection goes on.
 */
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { type AuthenticatedUser, type AuthServer, newSalt } from "./auth-server.js";
import { runCommand } from "./commands.js";
import {
  Capability,
  NATIVE_PASSWORD_PLUGIN,
  ProtocolError,
  SERVER_CAPABILITIES,
  ServerStatus,
} from "./constants.js";
import { clientErrorFor, isExpectedError } from "./errors.js";
import type { ClientConnection, ConnectionHandler } from "./handler.js";
import { type HandshakeResponse, parseHandshakeResponse } from "./handshake.js";
import { FramingError, MalformedPacketError, PacketFramer } from "./packet-reader.js";
import { PacketWriter } from "./packet-writer.js";
import { StatementRegistry } from "./prepared-statements.js";
import { writeAuthSwitchRequest, writeErr, writeHandshakeV10, writeOk } from "./protocol-packets.js";
import type { ResponseTarget } from "./result-writer.js";

export interface ConnectionSettings {
  handler: ConnectionHandler;
  authServer: AuthServer;
  serverVersion: string;
  /** Collation id announced in the handshake. */
  charset: number;
  maxPacketSize: number;
  maxPreparedStatements: number;
  /** How long the client has to complete the handshake, and to finish a packet it started. */
  netReadTimeoutMs: number;
  log: Logger;
  /** COM_STATISTICS text. */
  statistics(): string;
}

type Phase = "handshake" | "auth-switch" | "authenticating" | "command" | "closed";

interface QueuedPacket {
  payload: Buffer;
  firstSeq: number;
  lastSeq: number;
}

/** Stop reading from a client that pipelines more than this many commands ahead. */
const MAX_QUEUED_PACKETS = 64;
const CLOSE_GRACE_MS = 5_000;

const NO_USER: AuthenticatedUser = { user: "", userData: "", groups: [] };

export class ServerConnection implements ClientConnection, ResponseTarget {
  user: AuthenticatedUser = NO_USER;
  capabilities = 0;
  charset = 0;
  attributes: ReadonlyMap<string, string> = new Map();
  schema = "";
  inTransaction = false;
  autocommit = true;
  warnings = 0;
  clientData: unknown;
  multiStatements = false;
  deprecateEof = false;

  readonly writer: PacketWriter;
  readonly statements: StatementRegistry;
  private readonly framer: PacketFramer;
  private readonly salt = newSalt();
  private phase: Phase = "handshake";
  private accepted = false;
  private queue: QueuedPacket[] = [];
  private busy = false;
  private paused = false;
  private readTimer: NodeJS.Timeout | undefined;
  private drainWaiters: (() => void)[] = [];
  private handshake: HandshakeResponse | undefined;

  constructor(
    private readonly socket: Socket,
    readonly id: number,
    readonly remoteAddress: string,
    private readonly unixSocket: boolean,
    readonly settings: ConnectionSettings,
    private readonly onClosed: (conn: ServerConnection) => void,
  ) {
    this.writer = new PacketWriter({ write: (data) => this.socketWrite(data) });
    this.framer = new PacketFramer(settings.maxPacketSize);
    this.framer.expectedSeq = 1;
    this.statements = new StatementRegistry(settings.maxPreparedStatements);
  }

  get handler(): ConnectionHandler {
    return this.settings.handler;
  }

  get clientFoundRows(): boolean {
    return (this.capabilities & Capability.FOUND_ROWS) !== 0;
  }

  get closed(): boolean {
    return this.phase === "closed";
  }

  /** Sends the handshake and starts reading. */
  start(): void {
    const { socket } = this;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.settings.log.debug({ err, connection: this.id }, "client socket error"));
    socket.on("close", () => this.onSocketClose());
    socket.on("drain", () => this.wakeDrainWaiters());
    writeHandshakeV10(this.writer, {
      serverVersion: this.settings.serverVersion,
      connectionId: this.id,
      salt: this.salt,
      capabilities: SERVER_CAPABILITIES,
      charset: this.settings.charset,
      status: ServerStatus.AUTOCOMMIT,
    });
    this.writer.flush();
    this.armReadTimer();
  }

  statusFlags(): number {
    return (this.inTransaction ? ServerStatus.IN_TRANS : 0) | (this.autocommit ? ServerStatus.AUTOCOMMIT : 0);
  }

  warningCount(): number {
    return this.warnings;
  }

  flushAndDrain(): Promise<void> {
    if (this.writer.flush() || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Ends the connection after what was written is sent. */
  close(): void {
    if (this.phase === "closed") return;
    this.writer.flush();
    this.phase = "closed";
    this.clearReadTimer();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Sends ERR (sequence id as it stands) and closes. */
  fatal(error: { errno: number; sqlstate: string }, message: string): void {
    if (this.phase === "closed") return;
    writeErr(this.writer, error.errno, error.sqlstate, message);
    this.close();
  }

  private socketWrite(data: Buffer): boolean {
    if (this.socket.destroyed) return true;
    return this.socket.write(data);
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  private onSocketClose(): void {
    this.phase = "closed";
    this.clearReadTimer();
    this.queue = [];
    this.wakeDrainWaiters();
    if (this.accepted) {
      this.accepted = false;
      try {
        this.handler.connectionClosed(this);
      } catch (err) {
        this.settings.log.warn({ err, connection: this.id }, "connectionClosed handler failed");
      }
    }
    this.onClosed(this);
  }

  private onData(chunk: Buffer): void {
    if (this.phase === "closed") return;
    try {
      this.framer.push(chunk, (payload, firstSeq, lastSeq) => {
        this.queue.push({ payload, firstSeq, lastSeq });
      });
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      this.settings.log.info({ connection: this.id, reason: err.message }, "closing connection: bad framing");
      const code =
        err.kind === "too-large"
          ? ProtocolError.NET_PACKET_TOO_LARGE
          : ProtocolError.NET_PACKETS_OUT_OF_ORDER;
      this.fatal(
        code,
        err.kind === "too-large" ? "Got a packet bigger than 'max_allowed_packet' bytes" : err.message,
      );
      return;
    }
    if (this.framer.hasPartial || this.phase === "handshake") this.armReadTimer();
    else this.clearReadTimer();
    if (this.queue.length > MAX_QUEUED_PACKETS && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    if (!this.busy && this.queue.length > 0) void this.pump();
  }

  private armReadTimer(): void {
    if (this.readTimer !== undefined) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = undefined;
      if (this.phase === "closed") return;
      this.settings.log.info({ connection: this.id }, "closing connection: read timed out mid-packet");
      this.fatal(ProtocolError.NET_READ_INTERRUPTED, "Got timeout reading communication packets");
    }, this.settings.netReadTimeoutMs);
    this.readTimer.unref();
  }

  private clearReadTimer(): void {
    if (this.readTimer === undefined) return;
    clearTimeout(this.readTimer);
    this.readTimer = undefined;
  }

  private async pump(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const packet = this.queue.shift() as QueuedPacket;
        await this.handlePacket(packet);
        if (this.socket.writableNeedDrain && !this.closed) await this.flushAndDrain();
      }
    } catch (err) {
      this.settings.log.error({ err, connection: this.id }, "closing connection after an internal error");
      this.fatal(ProtocolError.UNKNOWN_ERROR, `internal error: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
    if (this.paused && !this.closed) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private async handlePacket({ payload, firstSeq, lastSeq }: QueuedPacket): Promise<void> {
    const expected = this.phase === "command" ? 0 : this.writer.seq;
    if (firstSeq !== expected) {
      this.fatal(
        ProtocolError.NET_PACKETS_OUT_OF_ORDER,
        `Got packets out of order: sequence id ${firstSeq}, expected ${expected}`,
      );
      return;
    }
    this.writer.seq = (lastSeq + 1) & 0xff;
    switch (this.phase) {
      case "handshake":
        await this.onHandshakeResponse(payload);
        break;
      case "auth-switch":
        await this.authenticate(Buffer.from(payload));
        break;
      case "command":
        if (payload.length === 0) {
          this.fatal(ProtocolError.MALFORMED_PACKET, "Malformed communication packet: empty command");
          return;
        }
        await runCommand(this, payload);
        this.writer.flush();
        break;
      default:
        break;
    }
  }

  private async onHandshakeResponse(payload: Buffer): Promise<void> {
    let response: HandshakeResponse;
    try {
      response = parseHandshakeResponse(payload);
    } catch (err) {
      if (!(err instanceof MalformedPacketError)) throw err;
      this.settings.log.info(
        { connection: this.id, reason: err.message },
        "closing connection: bad handshake",
      );
      this.fatal(ProtocolError.HANDSHAKE, "Bad handshake");
      return;
    }
    this.handshake = response;
    this.capabilities = (response.capabilities & SERVER_CAPABILITIES) >>> 0;
    this.deprecateEof = (this.capabilities & Capability.DEPRECATE_EOF) !== 0;
    this.multiStatements = (this.capabilities & Capability.MULTI_STATEMENTS) !== 0;
    this.charset = response.charset;
    this.attributes = response.attributes;
    this.schema = response.database;
    if (this.settings.authServer.checksPasswords && response.authPlugin !== NATIVE_PASSWORD_PLUGIN) {
      // e.g. caching_sha2_password from MySQL 8 clients: ask for mysql_native_password over the same salt.
      this.phase = "auth-switch";
      this.framer.expectedSeq = (this.writer.seq + 1) & 0xff;
      writeAuthSwitchRequest(this.writer, NATIVE_PASSWORD_PLUGIN, this.salt);
      this.writer.flush();
      this.armReadTimer();
      return;
    }
    await this.authenticate(response.authResponse);
  }

  private async authenticate(authResponse: Buffer): Promise<void> {
    const handshake = this.handshake as HandshakeResponse;
    this.phase = "authenticating";
    let user: AuthenticatedUser | undefined;
    try {
      user = await this.settings.authServer.authenticate({
        user: handshake.user,
        salt: this.salt,
        authResponse,
        remoteAddress: this.remoteAddress,
        unixSocket: this.unixSocket,
      });
    } catch (err) {
      this.settings.log.warn({ err, connection: this.id, user: handshake.user }, "auth server failed");
    }
    if (this.closed) return;
    if (!user) {
      const how = authResponse.length > 0 ? "YES" : "NO";
      this.settings.log.info({ connection: this.id, user: handshake.user }, "access denied");
      this.fatal(
        ProtocolError.ACCESS_DENIED,
        `Access denied for user '${handshake.user}'@'${this.remoteAddress}' (using password: ${how})`,
      );
      return;
    }
    this.user = user;
    try {
      await this.handler.newConnection(this);
    } catch (err) {
      if (!isExpectedError(err)) this.settings.log.warn({ err, connection: this.id }, "newConnection failed");
      const e = clientErrorFor(err);
      this.fatal(e, e.message);
      return;
    }
    if (this.closed) {
      this.handler.connectionClosed(this);
      return;
    }
    this.accepted = true;
    this.phase = "command";
    this.framer.expectedSeq = 0;
    this.clearReadTimer();
    writeOk(this.writer, { affectedRows: 0, lastInsertId: "0", status: this.statusFlags(), warnings: 0 });
    this.writer.flush();
  }
}
