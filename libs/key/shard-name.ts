import { KeyError } from "./errors.js";
import type { KeyRange } from "./key-range.js";
import { compareKeyspaceIds, hexProblem, keyspaceIdFromHex } from "./keyspace-id.js";

/** The name of the single shard of an unsharded keyspace; it covers the full range. */
export const UNSHARDED_SHARD_NAME = "0";

/**
 * True when the name is written as a key range (`-80`, `80-`, `-`), as
 * opposed to the unsharded name `0`. This only looks at the form, like
 * Vitess's IsShardUsingRangeBasedSharding; use isValidShardName to validate.
 */
export function isKeyRangeShardName(name: string): boolean {
  return name.includes("-");
}

/**
 * Parses a shard name into its key range: `0` is the full range, otherwise
 * the name is `start-end` in left-justified hex with an even number of digits
 * per bound (either case), where an empty bound is unbounded.
 *
 * Stricter than Vitess's ValidateShardName in one place: bounds are compared
 * left-justified, so `80-8000` (an empty range) is rejected, not accepted.
 */
export function parseShardName(name: string): KeyRange {
  if (name === UNSHARDED_SHARD_NAME) {
    return { start: new Uint8Array(0), end: new Uint8Array(0) };
  }
  const parts = name.split("-");
  if (parts.length === 1) {
    throw new KeyError(`invalid shard name "${name}": expected "0" or a key range like "-80"`, name);
  }
  if (parts.length !== 2) {
    throw new KeyError(`invalid shard name "${name}": a key range can only contain one '-'`, name);
  }
  const [startHex, endHex] = parts as [string, string];
  for (const bound of [startHex, endHex]) {
    const problem = hexProblem(bound);
    if (problem !== undefined) {
      throw new KeyError(`invalid shard name "${name}": bound "${bound}" ${problem}`, name);
    }
  }
  const keyRange = { start: keyspaceIdFromHex(startHex), end: keyspaceIdFromHex(endHex) };
  // An empty end means "unbounded", but an all-zero end is the minimum key, so
  // `-00` is as empty as `80-80` and is rejected with it.
  if (endHex !== "" && compareKeyspaceIds(keyRange.start, keyRange.end) >= 0) {
    throw new KeyError(
      `invalid shard name "${name}": out of order keys: ${startHex} is not strictly smaller than ${endHex}`,
      name,
    );
  }
  return keyRange;
}

/** True for `0` and for well-formed, non-empty key ranges. */
export function isValidShardName(name: string): boolean {
  try {
    parseShardName(name);
    return true;
  } catch (error) {
    if (error instanceof KeyError) {
      return false;
    }
    throw error;
  }
}
