import { describe, expect, it } from "vitest";
import {
  type LagReading,
  NO_THROTTLE_LIMIT,
  StreamThrottler,
  type ThrottleClock,
  ThrottledComponent,
  type ThrottledComponentName,
} from "./throttler.js";

/** A clock that only moves when the throttler sleeps (and by exactly what it asked for). */
class FakeClock implements ThrottleClock {
  ms = 1_700_000_000_000;
  readonly sleeps: number[] = [];
  nowMs(): number {
    return this.ms;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.ms += ms;
  }
}

function throttler(
  settings: { maxTps?: number; maxReplicationLag?: number },
  lags: (number | undefined)[] = [],
) {
  const clock = new FakeClock();
  const records: [ThrottledComponentName, number][] = [];
  let lagReads = 0;
  const t = new StreamThrottler(
    {
      maxTps: settings.maxTps ?? NO_THROTTLE_LIMIT,
      maxReplicationLag: settings.maxReplicationLag ?? NO_THROTTLE_LIMIT,
    },
    {
      clock,
      lag: async (): Promise<LagReading | undefined> => {
        const seconds = lags[Math.min(lagReads++, lags.length - 1)];
        return seconds === undefined ? undefined : { seconds, tablet: "zone1-0000000201" };
      },
      record: async (component, nowS) => {
        records.push([component, nowS]);
      },
    },
  );
  return { t, clock, records, lagReads: () => lagReads };
}

const signal = new AbortController().signal;

describe("StreamThrottler", () => {
  it("does nothing when neither limit is set (Vitess's 9223372036854775807 or 0)", async () => {
    for (const value of [NO_THROTTLE_LIMIT, 0]) {
      const { t, clock, records, lagReads } = throttler({ maxTps: value, maxReplicationLag: value });
      expect(t.enabled).toBe(false);
      for (let i = 0; i < 100; i++) await t.throttle(ThrottledComponent.VPlayer, signal);
      expect(clock.sleeps, `limit ${value}`).toEqual([]);
      expect(records).toEqual([]);
      expect(lagReads()).toBe(0);
    }
  });

  it("max_tps spaces transactions 1/max_tps apart and records the throttled component", async () => {
    const { t, clock, records } = throttler({ maxTps: 4 });
    const start = clock.ms;
    for (let i = 0; i < 9; i++) await t.throttle(ThrottledComponent.VCopier, signal);
    // 9 transactions at 4 per second: the 9th may start 2 s after the first.
    expect(clock.ms - start).toBe(2_000);
    expect(clock.sleeps.every((ms) => ms === 250)).toBe(true);
    // time_throttled written at most once a second while held back.
    expect(records).toEqual([
      ["vcopier", Math.floor(start / 1000)],
      ["vcopier", Math.floor((start + 1_000) / 1000)],
    ]);
  });

  it("does not throttle transactions that come slower than max_tps", async () => {
    const { t, clock, records } = throttler({ maxTps: 10 });
    for (let i = 0; i < 5; i++) {
      await t.throttle(ThrottledComponent.VPlayer, signal);
      clock.ms += 500;
    }
    expect(clock.sleeps).toEqual([]);
    expect(records).toEqual([]);
  });

  it("max_replication_lag pauses while the lag is above it, looking again every second", async () => {
    const { t, clock, records, lagReads } = throttler({ maxReplicationLag: 5 }, [12, 8, 5, 0]);
    const start = clock.ms;
    await t.throttle(ThrottledComponent.VPlayer, signal);
    // 12 s and 8 s lag hold it back; 5 s is not above the limit.
    expect(lagReads()).toBe(3);
    expect(clock.ms - start).toBe(2_000);
    expect(records).toEqual([
      ["vplayer", Math.floor(start / 1000)],
      ["vplayer", Math.floor((start + 1_000) / 1000)],
    ]);
    // A reading is trusted for a second: no probe per transaction.
    await t.throttle(ThrottledComponent.VPlayer, signal);
    expect(lagReads()).toBe(3);
  });

  it("an unknown lag (no tablet answered) does not hold the stream", async () => {
    const { t, clock } = throttler({ maxReplicationLag: 1 }, [undefined]);
    await t.throttle(ThrottledComponent.VPlayer, signal);
    expect(clock.sleeps).toEqual([]);
  });

  it("stops waiting when the stream is stopped", async () => {
    const { t } = throttler({ maxReplicationLag: 1 }, [100]);
    const abort = new AbortController();
    abort.abort(new Error("stream stopped"));
    await expect(t.throttle(ThrottledComponent.VPlayer, abort.signal)).rejects.toThrow(/stream stopped/);
  });
});
