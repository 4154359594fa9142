import { setTimeout as sleep } from "node:timers/promises";
import type { Connection, RowDataPacket } from "mysql2/promise";
import type { Logger } from "pino";
import { connectMysql, type MysqlAddress } from "../../libs/mysql/connect.js";
import {
  type Flavor,
  flavorForVersion,
  mariadbFlavor,
  type PrimaryStatus,
  type ReplicationSourceParams,
  type ReplicationStatus,
  type StatusRow,
} from "../../libs/mysql/flavor/index.js";
import { encodePosition, type Position, positionAtLeast } from "../../libs/mysql/replication/index.js";
import { Code, fromMysqlError, VtError } from "../../libs/vterrors/index.js";

export interface DbCredentials {
  user: string;
  password: string;
}

/** The MySQL users a tablet connects as, one per role (Vitess's dbconfigs). */
export interface DbRoles {
  dba: DbCredentials;
  app: DbCredentials;
  allprivs: DbCredentials;
  repl: DbCredentials;
  filtered: DbCredentials;
}

export type ConnectRole = "dba" | "app" | "allprivs" | "filtered";

export interface ConnectOptions {
  database?: string;
  multipleStatements?: boolean;
}

/** MySQL's ER_NOT_REPLICA (Vitess's ErrNotReplica): replication is not configured on this server. */
export const ER_NOT_REPLICA = 1199;

export function notReplicaError(): VtError {
  return new VtError(Code.FAILED_PRECONDITION, "no replication status: replication is not configured", {
    mysql: { errno: ER_NOT_REPLICA, sqlstate: "HY000" },
  });
}

function toStatusRow(row: Record<string, unknown>): StatusRow {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] =
      value === null || value === undefined
        ? null
        : Buffer.isBuffer(value)
          ? value.toString()
          : String(value);
  }
  return out;
}

/**
 * The tablet's handle on its mysqld (Vitess's MysqlDaemon): connections per role and the replication and
 * read-only controls, in the flavor the server turns out to be. Every administrative statement runs as the
 * dba user on a connection of its own, so session settings never leak between actions.
 */
export class MysqlDaemon {
  private flavorOf: Flavor = mariadbFlavor;
  private healthConn: Connection | undefined;

  constructor(
    readonly address: MysqlAddress,
    readonly roles: DbRoles,
    private readonly logger: Logger,
  ) {}

  get flavor(): Flavor {
    return this.flavorOf;
  }

  describeAddress(): string {
    return "socket" in this.address ? this.address.socket : `${this.address.host}:${this.address.port}`;
  }

  async connect(role: ConnectRole, options: ConnectOptions = {}): Promise<Connection> {
    const { user, password } = this.roles[role];
    try {
      return await connectMysql(this.address, {
        user,
        password,
        database: options.database || undefined,
        connectTimeoutMs: 5_000,
        options: { multipleStatements: options.multipleStatements ?? false },
      });
    } catch (err) {
      throw fromMysqlError(err).withContext(
        `cannot connect to mysqld at ${this.describeAddress()} as ${user}`,
      );
    }
  }

  /** Runs `fn` on a fresh dba connection, closed afterwards. MySQL errors become VtErrors with errno. */
  async withDba<T>(fn: (conn: Connection) => Promise<T>, options: ConnectOptions = {}): Promise<T> {
    const conn = await this.connect("dba", options);
    try {
      return await fn(conn);
    } catch (err) {
      throw err instanceof VtError ? err : fromMysqlError(err);
    } finally {
      conn.destroy();
    }
  }

  /**
   * Waits until mysqld accepts the dba user (it may still be starting), then learns its flavor. Fails after
   * `timeoutMs` with the last connection error.
   */
  async waitUntilReachable(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let logged = false;
    for (;;) {
      try {
        const version = await this.withDba(async (conn) =>
          String(await scalar(conn, "SELECT @@GLOBAL.version")),
        );
        this.flavorOf = flavorForVersion(version);
        this.logger.info(
          { mysqld: this.describeAddress(), version, flavor: this.flavorOf.name },
          "mysqld is reachable",
        );
        return;
      } catch (err) {
        if (Date.now() >= deadline || signal?.aborted) {
          throw new VtError(
            Code.UNAVAILABLE,
            `mysqld at ${this.describeAddress()} not reachable after ${timeoutMs} ms: ${(err as Error).message}`,
            { cause: err },
          );
        }
        if (!logged) {
          this.logger.info(
            { mysqld: this.describeAddress(), err: (err as Error).message },
            "waiting for mysqld",
          );
          logged = true;
        }
        await sleep(500);
      }
    }
  }

  /** A cheap round trip on a kept connection, reopened after a failure; for the health check. */
  async ping(): Promise<void> {
    try {
      this.healthConn ??= await this.connect("dba");
      await this.healthConn.query("SELECT 1");
    } catch (err) {
      this.healthConn?.destroy();
      this.healthConn = undefined;
      throw err instanceof VtError ? err : fromMysqlError(err);
    }
  }

  /** Runs statements in order as dba on one connection (Vitess's ExecuteSuperQueryList). */
  async executeSuperQueryList(
    statements: readonly string[],
    options: { noBinlog?: boolean } = {},
  ): Promise<void> {
    if (statements.length === 0) return;
    await this.withDba(async (conn) => {
      if (options.noBinlog) await conn.query("SET SESSION sql_log_bin = 0");
      for (const statement of statements) {
        this.logger.debug({ statement }, "executing");
        try {
          await conn.query(statement);
        } catch (err) {
          throw fromMysqlError(err).withContext(`${statement.split("\n")[0]}`);
        }
      }
    });
  }

