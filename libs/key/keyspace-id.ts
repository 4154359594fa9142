import { KeyError } from "./errors.js";

/**
 * A keyspace id is a byte string; the most significant bits are on the left.
 * Comparisons are left-justified: trailing zero bytes carry no meaning, so
 * 0x80 == 0x8000 == 0x800000.
 */
export type KeyspaceId = Uint8Array;

/** Why the text is not hex that decodes to bytes, or undefined when it is. Library-internal. */
export function hexProblem(hex: string): string | undefined {
  if (/[^0-9a-fA-F]/.test(hex)) {
    return "contains a non-hex character";
  }
  if (hex.length % 2 === 1) {
    return "has an odd number of hex digits";
  }
  return undefined;
}

/** Decodes hex (either case, even number of digits) into a keyspace id. "" is the empty id. */
export function keyspaceIdFromHex(hex: string): KeyspaceId {
  const problem = hexProblem(hex);
  if (problem !== undefined) {
    throw new KeyError(`invalid keyspace id hex "${hex}": ${problem}`, hex);
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  }
  return bytes;
}

/** Lowercase hex, two digits per byte, as Go's hex.EncodeToString. */
export function keyspaceIdToHex(id: KeyspaceId): string {
  let hex = "";
  for (const byte of id) {
    hex += byte.toString(16).padStart(2, "0");
  }
  return hex;
}

/** The 8-byte big-endian keyspace id of an unsigned 64-bit value (Vitess's Uint64Key). */
export function keyspaceIdFromUint64(value: bigint): KeyspaceId {
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) {
    throw new KeyError(`value ${value} does not fit in an unsigned 64-bit keyspace id`, String(value));
  }
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value);
  return bytes;
}

/** Drops trailing zero bytes (a view, not a copy), so ids of different lengths compare left-justified. */
export function normalizeKeyspaceId(id: KeyspaceId): KeyspaceId {
  let end = id.length;
  while (end > 0 && id[end - 1] === 0) {
    end--;
  }
  return id.subarray(0, end);
}

/** Byte-wise comparison without normalization; a proper prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  if (a.length === b.length) {
    return 0;
  }
  return a.length < b.length ? -1 : 1;
}

/** Left-justified comparison of two keyspace ids (Vitess's key.Compare). */
export function compareKeyspaceIds(a: KeyspaceId, b: KeyspaceId): -1 | 0 | 1 {
  return compareBytes(normalizeKeyspaceId(a), normalizeKeyspaceId(b));
}

export function keyspaceIdEqual(a: KeyspaceId, b: KeyspaceId): boolean {
  return compareKeyspaceIds(a, b) === 0;
}

/** True for the empty id and for ids made only of zero bytes: the minimum of the keyspace. */
export function isEmptyKeyspaceId(id: KeyspaceId): boolean {
  return normalizeKeyspaceId(id).length === 0;
}
