import type { DbConnection } from "../../../libs/mysql/db-connection.js";
import type { ResourcePool } from "../../../libs/mysql/pool.js";
import {
  ExecuteOptions_TransactionAccessMode as AccessMode,
  type ExecuteOptions,
  ExecuteOptions_TransactionIsolation as Isolation,
} from "../../../libs/proto/query.js";
import type { Logger } from "../../../libs/servenv/index.js";
import { Code, errorMessage, VtError } from "../../../libs/vterrors/index.js";

/** One open transaction: a dedicated connection from the transaction pool. */
export interface Transaction {
  readonly id: number;
  readonly conn: DbConnection;
  readonly startedAt: number;
  lastUsedAt: number;
  /** What the transaction is doing right now ("for query"...), undefined when idle. */
  busy: string | undefined;
  /** Set when the transaction was ended while busy; the call using it finishes the cleanup. */
  endedWhileBusy: string | undefined;
  /** A statement left session state on the connection: close it instead of pooling it afterwards. */
  tainted: boolean;
}

interface Ended {
  at: number;
  reason: string;
}

/** How many ended transactions are remembered to explain "transaction N: ended at ... (reason)". */
const REMEMBERED_ENDINGS = 10_000;

/** Go's time.Duration spelling for the messages Vitess users know: 500ms, 30s, 1m30s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${ms / 1000}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${(ms - minutes * 60_000) / 1000}s`;
}

/** `2006-01-02 15:04:05.000 UTC`, the format of Vitess's "ended at" messages. */
export function formatEndTime(at: number): string {
  return `${new Date(at).toISOString().replace("T", " ").replace("Z", "")} UTC`;
}

/** The statements that open a transaction with the requested isolation and access mode. */
export function beginStatements(options: ExecuteOptions | undefined): string[] {
  const statements: string[] = [];
  const modes = new Set(options?.transactionAccessMode ?? []);
  switch (options?.transactionIsolation ?? Isolation.DEFAULT) {
    case Isolation.REPEATABLE_READ:
      statements.push("set transaction isolation level repeatable read");
      break;
    case Isolation.READ_COMMITTED:
      statements.push("set transaction isolation level read committed");
      break;
    case Isolation.READ_UNCOMMITTED:
      statements.push("set transaction isolation level read uncommitted");
      break;
    case Isolation.SERIALIZABLE:
      statements.push("set transaction isolation level serializable");
      break;
    case Isolation.CONSISTENT_SNAPSHOT_READ_ONLY:
      statements.push("set transaction isolation level repeatable read");
      modes.add(AccessMode.CONSISTENT_SNAPSHOT);
      modes.add(AccessMode.READ_ONLY);
      break;
    case Isolation.AUTOCOMMIT:
      return statements;
    default:
      break;
  }
  const characteristics: string[] = [];
  if (modes.has(AccessMode.CONSISTENT_SNAPSHOT)) characteristics.push("with consistent snapshot");
  if (modes.has(AccessMode.READ_ONLY)) characteristics.push("read only");
  else if (modes.has(AccessMode.READ_WRITE)) characteristics.push("read write");
  statements.push(characteristics.length > 0 ? `start transaction ${characteristics.join(", ")}` : "begin");
  return statements;
}

/**
 * The open transactions of a tablet (Vitess's TxPool over its active pool): ids are unique and increase
 * (seeded from the clock in microseconds so they do not repeat after a restart), each transaction holds
 * one connection until commit, rollback or the transaction killer ends it. A transaction is used by one
 * call at a time (`lock`/`unlock`); a second concurrent call is refused.
 */
export class TxPool {
  private nextId = Date.now() * 1000;
  private readonly active = new Map<number, Transaction>();
  private readonly ended = new Map<number, Ended>();

  constructor(
    private readonly pool: ResourcePool<DbConnection>,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.active.size;
  }

  /** Opens a transaction on a connection of the transaction pool. */
  async begin(options: ExecuteOptions | undefined, signal?: AbortSignal): Promise<Transaction> {
    const conn = await this.pool.acquire(signal);
    try {
      for (const statement of beginStatements(options)) await conn.execute(statement);
    } catch (err) {
      if (conn.isClosed) this.pool.discard(conn);
      else this.pool.release(conn);
      throw err;
    }
    const now = Date.now();
    const tx: Transaction = {
      id: ++this.nextId,
      conn,
      startedAt: now,
      lastUsedAt: now,
      busy: undefined,
      endedWhileBusy: undefined,
      tainted: false,
    };
    this.active.set(tx.id, tx);
    return tx;
  }