  async port(): Promise<number> {
    return this.withDba(async (conn) => Number(await scalar(conn, "SELECT @@GLOBAL.port")));
  }

  async isReadOnly(): Promise<boolean> {
    return this.withDba(async (conn) => Number(await scalar(conn, this.flavorOf.readOnlyQuery)) === 1);
  }

  async setReadOnly(readOnly: boolean): Promise<void> {
    await this.executeSuperQueryList(this.flavorOf.setReadOnlyCommands(readOnly));
  }

  /** This server's binlog position: what its replicas will have once caught up. */
  async primaryPosition(): Promise<Position> {
    return this.withDba(async (conn) =>
      this.flavorOf.parseGtidSet(String((await scalar(conn, this.flavorOf.primaryPositionQuery)) ?? "")),
    );
  }

  /** Everything applied here, replicated or local. */
  async currentPosition(): Promise<Position> {
    return this.withDba(async (conn) =>
      this.flavorOf.parseGtidSet(String((await scalar(conn, this.flavorOf.currentPositionQuery)) ?? "")),
    );
  }

  async primaryStatus(): Promise<PrimaryStatus> {
    return this.withDba(async (conn) => {
      const [rows] = await conn.query<RowDataPacket[]>(this.flavorOf.primaryStatusQuery);
      const position = this.flavorOf.parseGtidSet(
        String((await scalar(conn, this.flavorOf.primaryPositionQuery)) ?? ""),
      );
      const uuid = this.flavorOf.serverUuidQuery
        ? String(await scalar(conn, this.flavorOf.serverUuidQuery))
        : "";
      const row = rows[0] ? toStatusRow(rows[0]) : undefined;
      return this.flavorOf.parsePrimaryStatus(row, position, uuid);
    });
  }

  /** Replication as SHOW SLAVE STATUS tells it; undefined when replication is not configured. */
  async replicationStatus(): Promise<ReplicationStatus | undefined> {
    return this.withDba(async (conn) => {
      const [rows] = await conn.query<RowDataPacket[]>(this.flavorOf.replicationStatusQuery);
      const row = this.flavorOf.pickReplicationStatusRow(rows.map(toStatusRow));
      return row ? this.flavorOf.parseReplicationStatus(row) : undefined;
    });
  }

  async startReplication(): Promise<void> {
    await this.executeSuperQueryList([this.flavorOf.startReplicationCommand()]);
  }

  async stopReplication(): Promise<void> {
    await this.executeSuperQueryList([this.flavorOf.stopReplicationCommand()]);
  }

  async stopIoThread(): Promise<void> {
    await this.executeSuperQueryList([this.flavorOf.stopIoThreadCommand()]);
  }

  /** No replication, empty binlog, empty position (Vitess's ResetReplication). */
  async resetReplication(): Promise<void> {
    await this.executeSuperQueryList(this.flavorOf.resetReplicationCommands());
  }

  /** Stops replication and makes this server's position exactly `position` (for a new replica). */
  async setReplicationPosition(position: Position): Promise<void> {
    await this.executeSuperQueryList([
      this.flavorOf.stopReplicationCommand(),
      ...this.flavorOf.setReplicationPositionCommands(position),
    ]);
  }

  /**
   * Points replication at a new source. The old source parameters are always reset first, which also clears
   * MySQL's occasional "could not initialize master info structure" state, as Vitess does.
   */
  async setReplicationSource(
    params: ReplicationSourceParams,
    { stopBefore, startAfter }: { stopBefore: boolean; startAfter: boolean },
  ): Promise<void> {
    const statements: string[] = [];
    if (stopBefore) statements.push(this.flavorOf.stopReplicationCommand());
    statements.push(...this.flavorOf.resetReplicationParametersCommands());
    statements.push(this.flavorOf.setReplicationSourceCommand(params));
    if (startAfter) statements.push(this.flavorOf.startReplicationCommand());
    await this.executeSuperQueryList(statements);
  }

  /** Stops replication for good and returns the position this server now has as a primary. */
  async promote(): Promise<Position> {
    await this.executeSuperQueryList([
      this.flavorOf.stopReplicationCommand(),
      ...this.flavorOf.promoteReplicaCommands(),
    ]);
    return this.primaryPosition();
  }

  /**
   * Polls until this server has applied `target` (its current position is at least it), the signal aborts or
   * the deadline passes (DEADLINE_EXCEEDED naming both positions).
   */
  async waitForPosition(
    target: Position,
    { signal, deadline }: { signal?: AbortSignal; deadline?: number },
  ): Promise<void> {
    for (let delay = 10; ; delay = Math.min(delay * 2, 100)) {
      const current = await this.currentPosition();
      if (positionAtLeast(current, target)) return;
      if (signal?.aborted)
        throw new VtError(Code.CANCELED, `waiting for position ${encodePosition(target)} was cancelled`);
      if (deadline !== undefined && Date.now() >= deadline) {
        throw new VtError(
          Code.DEADLINE_EXCEEDED,
          `timed out waiting for position ${encodePosition(target)}: still at ${encodePosition(current)}`,
        );
      }
      await sleep(delay);
    }
  }

  close(): void {
    this.healthConn?.destroy();
    this.healthConn = undefined;
  }
}

/** The first column of the first row, or undefined. */
export async function scalar(conn: Connection, sql: string, params: unknown[] = []): Promise<unknown> {
  const [rows] = await conn.query<RowDataPacket[]>({ sql, rowsAsArray: true }, params);
  const first = rows[0] as unknown[] | undefined;
  return first?.[0];
}
