import { DbConnection } from "../../../libs/mysql/db-connection.js";
import { type PoolStats, ResourcePool } from "../../../libs/mysql/pool.js";
import type { IncludedFields } from "../../../libs/mysql/query-result.js";
import type { ExecuteOptions, QueryResult } from "../../../libs/proto/query.js";
import type { Logger } from "../../../libs/servenv/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import {
  DBA_POOL_SIZE,
  DEFAULT_IDLE_CONN_TIMEOUT_MS,
  DEFAULT_POOL_TIMEOUT_MS,
  DEFAULT_STREAM_CHUNK_BYTES,
  type TabletServerConfig,
} from "./config.js";
import type { TabletServerMetrics } from "./metrics.js";
import { QueryKiller } from "./query-killer.js";
import type { StatementKind } from "./statement-kind.js";
import type { RequestContext } from "./tablet-server.js";
import { TxKiller } from "./tx-killer.js";
import { type Transaction, TxPool } from "./tx-pool.js";

export interface RunOptions {
  includedFields: IncludedFields;
  /** OLAP/DBA workloads: no row limit and no configured statement timeout (the caller's deadline still holds). */
  unlimited: boolean;
  /** The caller's own statement timeout (ExecuteOptions.authoritative_timeout), instead of the configured one. */
  timeoutMs?: number;
  /** The caller's deadline (ms since the epoch), if it set one. */
  deadline?: number;
  /** The caller: when it cancels (goes away), the running statement is killed. Its `signal` is read only when needed. */
  caller?: RequestContext;
}

/** How long an abandoned stream may take to drain after KILL QUERY before its connection is cut. */
const DRAIN_TIMEOUT_MS = 5_000;

/**
 * Runs statements against MySQL (Vitess's QueryEngine + TxEngine): the pools, transactions and their
 * killer, per-statement timeouts enforced with KILL QUERY, and the row limit. Callers check target,
 * state and denied tables before; this class only executes.
 */
export class QueryEngine {
  private readonly connPool: ResourcePool<DbConnection>;
  private readonly streamPool: ResourcePool<DbConnection>;
  private readonly txConnPool: ResourcePool<DbConnection>;
  private readonly dbaPool: ResourcePool<DbConnection>;
  private readonly txPool: TxPool;
  private readonly txKiller: TxKiller;
  private readonly killer: QueryKiller;
  /** Connections running a statement now (cut at close). */
  private readonly running = new Set<DbConnection>();
  /** Pooled connections that had a KILL QUERY sent to them: not reused, so a late kill hits nothing. */
  private readonly killed = new WeakSet<DbConnection>();

  constructor(
    private readonly config: TabletServerConfig,
    private readonly logger: Logger,
    private readonly metrics: TabletServerMetrics,
  ) {
    const acquireTimeoutMs = config.poolTimeoutMs ?? DEFAULT_POOL_TIMEOUT_MS;
    const idleTimeoutMs = config.idleConnTimeoutMs ?? DEFAULT_IDLE_CONN_TIMEOUT_MS;
    const pool = (name: string, size: number, dba: boolean) =>
      new ResourcePool<DbConnection>({
        name,
        size,
        acquireTimeoutMs,
        idleTimeoutMs,
        create: () =>
          DbConnection.connect(config.mysql, {
            user: dba ? config.dbaUser : config.appUser,
            password: dba ? config.dbaPassword : config.appPassword,
            database: dba ? undefined : config.dbName,
          }),
        destroy: (conn) => conn.close(),
        isUsable: (conn) => !conn.isClosed,
      });
    this.connPool = pool("conn_pool", config.poolSize, false);
    this.streamPool = pool("stream_pool", config.streamPoolSize, false);
    this.txConnPool = pool("tx_pool", config.txPoolSize, false);
    this.dbaPool = pool("dba_pool", DBA_POOL_SIZE, true);
    this.txPool = new TxPool(this.txConnPool, logger);
    this.killer = new QueryKiller(this.dbaPool, logger);
    this.txKiller = new TxKiller(
      this.txPool,
      { txTimeoutMs: config.txTimeoutMs, idleTxTimeoutMs: config.idleTxTimeoutMs ?? 0 },
      (tx, reason, busy) => {
        this.metrics.transactionKilled();
        this.logger.warn({ transactionId: tx.id, busy }, `killing transaction (${reason})`);
        if (busy) void this.killer.killConnection(tx.conn.threadId);
      },
    );
  }

