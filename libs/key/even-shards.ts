import { KeyError } from "./errors.js";

/**
 * The names of n shards of (nearly) equal width that together cover the whole
 * keyspace, as Vitess's key.GenerateShardRanges: 2 gives ["-80", "80-"], bounds
 * use 2 hex digits up to 256 shards and 4 digits up to 65536. When n is not a
 * power of two, bound i is floor(i * space / n), so the rounding is spread
 * over the shards.
 */
export function evenShards(count: number): string[] {
  if (!Number.isInteger(count) || count <= 0) {
    throw new KeyError(`invalid shard count ${count}: must be an integer greater than zero`, String(count));
  }
  if (count > 65536) {
    throw new KeyError(`invalid shard count ${count}: at most 65536 shards are supported`, String(count));
  }
  const digits = count <= 256 ? 2 : 4;
  const maxShards = count <= 256 ? 256 : 65536;
  const bound = (value: number, unboundedAt: number): string =>
    value === unboundedAt ? "" : value.toString(16).padStart(digits, "0");

  // Integer arithmetic, as current Vitess: the older i * (space / n) in floats
  // made the last bound of 49 shards 0xff instead of the end of the keyspace.
  const names: string[] = [];
  let start = 0;
  for (let i = 1; i <= count; i++) {
    const end = Math.floor((i * maxShards) / count);
    names.push(`${bound(start, 0)}-${bound(end, maxShards)}`);
    start = end;
  }
  return names;
}
