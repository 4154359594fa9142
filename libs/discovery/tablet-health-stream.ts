import type { StreamHealthResponse } from "../proto/query.js";
import { errorMessage } from "../vterrors/index.js";
import type { TabletConn } from "./tablet-conn.js";

export interface HealthStreamOptions {
  /** First wait before reconnecting after the stream failed; doubles up to maxRetryDelayMs. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** No response for this long: the tablet counts as not serving and the stream is restarted. */
  timeoutMs: number;
}

export interface HealthStreamListener {
  /** A health response arrived. */
  response(response: StreamHealthResponse): void;
  /** The stream failed, ended or timed out: the tablet is not serving until the next response. */
  failure(reason: string): void;
}

/**
 * Keeps one QueryService.StreamHealth stream open to one tablet (Vitess's tabletHealthCheck): reconnects
 * with backoff after an error or the end of the stream, and treats a silent stream as failed after
 * `timeoutMs`. `stop()` ends it for good.
 */
export class TabletHealthStream {
  private stopped = false;
  private current: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly conn: TabletConn,
    private readonly options: HealthStreamOptions,
    private readonly listener: HealthStreamListener,
  ) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.current?.abort();
    this.clearTimer();
    this.wake?.();
  }

  private async run(): Promise<void> {
    let delay = this.options.retryDelayMs;
    while (!this.stopped) {
      const abort = new AbortController();
      this.current = abort;
      let timedOut = false;
      const arm = () => {
        this.clearTimer();
        this.timer = setTimeout(() => {
          timedOut = true;
          abort.abort();
        }, this.options.timeoutMs);
        this.timer.unref();
      };
      let reason: string;
      try {
        arm();
        for await (const response of this.conn.streamHealth({}, { signal: abort.signal })) {
          if (this.stopped) return;
          arm();
          delay = this.options.retryDelayMs;
          this.listener.response(response);
        }
        reason = "health stream ended";
      } catch (err) {
        reason = errorMessage(err);
      } finally {
        this.clearTimer();
      }
      if (this.stopped) return;
      if (timedOut) reason = `health check timed out after ${this.options.timeoutMs} ms without a response`;
      this.listener.failure(reason);
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.options.maxRetryDelayMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
