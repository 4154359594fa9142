/** Starts a MysqlServer on a free port for a test; `stop()` closes it and every client connection. */
import mysql, { type Connection, type ConnectionOptions } from "mysql2/promise";
import type { AuthServer } from "../auth-server.js";
import type { ConnectionHandler } from "../handler.js";
import { MysqlServer, type MysqlServerOptions } from "../server.js";

export interface TestServer {
  server: MysqlServer;
  port: number;
  /** A mysql2 connection to the server (ended by stop()). */
  connect(options?: Partial<ConnectionOptions>): Promise<Connection>;
  stop(): Promise<void>;
}

export async function startTestServer(
  handler: ConnectionHandler,
  options: Partial<MysqlServerOptions> & { authServer?: AuthServer } = {},
): Promise<TestServer> {
  const server = new MysqlServer({ handler, ...options });
  await server.listen({ port: 0, host: "127.0.0.1" });
  const clients: Connection[] = [];
  return {
    server,
    port: server.port,
    async connect(connectOptions = {}) {
      const conn = await mysql.createConnection({
        host: "127.0.0.1",
        port: server.port,
        user: "user",
        ...connectOptions,
      });
      conn.on("error", () => {});
      clients.push(conn);
      return conn;
    },
    async stop() {
      for (const c of clients) c.destroy();
      await server.close();
    },
  };
}
