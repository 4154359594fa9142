import type { HealthCheck, TabletHealth } from "../../../libs/discovery/index.js";
import { TabletType } from "../../../libs/proto/topodata.js";

export interface FailoverBufferOptions {
  /** Longest a single request waits (Vitess's --buffer-window). */
  windowMs: number;
  /** Longest a failover is buffered from its first request; later requests fail at once (--buffer-max-failover-duration). */
  maxFailoverDurationMs: number;
  /** Most requests waiting at once over all shards; more are not buffered (--buffer-size). */
  maxBuffered: number;
}

/** How one buffered request ended, for metrics. */
export type BufferOutcome =
  | "new_primary"
  | "window_exceeded"
  | "canceled"
  | "skipped_full"
  | "skipped_duration";

export interface BufferStats {
  buffered(keyspace: string, shard: string, outcome: BufferOutcome, waitedMs: number): void;
}

interface ShardFailover {
  startedAt: number;
  waiting: number;
}

/**
 * Holds PRIMARY requests while a shard changes primary (Vitess's vtgate/buffer, simplified): a request that
 * found no serving primary, or whose primary refused it as not serving/demoted, waits until the health
 * check reports a serving primary other than the one that failed (or the same one with a newer term), then
 * the gateway retries it. A request waits at most the window; a failover is buffered at most
 * maxFailoverDurationMs from its first request. Requests in a transaction are never buffered.
 */
export class FailoverBuffer {
  private readonly failovers = new Map<string, ShardFailover>();
  private waitingTotal = 0;

  private readonly unsubscribe: () => void;

  constructor(
    private readonly healthCheck: Pick<HealthCheck, "primary" | "subscribe">,
    private readonly options: FailoverBufferOptions,
    private readonly stats?: BufferStats,
  ) {
    // A shard's failover is over once it has a serving primary again (the next one starts afresh).
    this.unsubscribe = healthCheck.subscribe(() => {
      for (const [key, failover] of this.failovers) {
        const [keyspace, shard] = splitKey(key);
        if (failover.waiting === 0 && healthCheck.primary(keyspace, shard)) this.failovers.delete(key);
      }
    });
  }

  close(): void {
    this.unsubscribe();
  }

  /** Requests waiting right now, by "keyspace/shard". */
  snapshot(): { shard: string; waiting: number; startedAt: number }[] {
    return [...this.failovers.entries()].map(([shard, f]) => ({
      shard,
      waiting: f.waiting,
      startedAt: f.startedAt,
    }));
  }

  /**
   * Waits for the failover of keyspace/shard to end. `failed` is the primary that refused the request
   * (undefined when there was none). Resolves true when the request should be retried now (new primary, or
   * the window passed), false when it was not buffered (buffer full, failover buffered too long) and
   * should fail with its error.
   */
  async waitForFailoverEnd(
    keyspace: string,
    shard: string,
    failed: TabletHealth | undefined,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const key = `${keyspace}/${shard}`;
    const ended = () => {
      const primary = this.healthCheck.primary(keyspace, shard);
      if (!primary) return false;
      if (!failed) return true;
      return primary.alias !== failed.alias || primary.primaryTermStartTime > failed.primaryTermStartTime;
    };
    if (ended()) {
      this.failovers.delete(key);
      return true;
    }
    const now = Date.now();
    let failover = this.failovers.get(key);
    if (failover && now - failover.startedAt > this.options.maxFailoverDurationMs) {
      this.stats?.buffered(keyspace, shard, "skipped_duration", 0);
      return false;
    }
    if (this.waitingTotal >= this.options.maxBuffered) {
      this.stats?.buffered(keyspace, shard, "skipped_full", 0);
      return false;
    }
    if (!failover) {
      failover = { startedAt: now, waiting: 0 };
      this.failovers.set(key, failover);
    }
    const current = failover;
    current.waiting++;
    this.waitingTotal++;
    const remaining = Math.max(
      1,
      Math.min(this.options.windowMs, current.startedAt + this.options.maxFailoverDurationMs - now),
    );
    const outcome = await new Promise<BufferOutcome>((resolve) => {
      const finish = (result: BufferOutcome) => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener("abort", onAbort);
        resolve(result);
      };
      const timer = setTimeout(() => finish("window_exceeded"), remaining);
      const onAbort = () => finish("canceled");
      signal?.addEventListener("abort", onAbort, { once: true });
      const unsubscribe = this.healthCheck.subscribe(() => {
        if (ended()) finish("new_primary");
      });
    });
    current.waiting--;
    this.waitingTotal--;
    if (outcome === "new_primary" && this.failovers.get(key) === current) this.failovers.delete(key);
    this.stats?.buffered(keyspace, shard, outcome, Date.now() - now);
    return outcome !== "canceled";
  }
}

/** Whether requests to this tablet type are buffered during a failover. */
export function buffersTabletType(type: TabletType): boolean {
  return type === TabletType.PRIMARY;
}

function splitKey(key: string): [string, string] {
  const slash = key.lastIndexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}
