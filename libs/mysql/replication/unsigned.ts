export const MAX_UINT32 = 0xffff_ffffn;
export const MAX_UINT63 = 0x7fff_ffff_ffff_ffffn;
export const MAX_UINT64 = 0xffff_ffff_ffff_ffffn;

/**
 * Parses plain decimal digits (no sign, no spaces, as Go's strconv.ParseUint)
 * no larger than `max`; undefined when the text is not such a number.
 */
export function parseUnsigned(text: string, max: bigint): bigint | undefined {
  if (!/^[0-9]+$/.test(text)) {
    return undefined;
  }
  const value = BigInt(text);
  return value <= max ? value : undefined;
}
