/**
 * MysqlServer: listens on TCP and/or a unix socket and speaks the MySQL protocol to each client through a
 * ConnectionHandler. Refuses connections over the limit with ER_CON_COUNT_ERROR before the handshake.
 */
import { createServer, type Server, type Socket } from "node:net";
import { type Logger, pino } from "pino";
import { Collation } from "../column-type.js";
import { type AuthServer, AuthServerNone } from "./auth-server.js";
import { ServerConnection } from "./connection.js";
import { ProtocolError } from "./constants.js";
import type { ClientConnection, ConnectionHandler } from "./handler.js";
import { PacketWriter } from "./packet-writer.js";
import { writeErr } from "./protocol-packets.js";

export interface MysqlServerOptions {
  handler: ConnectionHandler;
  /** Defaults to AuthServerNone (any user, any password). */
  authServer?: AuthServer;
  /** Version announced in the handshake (Vitess's --mysql-server-version); default "8.0.40-Vitess". */
  serverVersion?: string;
  /** Connections over this many are refused with ER_CON_COUNT_ERROR; 0 means no limit. Default 1000. */
  maxConnections?: number;
  /** Largest packet payload accepted from a client (max_allowed_packet); default 64 MiB. */
  maxPacketSize?: number;
  /** Prepared statements per connection; default 16382 (MySQL's max_prepared_stmt_count). */
  maxPreparedStatements?: number;
  /** Time to complete the handshake or a started packet (net_read_timeout); default 30 s. */
  netReadTimeoutMs?: number;
  /** Collation announced in the handshake; default utf8mb4_general_ci. */
  charset?: number;
  logger?: Logger;
  firstConnectionId?: number;
}

export type ListenOptions = { port: number; host?: string } | { path: string };

export const DEFAULT_SERVER_VERSION = "8.0.40-Vitess";

export class MysqlServer {
  private readonly servers: Server[] = [];
  private readonly open = new Set<ServerConnection>();
  private readonly log: Logger;
  private readonly maxConnections: number;
  private nextId: number;
  private readonly startedAt = Date.now();
  private readonly settings: ServerConnection["settings"];

  constructor(options: MysqlServerOptions) {
    this.log = options.logger ?? pino({ enabled: false });
    this.maxConnections = options.maxConnections ?? 1000;
    this.nextId = options.firstConnectionId ?? 1;
    this.settings = {
      handler: options.handler,
      authServer: options.authServer ?? new AuthServerNone(),
      serverVersion: options.serverVersion ?? DEFAULT_SERVER_VERSION,
      charset: options.charset ?? Collation.UTF8MB4_GENERAL_CI,
      maxPacketSize: options.maxPacketSize ?? 64 * 1024 * 1024,
      maxPreparedStatements: options.maxPreparedStatements ?? 16382,
      netReadTimeoutMs: options.netReadTimeoutMs ?? 30_000,
      log: this.log,
      statistics: () =>
        `Uptime: ${Math.floor((Date.now() - this.startedAt) / 1000)}  Threads: ${this.open.size}  ` +
        "Questions: 0  Slow queries: 0  Opens: 0  Open tables: 0  Queries per second avg: 0.000",
    };
  }

  /** Starts listening; may be called once per address (e.g. TCP and a unix socket). */
  listen(options: ListenOptions): Promise<void> {
    const unixSocket = "path" in options;
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket, unixSocket));
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      const onListening = () => {
        server.off("error", reject);
        server.on("error", (err) => this.log.error({ err }, "mysql server listener error"));
        resolve();
      };
      if ("path" in options) server.listen(options.path, onListening);
      else server.listen(options.port, options.host ?? "127.0.0.1", onListening);
    });
  }

  /** The TCP port of the first TCP listener (handy with port 0). */
  get port(): number {
    for (const server of this.servers) {
      const address = server.address();
      if (typeof address === "object" && address !== null) return address.port;
    }
    throw new Error("the MySQL server is not listening on TCP");
  }

  get connectionCount(): number {
    return this.open.size;
  }

  connections(): ClientConnection[] {
    return [...this.open];
  }

  /** Stops listening and closes every connection (their handlers' connectionClosed run). */
  async close(): Promise<void> {
    const closing = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const conn of this.open) conn.close();
    await Promise.all(closing);
  }

  private accept(socket: Socket, unixSocket: boolean): void {
    const remoteAddress = unixSocket ? "localhost" : (socket.remoteAddress ?? "").replace(/^::ffff:/, "");
    if (this.maxConnections > 0 && this.open.size >= this.maxConnections) {
      this.log.warn(
        { remoteAddress, limit: this.maxConnections },
        "refusing connection: too many connections",
      );
      socket.on("error", () => {});
      const w = new PacketWriter({ write: (data) => socket.write(data) });
      writeErr(w, ProtocolError.CON_COUNT.errno, ProtocolError.CON_COUNT.sqlstate, "Too many connections");
      w.flush();
      socket.end();
      return;
    }
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    const conn = new ServerConnection(socket, id, remoteAddress, unixSocket, this.settings, (c) =>
      this.open.delete(c),
    );
    this.open.add(conn);
    conn.start();
  }
}
