export {
  BinaryMd5Vindex,
  BinaryVindex,
  NullVindex,
  UnicodeLooseVindex,
  XxhashVindex,
} from "./bytes-vindexes.js";
export { looseWeightString } from "./collation/weights.js";
export { ConsistentLookupVindex } from "./consistent-lookup.js";
export { createDefaultVindexRegistry } from "./default-registry.js";
export { zeroKeyDes } from "./des.js";
export {
  DESTINATION_NONE,
  type Destination,
  destinationAllShards,
  destinationKeyspaceId,
  destinationKeyspaceIds,
} from "./destination.js";
export { FunctionalVindex } from "./functional.js";
export { HashVindex } from "./hash.js";
export { LookupVindex } from "./lookup.js";
export type {
  CommitOrder,
  LookupExecutor,
  LookupMethod,
  LookupRows,
  LookupStatementOptions,
} from "./lookup-executor.js";
export { LookupInternal, type LookupTableParams, type ReadLock } from "./lookup-internal.js";
export { NumericVindex, ReverseBitsVindex } from "./numeric.js";
export { NumericStaticMapVindex } from "./numeric-static-map.js";
export { ParamReader, type VindexParams } from "./params.js";
export { type VindexFactory, VindexRegistry } from "./registry.js";
export {
  type BindVariables,
  bytesBindVariable,
  describeValue,
  float64Value,
  int64Value,
  isIntegral,
  isNull,
  isSigned,
  isUnsigned,
  NULL_VALUE,
  nullValue,
  type SqlValue,
  sqlValue,
  toUint64,
  tupleBindVariable,
  uint64Value,
  valueBindVariable,
  valueBytes,
  valuesEqual,
  valueToString,
  varbinaryValue,
  varcharValue,
} from "./values.js";
export {
  type AnySingleColumn,
  type CursorSingleColumn,
  type Hashing,
  isCursorSingleColumn,
  isHashing,
  isLookup,
  isReversible,
  isSingleColumn,
  type Lookup,
  mapValues,
  type Reversible,
  type SingleColumn,
  type Vindex,
  type WantsOwnerInfo,
  wantsOwnerInfo,
} from "./vindex.js";
export { xxh64, xxh64LittleEndian } from "./xxhash64.js";
