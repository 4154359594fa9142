import type { KeyspaceId } from "../key/index.js";
import { invalidArgument } from "../vterrors/index.js";
import { zeroKeyDes } from "./des.js";
import { FunctionalVindex, ksidHex } from "./functional.js";
import { ParamReader, type VindexParams } from "./params.js";
import { parseUint64Words, type SqlValue, UINT64_WORDS, uint64Value } from "./values.js";
import type { Reversible } from "./vindex.js";

/**
 * `hash`: the 8-byte big-endian unsigned value encrypted with zero-key DES (3DES-EDE with an all-zero key,
 * as Vitess). Signed integers are taken as their 64-bit two's complement (-1 → 0xffffffffffffffff); text
 * holding a non-negative decimal integer is accepted; anything else maps nowhere. Cost 1, unique, reversible.
 */
export class HashVindex extends FunctionalVindex implements Reversible {
  readonly type = "hash";
  readonly cost = 1;

  protected compute(value: SqlValue): KeyspaceId | undefined {
    if (!parseUint64Words(value, true)) return undefined;
    const out = new Uint8Array(8);
    zeroKeyDes(UINT64_WORDS[0]!, UINT64_WORDS[1]!, out);
    return out;
  }

  reverseMap(ksids: readonly KeyspaceId[]): SqlValue[] {
    return ksids.map((ksid) => {
      if (ksid.length !== 8) throw invalidArgument(`invalid keyspace id: ${ksidHex(ksid)}`);
      const view = new DataView(ksid.buffer, ksid.byteOffset, 8);
      const out = new Uint8Array(8);
      zeroKeyDes(view.getUint32(0), view.getUint32(4), out);
      return uint64Value(new DataView(out.buffer).getBigUint64(0));
    });
  }
}

export function newHashVindex(name: string, params: VindexParams): HashVindex {
  return new HashVindex(name, new ParamReader(name, params));
}
