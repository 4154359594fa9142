import type { KeyspaceId } from "../key/index.js";
import { invalidArgument } from "../vterrors/index.js";
import { FunctionalVindex, ksidHex } from "./functional.js";
import { ParamReader, type VindexParams } from "./params.js";
import { parseUint64Words, type SqlValue, UINT64_WORDS, uint64Value } from "./values.js";
import type { Reversible } from "./vindex.js";

function uint64Bytes(hi: number, lo: number): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = hi >>> 24;
  out[1] = (hi >>> 16) & 0xff;
  out[2] = (hi >>> 8) & 0xff;
  out[3] = hi & 0xff;
  out[4] = lo >>> 24;
  out[5] = (lo >>> 16) & 0xff;
  out[6] = (lo >>> 8) & 0xff;
  out[7] = lo & 0xff;
  return out;
}

/** `numeric`: the keyspace id is the 8-byte big-endian unsigned value. Cost 0, unique, reversible. */
export class NumericVindex extends FunctionalVindex implements Reversible {
  readonly type = "numeric";
  readonly cost = 0;

  protected compute(value: SqlValue): KeyspaceId | undefined {
    if (!parseUint64Words(value, false)) return undefined;
    return uint64Bytes(UINT64_WORDS[0]!, UINT64_WORDS[1]!);
  }

  reverseMap(ksids: readonly KeyspaceId[]): SqlValue[] {
    return ksids.map((ksid) => {
      if (ksid.length !== 8) {
        throw invalidArgument(`Numeric.ReverseMap: length of keyspaceId is not 8: ${ksid.length}`);
      }
      return uint64Value(new DataView(ksid.buffer, ksid.byteOffset, 8).getBigUint64(0));
    });
  }
}

function reverse32(x: number): number {
  let v = x >>> 0;
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/** `reverse_bits`: the unsigned value with its 64 bits reversed, big-endian. Cost 1, unique, reversible. */
export class ReverseBitsVindex extends FunctionalVindex implements Reversible {
  readonly type = "reverse_bits";
  readonly cost = 1;

  protected compute(value: SqlValue): KeyspaceId | undefined {
    if (!parseUint64Words(value, false)) return undefined;
    return uint64Bytes(reverse32(UINT64_WORDS[1]!), reverse32(UINT64_WORDS[0]!));
  }

  reverseMap(ksids: readonly KeyspaceId[]): SqlValue[] {
    return ksids.map((ksid) => {
      if (ksid.length !== 8) throw invalidArgument(`invalid keyspace id: ${ksidHex(ksid)}`);
      const view = new DataView(ksid.buffer, ksid.byteOffset, 8);
      const bytes = uint64Bytes(reverse32(view.getUint32(4)), reverse32(view.getUint32(0)));
      return uint64Value(new DataView(bytes.buffer).getBigUint64(0));
    });
  }
}

export function newNumericVindex(name: string, params: VindexParams): NumericVindex {
  return new NumericVindex(name, new ParamReader(name, params));
}

export function newReverseBitsVindex(name: string, params: VindexParams): ReverseBitsVindex {
  return new ReverseBitsVindex(name, new ParamReader(name, params));
}
