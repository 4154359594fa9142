import { describe, expect, it } from "vitest";
import { CopyRateTracker, formatEta } from "./copy-rate.js";

describe("copy rate and ETA", () => {
  it("measures rows per second between the oldest kept sample and now", () => {
    const rates = new CopyRateTracker(60_000);
    expect(rates.observe("w", 100, 0)).toBeUndefined();
    expect(rates.observe("w", 300, 2_000)).toBe(100);
    expect(rates.observe("w", 500, 4_000)).toBe(100);
    // Samples older than the window are dropped; a restart from fewer rows starts over.
    expect(rates.observe("w", 1_500, 64_000)).toBeCloseTo(1_000 / 60);
    expect(rates.observe("w", 10, 65_000)).toBeUndefined();
  });

  it("formats the remaining time", () => {
    expect(formatEta(0, undefined)).toBe("0s");
    expect(formatEta(500, undefined)).toBe("unknown");
    expect(formatEta(500, 100)).toBe("5s");
    expect(formatEta(75_000, 100)).toBe("12m30s");
    expect(formatEta(7_500_000, 1_000)).toBe("2h5m");
  });
});
