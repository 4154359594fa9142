import type { StreamHealthResponse } from "../../../libs/proto/query.js";

interface Subscriber {
  /** A health newer than the last one sent (or a periodic resend) is due. */
  due: boolean;
  wake: (() => void) | undefined;
  finished: Promise<void>;
}

/**
 * Fans the tablet's health out to StreamHealth callers (Vitess's health streamer): each stream gets the
 * current health at once, then every change, and the latest again every `resendIntervalMs` so a caller
 * can tell a quiet tablet from a dead one. A slow stream skips intermediate states and gets the latest.
 */
export class HealthBroadcaster {
  private readonly subscribers = new Set<Subscriber>();
  private ended = false;

  constructor(
    private current: StreamHealthResponse,
    private readonly resendIntervalMs = 20_000,
  ) {}

  get latest(): StreamHealthResponse {
    return this.current;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  publish(health: StreamHealthResponse): void {
    this.current = health;
    for (const subscriber of this.subscribers) {
      subscriber.due = true;
      subscriber.wake?.();
    }
  }

  /** The health now and then every change, until `signal` aborts or `end` is called. */
  async *subscribe(signal: AbortSignal): AsyncGenerator<StreamHealthResponse> {
    let markFinished: () => void = () => {};
    const subscriber: Subscriber = {
      due: false,
      wake: undefined,
      finished: new Promise((resolve) => {
        markFinished = resolve;
      }),
    };
    this.subscribers.add(subscriber);
    try {
      yield this.current;
      for (;;) {
        if (subscriber.due) {
          subscriber.due = false;
          yield this.current;
          continue;
        }
        if (this.ended || signal.aborted) return;
        await this.waitForChange(subscriber, signal);
      }
    } finally {
      this.subscribers.delete(subscriber);
      markFinished();
    }
  }

  /**
   * Ends every stream once it has sent the latest health (publish the final state first), and refuses
   * new ones beyond their first message. Resolves when all streams ended, or after `timeoutMs`.
   */
  async end(timeoutMs: number): Promise<void> {
    this.ended = true;
    const finished = [...this.subscribers].map((subscriber) => {
      subscriber.wake?.();
      return subscriber.finished;
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(finished),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private waitForChange(subscriber: Subscriber, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        subscriber.wake = undefined;
        resolve();
      };
      const timer = setTimeout(() => {
        subscriber.due = true;
        done();
      }, this.resendIntervalMs);
      signal.addEventListener("abort", done, { once: true });
      subscriber.wake = done;
    });
  }
}
