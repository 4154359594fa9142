import {
  compareKeyspaceIds,
  isEmptyKeyspaceId,
  type KeyspaceId,
  keyspaceIdToHex,
  normalizeKeyspaceId,
} from "./keyspace-id.js";

/**
 * An interval [start, end[ of keyspace ids. An empty start means the minimum,
 * an empty end means "no upper bound". Structurally the same as the protobuf
 * topodata.KeyRange, so either can be passed where the other is expected.
 *
 * Functions also accept `undefined` for the full range, because an unset
 * protobuf KeyRange field (an unsharded shard) means exactly that in Vitess.
 */
export interface KeyRange {
  readonly start: Uint8Array;
  readonly end: Uint8Array;
}

export function fullKeyRange(): KeyRange {
  return { start: new Uint8Array(0), end: new Uint8Array(0) };
}

/** True when the range covers the whole keyspace (Vitess's KeyRangeIsComplete). */
export function isFullRange(keyRange: KeyRange | undefined): boolean {
  return keyRange === undefined || (isEmptyKeyspaceId(keyRange.start) && isEmptyKeyspaceId(keyRange.end));
}

export function isPartialRange(keyRange: KeyRange | undefined): boolean {
  return !isFullRange(keyRange);
}

/**
 * Lowercase hex of start and end joined by "-", as Vitess's KeyRangeString:
 * `-80`, `80-`, `40-80`, and `-` for the full range. The bytes are printed as
 * stored, so a range parsed from `0000-8000` prints back as `0000-8000`;
 * use normalizeKeyRange first for the shortest form.
 */
export function keyRangeString(keyRange: KeyRange | undefined): string {
  if (keyRange === undefined || isFullRange(keyRange)) {
    return "-";
  }
  return `${keyspaceIdToHex(keyRange.start)}-${keyspaceIdToHex(keyRange.end)}`;
}

/** The same range with trailing zero bytes dropped from start and end: `0000-8000` becomes `-80`. */
export function normalizeKeyRange(keyRange: KeyRange | undefined): KeyRange {
  if (keyRange === undefined) {
    return fullKeyRange();
  }
  return {
    start: normalizeKeyspaceId(keyRange.start).slice(),
    end: normalizeKeyspaceId(keyRange.end).slice(),
  };
}

/** True when start <= id < end, comparing left-justified. */
export function keyRangeContains(keyRange: KeyRange | undefined, id: KeyspaceId): boolean {
  if (keyRange === undefined || isFullRange(keyRange)) {
    return true;
  }
  return (
    (isEmptyKeyspaceId(keyRange.start) || compareKeyspaceIds(id, keyRange.start) >= 0) &&
    (isEmptyKeyspaceId(keyRange.end) || compareKeyspaceIds(id, keyRange.end) < 0)
  );
}

/** Compares starts, where an empty start is the minimum. */
export function keyRangeStartCompare(a: KeyRange | undefined, b: KeyRange | undefined): -1 | 0 | 1 {
  const aIsMinimum = a === undefined || isEmptyKeyspaceId(a.start);
  const bIsMinimum = b === undefined || isEmptyKeyspaceId(b.start);
  if (aIsMinimum || bIsMinimum) {
    return aIsMinimum === bIsMinimum ? 0 : aIsMinimum ? -1 : 1;
  }
  return compareKeyspaceIds(a.start, b.start);
}

/** Compares ends, where an empty end is the maximum. */
export function keyRangeEndCompare(a: KeyRange | undefined, b: KeyRange | undefined): -1 | 0 | 1 {
  const aIsMaximum = a === undefined || isEmptyKeyspaceId(a.end);
  const bIsMaximum = b === undefined || isEmptyKeyspaceId(b.end);
  if (aIsMaximum || bIsMaximum) {
    return aIsMaximum === bIsMaximum ? 0 : aIsMaximum ? 1 : -1;
  }
  return compareKeyspaceIds(a.end, b.end);
}

/** Orders by start, then by end: usable directly as `shards.sort(keyRangeCompare)`. */
export function keyRangeCompare(a: KeyRange | undefined, b: KeyRange | undefined): -1 | 0 | 1 {
  const byStart = keyRangeStartCompare(a, b);
  return byStart !== 0 ? byStart : keyRangeEndCompare(a, b);
}

/** Left-justified equality: `-80`, `00-80` and `0000-8000` are equal. */
export function keyRangeEqual(a: KeyRange | undefined, b: KeyRange | undefined): boolean {
  return keyRangeCompare(a, b) === 0;
}

export function keyRangeStartsBefore(a: KeyRange | undefined, b: KeyRange | undefined): boolean {
  return keyRangeStartCompare(a, b) < 0;
}

/** True when some keyspace id lies in both ranges. */
export function keyRangesIntersect(a: KeyRange | undefined, b: KeyRange | undefined): boolean {
  if (a === undefined || b === undefined || isFullRange(a) || isFullRange(b)) {
    return true;
  }
  return (
    (isEmptyKeyspaceId(a.end) || compareKeyspaceIds(b.start, a.end) < 0) &&
    (isEmptyKeyspaceId(b.end) || compareKeyspaceIds(a.start, b.end) < 0)
  );
}

/** The part both ranges share, or undefined when they do not intersect. */
export function keyRangesOverlap(a: KeyRange | undefined, b: KeyRange | undefined): KeyRange | undefined {
  if (!keyRangesIntersect(a, b)) {
    return undefined;
  }
  if (a === undefined) {
    return b ?? fullKeyRange();
  }
  if (b === undefined) {
    return a;
  }
  return {
    start: keyRangeStartCompare(a, b) >= 0 ? a.start : b.start,
    end: keyRangeEndCompare(a, b) <= 0 ? a.end : b.end,
  };
}

/** True when `inner` lies entirely inside `outer` (Vitess's KeyRangeContainsKeyRange). */
export function keyRangeContainsRange(outer: KeyRange | undefined, inner: KeyRange | undefined): boolean {
  if (isFullRange(outer)) {
    return true;
  }
  if (isFullRange(inner)) {
    return false;
  }
  return keyRangeStartCompare(inner, outer) >= 0 && keyRangeEndCompare(inner, outer) <= 0;
}

/** True when a ends exactly where b starts; never for a full range. */
export function keyRangesContiguous(a: KeyRange | undefined, b: KeyRange | undefined): boolean {
  if (a === undefined || b === undefined || isFullRange(a) || isFullRange(b)) {
    return false;
  }
  return !isEmptyKeyspaceId(a.end) && compareKeyspaceIds(a.end, b.start) === 0;
}

/** Joins two adjacent ranges (in either order) into one, or undefined when they are not adjacent. */
export function keyRangeAdd(a: KeyRange | undefined, b: KeyRange | undefined): KeyRange | undefined {
  if (a === undefined || b === undefined) {
    return undefined;
  }
  if (keyRangesContiguous(a, b)) {
    return { start: a.start, end: b.end };
  }
  if (keyRangesContiguous(b, a)) {
    return { start: b.start, end: a.end };
  }
  return undefined;
}
