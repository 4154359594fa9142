import { FlagError } from "./errors.js";

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Parses a Go-style duration ("30s", "1m30s", "500ms", "1.5h", "0") into milliseconds, as Vitess flags take them. */
export function parseDuration(text: string, flag?: string): number {
  const where = flag ? ` for --${flag}` : "";
  if (text === "0") return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  let sign = 1;
  if (text.startsWith("-")) {
    sign = -1;
    index = 1;
  }
  if (index >= text.length) throw new FlagError(`invalid duration "${text}"${where}`, flag);
  while (index < text.length) {
    part.lastIndex = index;
    const match = part.exec(text);
    if (!match) {
      throw new FlagError(
        `invalid duration "${text}"${where}: expected a number and a unit (ms, s, m, h)`,
        flag,
      );
    }
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    index = part.lastIndex;
  }
  return sign * total;
}

export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h0m0s`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m0s`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