  /** Takes a transaction for one call; ABORTED if it is unknown, ended or in use, naming the id. */
  lock(id: number, purpose: string): Transaction {
    const tx = this.active.get(id);
    if (!tx) {
      const ended = this.ended.get(id);
      const why = ended ? `ended at ${formatEndTime(ended.at)} (${ended.reason})` : "not found";
      throw new VtError(Code.ABORTED, `transaction ${id}: ${why}`);
    }
    if (tx.busy !== undefined) throw new VtError(Code.ABORTED, `transaction ${id}: in use: ${tx.busy}`);
    tx.busy = purpose;
    return tx;
  }

  /** Gives a transaction back after a call; finishes it if it was killed meanwhile or lost its connection. */
  unlock(tx: Transaction): void {
    tx.busy = undefined;
    tx.lastUsedAt = Date.now();
    if (tx.endedWhileBusy !== undefined) {
      this.pool.discard(tx.conn);
      return;
    }
    if (tx.conn.isClosed) {
      this.forget(tx, "the MySQL connection was lost");
      this.pool.discard(tx.conn);
    }
  }

  /** Commits (or rolls back) a locked transaction and returns its connection. */
  async conclude(tx: Transaction, how: "commit" | "rollback"): Promise<void> {
    this.forget(tx, how === "commit" ? "committed" : "rolled back");
    tx.busy = undefined;
    try {
      await tx.conn.execute(how);
    } catch (err) {
      this.pool.discard(tx.conn);
      throw err;
    }
    if (tx.tainted || tx.conn.isClosed) this.pool.discard(tx.conn);
    else this.pool.release(tx.conn);
  }

  /**
   * Ends a transaction for `reason` (e.g. "exceeded timeout: 30s"): later calls on its id fail naming the
   * reason. An idle one is rolled back (`rolledBack` settles when its connection is back); a busy one is
   * marked, and its connection is discarded when the running call returns: the caller of `end` should
   * kill that connection's query so this happens soon.
   */
  end(tx: Transaction, reason: string): { busy: boolean; rolledBack: Promise<void> } {
    if (this.active.get(tx.id) !== tx) return { busy: false, rolledBack: Promise.resolve() };
    this.forget(tx, reason);
    if (tx.busy !== undefined) {
      tx.endedWhileBusy = reason;
      return { busy: true, rolledBack: Promise.resolve() };
    }
    tx.busy = "ending";
    return { busy: false, rolledBack: this.rollbackQuietly(tx) };
  }

  /** Transactions open longer than `maxAgeMs`, or idle longer than `maxIdleMs` (0 = no limit). */
  outdated(now: number, maxAgeMs: number, maxIdleMs: number): Transaction[] {
    const result: Transaction[] = [];
    for (const tx of this.active.values()) {
      const tooOld = maxAgeMs > 0 && now - tx.startedAt >= maxAgeMs;
      const tooIdle = maxIdleMs > 0 && tx.busy === undefined && now - tx.lastUsedAt >= maxIdleMs;
      if (tooOld || tooIdle) result.push(tx);
    }
    return result;
  }

  /** Every open transaction. */
  all(): Transaction[] {
    return [...this.active.values()];
  }

  private forget(tx: Transaction, reason: string): void {
    this.active.delete(tx.id);
    this.ended.set(tx.id, { at: Date.now(), reason });
    if (this.ended.size > REMEMBERED_ENDINGS) {
      const oldest = this.ended.keys().next().value;
      if (oldest !== undefined) this.ended.delete(oldest);
    }
  }

  private async rollbackQuietly(tx: Transaction): Promise<void> {
    try {
      await tx.conn.execute("rollback");
      if (tx.tainted) this.pool.discard(tx.conn);
      else this.pool.release(tx.conn);
    } catch (err) {
      this.logger.warn(
        { transactionId: tx.id, err: errorMessage(err) },
        "rollback of an ended transaction failed",
      );
      this.pool.discard(tx.conn);
    }
  }
}
