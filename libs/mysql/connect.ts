import mysql, { type Connection, type ConnectionOptions } from "mysql2/promise";

export type { Connection } from "mysql2/promise";

/** Where a mysqld listens: its unix socket, or host and port over TCP. */
export type MysqlAddress = { socket: string } | { host: string; port: number };

export interface ConnectParams {
  user: string;
  password?: string;
  database?: string;
  connectTimeoutMs?: number;
  /** Extra mysql2 options (pools built on this add their own). */
  options?: Omit<ConnectionOptions, "socketPath" | "host" | "port" | "user" | "password" | "database">;
}

/** The mysql2 options for a connection to `address` as `params.user`, with utf8mb4 as the charset. */
export function connectionOptions(address: MysqlAddress, params: ConnectParams): ConnectionOptions {
  const where =
    "socket" in address ? { socketPath: address.socket } : { host: address.host, port: address.port };
  return {
    ...where,
    user: params.user,
    password: params.password ?? "",
    database: params.database,
    charset: "utf8mb4",
    connectTimeout: params.connectTimeoutMs ?? 10_000,
    ...params.options,
  };
}

/** Opens one connection; the caller ends it. */
export function connectMysql(address: MysqlAddress, params: ConnectParams): Promise<Connection> {
  return mysql.createConnection(connectionOptions(address, params));
}

/** The MySQL error number of an error the server sent (e.g. 1045 access denied); undefined for others. */
export function mysqlErrno(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null || !("sqlState" in err) || !("errno" in err)) return undefined;
  return typeof err.errno === "number" && err.errno > 0 ? err.errno : undefined;
}
