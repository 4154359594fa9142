export { isKeyError, KeyError } from "./errors.js";
export { evenShards } from "./even-shards.js";
export {
  fullKeyRange,
  isFullRange,
  isPartialRange,
  type KeyRange,
  keyRangeAdd,
  keyRangeCompare,
  keyRangeContains,
  keyRangeContainsRange,
  keyRangeEndCompare,
  keyRangeEqual,
  keyRangeStartCompare,
  keyRangeStartsBefore,
  keyRangeString,
  keyRangesContiguous,
  keyRangesIntersect,
  keyRangesOverlap,
  normalizeKeyRange,
} from "./key-range.js";
export {
  compareBytes,
  compareKeyspaceIds,
  isEmptyKeyspaceId,
  type KeyspaceId,
  keyspaceIdEqual,
  keyspaceIdFromHex,
  keyspaceIdFromUint64,
  keyspaceIdToHex,
  normalizeKeyspaceId,
} from "./keyspace-id.js";
export { isKeyRangeShardName, isValidShardName, parseShardName, UNSHARDED_SHARD_NAME } from "./shard-name.js";