  pools(): PoolStats[] {
    return [this.connPool.stats(), this.streamPool.stats(), this.txConnPool.stats(), this.dbaPool.stats()];
  }

  get openTransactions(): number {
    return this.txPool.size;
  }

  /** Checks that MySQL accepts the app user on the tablet's database, then starts the transaction killer. */
  async open(): Promise<void> {
    const conn = await this.connPool.acquire();
    this.connPool.release(conn);
    this.txKiller.start();
  }

  /** Runs one statement, in transaction `transactionId` when it is not 0, and returns the whole result. */
  async execute(
    sql: string,
    kind: StatementKind,
    transactionId: number,
    options: RunOptions,
  ): Promise<QueryResult> {
    const timeoutMs = this.timeoutFor(options);
    const maxRows = options.unlimited ? 0 : this.config.maxResultRows;
    const fetch = { maxRows, includedFields: options.includedFields };
    if (transactionId !== 0) {
      const tx = this.txPool.lock(transactionId, "for query");
      try {
        if (kind.changesSession) tx.tainted = true;
        return await this.guarded(tx.conn, timeoutMs, options.caller, () => tx.conn.execute(sql, fetch));
      } catch (err) {
        throw this.endedError(tx) ?? err;
      } finally {
        this.txPool.unlock(tx);
      }
    }
    const caller = options.caller;
    const conn = await this.connPool.acquire(caller && (() => caller.signal));
    try {
      return await this.guarded(conn, timeoutMs, caller, () => conn.execute(sql, fetch));
    } finally {
      this.giveBack(this.connPool, conn, kind);
    }
  }

  /**
   * Runs one statement and yields its result in pieces (fields first, then row chunks), in transaction
   * `transactionId` when it is not 0. No statement timeout (as Vitess's OLAP streams); when the caller
   * goes away or stops reading, the statement is killed.
   */
  async *stream(
    sql: string,
    kind: StatementKind,
    transactionId: number,
    options: RunOptions,
  ): AsyncGenerator<QueryResult> {
    let tx: Transaction | undefined;
    let conn: DbConnection;
    if (transactionId !== 0) {
      tx = this.txPool.lock(transactionId, "for stream");
      if (kind.changesSession) tx.tainted = true;
      conn = tx.conn;
    } else {
      conn = await this.streamPool.acquire(options.caller?.signal);
    }
    const signal = options.caller?.signal;
    let killing: Promise<void> | undefined;
    const kill = () => {
      if (killing) return;
      this.killed.add(conn);
      this.metrics.queryKilled();
      killing = this.killer.killQuery(conn.threadId);
    };
    signal?.addEventListener("abort", kill, { once: true });
    this.running.add(conn);
    let settled = false;
    try {
      const chunkBytes = this.config.streamChunkBytes ?? DEFAULT_STREAM_CHUNK_BYTES;
      for await (const chunk of conn.stream(sql, { chunkBytes, includedFields: options.includedFields })) {
        yield chunk;
      }
      settled = true;
    } catch (err) {
      settled = true;
      if (tx) throw this.endedError(tx) ?? err;
      if (signal?.aborted)
        throw new VtError(Code.CANCELED, "the caller cancelled the stream", { cause: err });
      throw err;
    } finally {
      signal?.removeEventListener("abort", kill);
      if (!settled) kill();
      if (killing) await killing;
      if (!settled && !(await drained(conn))) conn.destroy();
      this.running.delete(conn);
      if (tx) this.txPool.unlock(tx);
      else this.giveBack(this.streamPool, conn, kind);
    }
  }

  async begin(options: ExecuteOptions | undefined, signal?: AbortSignal): Promise<number> {
    const tx = await this.txPool.begin(options, signal);
    return tx.id;
  }

  async commit(transactionId: number): Promise<void> {
    await this.txPool.conclude(this.txPool.lock(transactionId, "for commit"), "commit");
  }

  async rollback(transactionId: number): Promise<void> {
    await this.txPool.conclude(this.txPool.lock(transactionId, "for rollback"), "rollback");
  }

