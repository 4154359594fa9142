import { formatDuration, type Transaction, type TxPool } from "./tx-pool.js";

export interface TxKillerOptions {
  /** A transaction open longer than this is rolled back; 0 disables. */
  txTimeoutMs: number;
  /** A transaction idle (no call running) longer than this is rolled back; 0 disables. */
  idleTxTimeoutMs: number;
}

/** Told about each transaction the killer ended; `busy` means a call was running on it. */
export type OnTransactionKilled = (tx: Transaction, reason: string, busy: boolean) => void;

/**
 * Vitess's transaction killer: every tenth of the shortest timeout it ends the transactions that have been
 * open too long or idle too long. Their ids keep failing with "transaction N: ended at ... (exceeded
 * timeout: 30s)" afterwards.
 */
export class TxKiller {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly txPool: TxPool,
    private readonly options: TxKillerOptions,
    private readonly onKilled: OnTransactionKilled,
  ) {}

  start(): void {
    const limits = [this.options.txTimeoutMs, this.options.idleTxTimeoutMs].filter((ms) => ms > 0);
    if (limits.length === 0 || this.timer) return;
    const intervalMs = Math.max(10, Math.min(...limits) / 10);
    this.timer = setInterval(() => this.sweep(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Ends what is outdated at `now`; returns how many transactions were ended. */
  sweep(now = Date.now()): number {
    const { txTimeoutMs, idleTxTimeoutMs } = this.options;
    const outdated = this.txPool.outdated(now, txTimeoutMs, idleTxTimeoutMs);
    for (const tx of outdated) {
      const tooOld = txTimeoutMs > 0 && now - tx.startedAt >= txTimeoutMs;
      const reason = tooOld
        ? `exceeded timeout: ${formatDuration(txTimeoutMs)}`
        : `exceeded idle timeout: ${formatDuration(idleTxTimeoutMs)}`;
      const { busy } = this.txPool.end(tx, reason);
      this.onKilled(tx, reason, busy);
    }
    return outdated.length;
  }
}
