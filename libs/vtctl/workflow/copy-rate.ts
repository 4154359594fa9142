/**
 * Copy rates observed across status calls: rows copied now against the oldest sample kept (up to
 * `windowMs` back), since table statistics are too stale to predict from. One tracker per Vtctld service.
 */
export class CopyRateTracker {
  private readonly samples = new Map<string, { rows: number; atMs: number }[]>();

  constructor(private readonly windowMs = 10 * 60_000) {}

  /** Records `rows` copied for `key` at `atMs`; returns rows per second, or undefined before a second sample. */
  observe(key: string, rows: number, atMs: number): number | undefined {
    const list = (this.samples.get(key) ?? []).filter(
      (s) => atMs - s.atMs <= this.windowMs && s.rows <= rows,
    );
    list.push({ rows, atMs });
    this.samples.set(key, list);
    const first = list[0];
    if (!first || atMs <= first.atMs || rows <= first.rows) return undefined;
    return (rows - first.rows) / ((atMs - first.atMs) / 1000);
  }

  forget(key: string): void {
    this.samples.delete(key);
  }
}

/** "45s", "12m30s", "2h5m": how long `remaining` rows take at `rate` rows/s; "unknown" without a rate. */
export function formatEta(remaining: number, rate: number | undefined): string {
  if (remaining <= 0) return "0s";
  if (rate === undefined || rate <= 0) return "unknown";
  const seconds = Math.ceil(remaining / rate);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
