import mysql, { type Connection as CoreConnection } from "mysql2";
import type { QueryResult } from "../proto/query.js";
import { Code, fromMysqlError, VtError } from "../vterrors/index.js";
import { type ConnectParams, connectionOptions, type MysqlAddress } from "./connect.js";
import {
  type ColumnDefinition,
  emptyQueryResult,
  fieldsOf,
  IncludedFields,
  type RawRow,
  RowPacker,
} from "./query-result.js";

/** Vitess's own errno for a result over the row limit (ERVitessMaxRowsExceeded). */
export const ER_VITESS_MAX_ROWS_EXCEEDED = 10001;

/** MySQL's SERVER_STATUS_IN_TRANS bit of the OK packet's status. */
const SERVER_STATUS_IN_TRANS = 0x0001;

export interface FetchOptions {
  /** More rows than this fails with RESOURCE_EXHAUSTED "Row count exceeded N" (errno 10001); 0 = no limit. */
  maxRows?: number;
  includedFields?: IncludedFields;
}

export interface StreamOptions {
  /** Rows are sent in chunks of about this many bytes of values. */
  chunkBytes?: number;
  includedFields?: IncludedFields;
}

interface OkHeader {
  affectedRows: number;
  insertId: number | string;
  info?: string;
  serverStatus?: number;
}

interface QuerySink {
  onFields(columns: readonly ColumnDefinition[]): void;
  onRow(row: RawRow): void;
  onOk(header: OkHeader): void;
}

const DEFAULT_CHUNK_BYTES = 256 * 1024;
/** Chunks buffered ahead of a slow consumer before the socket is paused. */
const MAX_QUEUED_CHUNKS = 2;

/**
 * One MySQL connection that returns `query.QueryResult`s with MySQL's exact bytes: the text protocol with
 * `typeCast: false`, so no value is ever turned into a JS number or Date. Queries run one at a time.
 * A connection whose socket died reports `isClosed`; a pool then discards it.
 */
export class DbConnection {
  private closedBy: unknown;
  private failCurrent: ((err: unknown) => void) | undefined;
  private running: Promise<void> = Promise.resolve();
  private inTransaction = false;

  private constructor(private readonly conn: CoreConnection) {
    conn.on("error", (err: unknown) => this.markClosed(err));
    conn.on("end", () =>
      this.markClosed(new VtError(Code.UNAVAILABLE, "the MySQL server closed the connection")),
    );
  }

  /** Opens a connection (utf8mb4, affected rows = changed rows, big integers as strings). */
  static connect(address: MysqlAddress, params: ConnectParams): Promise<DbConnection> {
    const options = connectionOptions(address, {
      ...params,
      options: { supportBigNumbers: true, bigNumberStrings: true, flags: ["-FOUND_ROWS"], ...params.options },
    });
    return new Promise((resolve, reject) => {
      const conn = mysql.createConnection(options);
      const onError = (err: unknown) => {
        conn.removeListener("connect", onConnect);
        conn.destroy();
        reject(fromMysqlError(err));
      };
      const onConnect = () => {
        conn.removeListener("error", onError);
        resolve(new DbConnection(conn));
      };
      conn.once("error", onError);
      conn.once("connect", onConnect);
    });
  }

  /** The server's connection id, for KILL. */
  get threadId(): number {
    return this.conn.threadId;
  }

  get isClosed(): boolean {
    return this.closedBy !== undefined;
  }

  /** Whether the last statement left a transaction open (from the server status of its OK packet). */
  get inTransactionHint(): boolean {
    return this.inTransaction;
  }

  /** Resolves once the statement in progress (also an abandoned stream being drained) has ended. */
  whenIdle(): Promise<void> {
    return this.running;
  }

  /** Runs one statement and buffers its whole result. */
  async execute(sql: string, options: FetchOptions = {}): Promise<QueryResult> {
    const maxRows = options.maxRows ?? 0;
    const result = emptyQueryResult();
    const packer = new RowPacker();
    let exceeded = false;
    await this.run(sql, {
      onFields: (columns) => {
        result.fields = fieldsOf(columns, options.includedFields ?? IncludedFields.ALL);
      },
      onRow: (row) => {
        if (exceeded) return;
        if (maxRows > 0 && packer.rowCount >= maxRows) {
          exceeded = true;
          return;
        }
        packer.add(row);
      },
      onOk: (header) => applyOk(result, header),
    });
    if (exceeded) {
      throw new VtError(Code.RESOURCE_EXHAUSTED, `Row count exceeded ${maxRows}`, {
        mysql: { errno: ER_VITESS_MAX_ROWS_EXCEEDED, sqlstate: "HY000" },
      });
    }
    result.rows = packer.take();
    return result;
  }

