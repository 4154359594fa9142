import {
  newBinaryMd5Vindex,
  newBinaryVindex,
  newNullVindex,
  newUnicodeLooseMd5Vindex,
  newUnicodeLooseXxhashVindex,
  newXxhashVindex,
} from "./bytes-vindexes.js";
import { newConsistentLookupUniqueVindex, newConsistentLookupVindex } from "./consistent-lookup.js";
import { newHashVindex } from "./hash.js";
import {
  newLookupHashUniqueVindex,
  newLookupHashVindex,
  newLookupUniqueVindex,
  newLookupVindex,
} from "./lookup.js";
import { newNumericVindex, newReverseBitsVindex } from "./numeric.js";
import { numericStaticMapFactory } from "./numeric-static-map.js";
import { VindexRegistry } from "./registry.js";

/** A registry with every vindex type this project implements, under Vitess's type names. */
export function createDefaultVindexRegistry(): VindexRegistry {
  const registry = new VindexRegistry();
  registry
    .register("hash", newHashVindex)
    .register("numeric", newNumericVindex)
    .register("reverse_bits", newReverseBitsVindex)
    .register("binary", newBinaryVindex)
    .register("binary_md5", newBinaryMd5Vindex)
    .register("xxhash", newXxhashVindex)
    .register("unicode_loose_md5", newUnicodeLooseMd5Vindex)
    .register("unicode_loose_xxhash", newUnicodeLooseXxhashVindex)
    .register("null", newNullVindex)
    .register("lookup", newLookupVindex)
    .register("lookup_unique", newLookupUniqueVindex)
    .register("lookup_hash", newLookupHashVindex)
    .register("lookup_hash_unique", newLookupHashUniqueVindex)
    .register("consistent_lookup", newConsistentLookupVindex)
    .register("consistent_lookup_unique", newConsistentLookupUniqueVindex);
  registry.register("numeric_static_map", numericStaticMapFactory(registry));
  return registry;
}