  /** Ends every open transaction for `reason` (busy ones get their connection killed). */
  async rollbackAll(reason: string): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const tx of this.txPool.all()) {
      const { busy, rolledBack } = this.txPool.end(tx, reason);
      if (busy) pending.push(this.killer.killConnection(tx.conn.threadId));
      pending.push(rolledBack);
    }
    await Promise.all(pending);
  }

  /** Rolls back open transactions, cuts statements still running, closes the pools. */
  async close(): Promise<void> {
    this.txKiller.stop();
    await this.rollbackAll("the tablet is shutting down");
    for (const conn of this.running) conn.destroy();
    await Promise.all([this.connPool, this.streamPool, this.txConnPool, this.dbaPool].map((p) => p.close()));
  }

  /** The statement timeout for a call: the configured (or requested) one, shortened by the caller's deadline. */
  private timeoutFor(options: RunOptions): number {
    const configured = options.timeoutMs ?? (options.unlimited ? 0 : this.config.queryTimeoutMs);
    if (options.deadline === undefined) return configured;
    const left = options.deadline - Date.now();
    if (left <= 0)
      throw new VtError(Code.DEADLINE_EXCEEDED, "the caller's deadline passed before the query started");
    return configured > 0 ? Math.min(configured, left) : left;
  }

  /** Runs `fn` on `conn`, killing its statement when `timeoutMs` passes or the caller cancels. */
  private async guarded<T>(
    conn: DbConnection,
    timeoutMs: number,
    caller: RequestContext | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    let why: "timeout" | "cancel" | undefined;
    let killing: Promise<void> | undefined;
    const kill = (reason: "timeout" | "cancel") => {
      if (killing) return;
      why = reason;
      this.killed.add(conn);
      this.metrics.queryKilled();
      killing = this.killer.killQuery(conn.threadId);
    };
    const onAbort = () => kill("cancel");
    const stopListening = listenForCancel(caller, onAbort);
    if (stopListening === undefined) throw new VtError(Code.CANCELED, "the caller cancelled the call");
    const timer = timeoutMs > 0 ? setTimeout(() => kill("timeout"), timeoutMs) : undefined;
    this.running.add(conn);
    const interrupted = (cause?: unknown) =>
      why === "timeout"
        ? new VtError(Code.DEADLINE_EXCEEDED, `query timed out after ${timeoutMs} ms and was killed`, {
            cause,
          })
        : new VtError(Code.CANCELED, "the caller cancelled the query", { cause });
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      throw why === undefined ? err : interrupted(err);
    } finally {
      clearTimeout(timer);
      stopListening();
      this.running.delete(conn);
      // A kill must land before the connection runs anything else.
      if (killing) await killing;
    }
    // A killed statement may still end "successfully" (SLEEP returns 1): its result is not trusted.
    if (why !== undefined) throw interrupted();
    return result;
  }

  /** ABORTED naming the reason when the transaction was ended (e.g. by the killer) during the call. */
  private endedError(tx: Transaction): VtError | undefined {
    if (tx.endedWhileBusy === undefined) return undefined;
    return new VtError(Code.ABORTED, `transaction ${tx.id}: ended (${tx.endedWhileBusy})`);
  }

  /** A connection goes back to its pool unless it is broken, carries session state or was killed. */
  private giveBack(pool: ResourcePool<DbConnection>, conn: DbConnection, kind: StatementKind): void {
    if (conn.isClosed || kind.changesSession || conn.inTransactionHint || this.killed.has(conn))
      pool.discard(conn);
    else pool.release(conn);
  }
}

const NOT_LISTENING = (): void => {};

/**
 * Calls `onCancel` once when the caller cancels, through its cheap hook where it has one, else its
 * signal; returns what stops listening, or undefined when the caller has cancelled already.
 */
function listenForCancel(caller: RequestContext | undefined, onCancel: () => void): (() => void) | undefined {
  if (caller === undefined) return NOT_LISTENING;
  if (caller.onCancel) return caller.onCancel(onCancel);
  const signal = caller.signal;
  if (signal === undefined) return NOT_LISTENING;
  if (signal.aborted) return undefined;
  signal.addEventListener("abort", onCancel, { once: true });
  return () => signal.removeEventListener("abort", onCancel);
}

async function drained(conn: DbConnection): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS);
  });
  const result = await Promise.race([conn.whenIdle().then(() => true as const), timedOut]);
  clearTimeout(timer);
  return result;
}