  /**
   * Runs one statement and yields its result as it arrives: a first QueryResult with the fields (or, for
   * a statement without rows, rows affected and insert id), then QueryResults of rows, each about
   * `chunkBytes` of values. The socket is paused while the consumer lags, so nothing is buffered whole.
   * If the consumer stops early the rest is read and dropped in the background (`whenIdle`); kill the
   * query to make that quick.
   */
  async *stream(sql: string, options: StreamOptions = {}): AsyncGenerator<QueryResult> {
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    const queue: QueryResult[] = [];
    const packer = new RowPacker();
    let wake: (() => void) | undefined;
    let done = false;
    let failure: unknown;
    let abandoned = false;
    let paused = false;
    const notify = () => {
      const resume = wake;
      wake = undefined;
      resume?.();
    };
    const pushRows = () => {
      const chunk = emptyQueryResult();
      chunk.rows = packer.take();
      queue.push(chunk);
      if (queue.length >= MAX_QUEUED_CHUNKS && !paused && !done) {
        paused = true;
        this.conn.pause();
      }
      notify();
    };
    void this.run(sql, {
      onFields: (columns) => {
        if (abandoned) return;
        const first = emptyQueryResult();
        first.fields = fieldsOf(columns, options.includedFields ?? IncludedFields.ALL);
        queue.push(first);
        notify();
      },
      onRow: (row) => {
        if (abandoned) return;
        packer.add(row);
        if (packer.byteSize >= chunkBytes) pushRows();
      },
      onOk: (header) => {
        if (abandoned) return;
        const result = emptyQueryResult();
        applyOk(result, header);
        queue.push(result);
        notify();
      },
    }).then(
      () => {
        if (!abandoned && packer.rowCount > 0) pushRows();
        done = true;
        notify();
      },
      (err: unknown) => {
        failure = err;
        done = true;
        notify();
      },
    );
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
          if (paused && queue.length < MAX_QUEUED_CHUNKS) {
            paused = false;
            this.conn.resume();
          }
          yield next;
          continue;
        }
        if (done) {
          if (failure !== undefined) throw failure;
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      if (!done) {
        abandoned = true;
        queue.length = 0;
        packer.take();
        if (paused) this.conn.resume();
      }
    }
  }

  /** Ends the connection politely (COM_QUIT), or cuts it after `timeoutMs`. */
  close(timeoutMs = 1_000): Promise<void> {
    if (this.isClosed) {
      this.conn.destroy();
      return Promise.resolve();
    }
    this.markClosed(new VtError(Code.UNAVAILABLE, "connection closed"));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.conn.destroy();
        resolve();
      }, timeoutMs);
      this.conn.end(() => {
        clearTimeout(timer);
        this.conn.destroy();
        resolve();
      });
    });
  }

  /** Cuts the connection at once. */
  destroy(): void {
    this.markClosed(new VtError(Code.UNAVAILABLE, "connection destroyed"));
    this.conn.destroy();
    // mysql2's destroy() only half-closes the socket (end()); the server would go on sending a result.
    (this.conn as unknown as { stream?: { destroy(): void } }).stream?.destroy();
  }

  private markClosed(reason: unknown): void {
    if (this.closedBy === undefined) this.closedBy = reason;
    const fail = this.failCurrent;
    this.failCurrent = undefined;
    fail?.(reason);
  }

  private run(sql: string, sink: QuerySink): Promise<void> {
    if (this.closedBy !== undefined) {
      return Promise.reject(
        new VtError(Code.UNAVAILABLE, `connection ${this.threadId} is closed`, { cause: this.closedBy }),
      );
    }
    if (this.failCurrent !== undefined) {
      return Promise.reject(
        new VtError(Code.INTERNAL, `connection ${this.threadId} is already running a query`),
      );
    }
    const promise = new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: unknown) => {
        if (settled) return;
        settled = true;
        this.failCurrent = undefined;
        if (err === undefined) resolve();
        else reject(fromMysqlError(err));
      };
      this.failCurrent = settle;
      const query = this.conn.query({ sql, rowsAsArray: true, typeCast: false });
      query.on("fields", (columns: unknown) => {
        if (columns !== undefined) sink.onFields(columns as ColumnDefinition[]);
      });
      query.on("result", (row: unknown) => {
        if (Array.isArray(row)) {
          sink.onRow(row as RawRow);
        } else {
          const header = row as OkHeader;
          this.inTransaction = ((header.serverStatus ?? 0) & SERVER_STATUS_IN_TRANS) !== 0;
          sink.onOk(header);
        }
      });
      query.on("error", (err: unknown) => settle(err));
      query.on("end", () => settle());
    });
    this.running = promise.then(
      () => undefined,
      () => undefined,
    );
    return promise;
  }
}

function applyOk(result: QueryResult, header: OkHeader): void {
  result.rowsAffected = header.affectedRows;
  result.insertId = String(header.insertId ?? 0);
  result.insertIdChanged = result.insertId !== "0";
  result.info = header.info ?? "";
}
