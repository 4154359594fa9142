import { createHash } from "node:crypto";
import type { KeyspaceId } from "../key/index.js";
import { invalidArgument } from "../vterrors/index.js";
import { looseWeightString } from "./collation/weights.js";
import { FunctionalVindex } from "./functional.js";
import { ParamReader, type VindexParams } from "./params.js";
import { isNull, type SqlValue, valueBytes, varbinaryValue } from "./values.js";
import type { Reversible } from "./vindex.js";
import { xxh64LittleEndian } from "./xxhash64.js";

function md5(bytes: Uint8Array): Uint8Array {
  return createHash("md5").update(bytes).digest();
}

/**
 * `binary`: the value's bytes are the keyspace id (NULL gives the empty id, as Vitess). Cost 0, unique,
 * reversible.
 */
export class BinaryVindex extends FunctionalVindex implements Reversible {
  readonly type = "binary";
  readonly cost = 0;

  protected compute(value: SqlValue): KeyspaceId | undefined {
    return valueBytes(value);
  }

  override hash(value: SqlValue): KeyspaceId {
    if (isNull(value)) throw this.parseError(value);
    return valueBytes(value);
  }

  reverseMap(ksids: readonly KeyspaceId[]): SqlValue[] {
    return ksids.map((ksid) => {
      if (ksid.length === 0) throw invalidArgument("Binary.ReverseMap: keyspaceId is nil");
      return varbinaryValue(ksid);
    });
  }
}

/** `binary_md5`: MD5 of the value's bytes (16 bytes). Cost 1, unique. */
export class BinaryMd5Vindex extends FunctionalVindex {
  readonly type = "binary_md5";
  readonly cost = 1;

  protected compute(value: SqlValue): KeyspaceId | undefined {
    return md5(valueBytes(value));
  }
}

/** `xxhash`: XXH64 of the value's bytes, little-endian (8 bytes); integers hash their decimal text. Cost 1. */
export class XxhashVindex extends FunctionalVindex {
  readonly type = "xxhash";
  readonly cost = 1;

  protected compute(value: SqlValue): KeyspaceId | undefined {
    return xxh64LittleEndian(valueBytes(value));
  }
}

/**
 * `unicode_loose_md5` and `unicode_loose_xxhash`: MD5 (16 bytes) or XXH64 little-endian (8 bytes) of the
 * value's case-, accent- and width-insensitive weight string (see collation/weights.ts), so 'Tést' and
 * 'TEST ' land together. Text that is not valid UTF-8 fails with INVALID_ARGUMENT, in map too (as Vitess).
 */
export class UnicodeLooseVindex extends FunctionalVindex {
  readonly cost = 1;

  constructor(
    name: string,
    params: ParamReader,
    readonly type: "unicode_loose_md5" | "unicode_loose_xxhash",
  ) {
    super(name, params);
  }

  protected compute(value: SqlValue): KeyspaceId | undefined {
    let weights: Buffer;
    try {
      weights = looseWeightString(valueBytes(value));
    } catch (err) {
      throw invalidArgument(`${this.describe()}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return this.type === "unicode_loose_md5" ? md5(weights) : xxh64LittleEndian(weights);
  }
}

/**
 * `null`: every value, NULL included, maps to keyspace id 0x00 (the first shard). Useful while moving a
 * table from unsharded to sharded. Cost 100, unique.
 */
export class NullVindex extends FunctionalVindex {
  readonly type = "null";
  readonly cost = 100;

  protected compute(): KeyspaceId | undefined {
    return new Uint8Array(1);
  }
}

export function newBinaryVindex(name: string, params: VindexParams): BinaryVindex {
  return new BinaryVindex(name, new ParamReader(name, params));
}

export function newBinaryMd5Vindex(name: string, params: VindexParams): BinaryMd5Vindex {
  return new BinaryMd5Vindex(name, new ParamReader(name, params));
}

export function newXxhashVindex(name: string, params: VindexParams): XxhashVindex {
  return new XxhashVindex(name, new ParamReader(name, params));
}

export function newUnicodeLooseMd5Vindex(name: string, params: VindexParams): UnicodeLooseVindex {
  return new UnicodeLooseVindex(name, new ParamReader(name, params), "unicode_loose_md5");
}

export function newUnicodeLooseXxhashVindex(name: string, params: VindexParams): UnicodeLooseVindex {
  return new UnicodeLooseVindex(name, new ParamReader(name, params), "unicode_loose_xxhash");
}

export function newNullVindex(name: string, params: VindexParams): NullVindex {
  return new NullVindex(name, new ParamReader(name, params));
}
