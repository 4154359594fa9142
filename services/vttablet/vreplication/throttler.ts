import { setTimeout as sleep } from "node:timers/promises";

/**
 * The values of `max_tps` / `max_replication_lag` meaning "no limit": Vitess stores 9223372036854775807
 * (its throttler's "module disabled"); stream records carry it clipped to the largest exact number.
 */
export const NO_THROTTLE_LIMIT = Number.MAX_SAFE_INTEGER;

/** The names written to `_vt.vreplication.component_throttled` (Vitess's throttler app names). */
export const ThrottledComponent = {
  VPlayer: "vplayer",
  VCopier: "vcopier",
} as const;
export type ThrottledComponentName = (typeof ThrottledComponent)[keyof typeof ThrottledComponent];

/** Time as the throttler sees it: injected so tests drive it without waiting. */
export interface ThrottleClock {
  nowMs(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const SYSTEM_CLOCK: ThrottleClock = {
  nowMs: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
};

/** The highest replication lag among the tablets a stream must not overload, and which tablet has it. */
export interface LagReading {
  readonly seconds: number;
  readonly tablet: string;
}

export interface ThrottleSettings {
  /** Transactions (player commits, copy batches) applied per second at most; ≤ 0 or NO_THROTTLE_LIMIT: none. */
  readonly maxTps: number;
  /** Seconds of replication lag (target replicas, source tablet) above which the stream pauses. */
  readonly maxReplicationLag: number;
}

export interface ThrottlerDeps {
  readonly clock: ThrottleClock;
  /** Reads the current lag; only called when max_replication_lag is set. */
  readonly lag: (signal: AbortSignal) => Promise<LagReading | undefined>;
  /** Records that the stream is being held back (time_throttled, component_throttled). */
  readonly record: (component: ThrottledComponentName, nowSeconds: number) => Promise<void>;
  /** How long a lag reading is trusted, and how often a lagging stream looks again. */
  readonly lagCheckMs?: number;
}

/** Vitess writes time_throttled at most once a second. */
const RECORD_EVERY_MS = 1_000;
const DEFAULT_LAG_CHECK_MS = 1_000;

function limited(value: number): boolean {
  return value > 0 && value < NO_THROTTLE_LIMIT;
}

/**
 * The throttle of one stream: before each transaction it applies on the target, the player and the copier
 * wait here while the stream is over `max_tps`, or while a target replica or the source tablet lags more
 * than `max_replication_lag` seconds. While held back, the stream's `time_throttled` and
 * `component_throttled` are kept current (at most once a second), as Vitess's vreplicator does.
 */
export class StreamThrottler {
  private nextAllowedMs = Number.NEGATIVE_INFINITY;
  private lastRecordMs = Number.NEGATIVE_INFINITY;
  private lagCheckedMs = Number.NEGATIVE_INFINITY;
  private lagging: LagReading | undefined;
  private readonly lagCheckMs: number;

  constructor(
    private readonly settings: ThrottleSettings,
    private readonly deps: ThrottlerDeps,
  ) {
    this.lagCheckMs = deps.lagCheckMs ?? DEFAULT_LAG_CHECK_MS;
  }

  get enabled(): boolean {
    return limited(this.settings.maxTps) || limited(this.settings.maxReplicationLag);
  }

  /** Waits until one more transaction may be applied, then counts it against max_tps. */
  async throttle(component: ThrottledComponentName, signal: AbortSignal): Promise<void> {
    if (!this.enabled) return;
    for (;;) {
      signal.throwIfAborted();
      const now = this.deps.clock.nowMs();
      const waitMs = Math.max(this.rateWaitMs(now), await this.lagWaitMs(now, signal));
      if (waitMs <= 0) break;
      if (now - this.lastRecordMs >= RECORD_EVERY_MS) {
        this.lastRecordMs = now;
        await this.deps.record(component, Math.floor(now / 1000));
      }
      await this.deps.clock.sleep(waitMs, signal);
    }
    if (limited(this.settings.maxTps)) {
      const now = this.deps.clock.nowMs();
      this.nextAllowedMs = Math.max(this.nextAllowedMs, now) + 1000 / this.settings.maxTps;
    }
  }

  private rateWaitMs(now: number): number {
    return limited(this.settings.maxTps) ? this.nextAllowedMs - now : 0;
  }

  private async lagWaitMs(now: number, signal: AbortSignal): Promise<number> {
    if (!limited(this.settings.maxReplicationLag)) return 0;
    if (now - this.lagCheckedMs >= this.lagCheckMs) {
      this.lagCheckedMs = now;
      const reading = await this.deps.lag(signal);
      this.lagging =
        reading !== undefined && reading.seconds > this.settings.maxReplicationLag ? reading : undefined;
    }
    return this.lagging === undefined ? 0 : this.lagCheckedMs + this.lagCheckMs - now;
  }
}
