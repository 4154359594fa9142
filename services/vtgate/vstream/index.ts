/**
 * vtgate's VStream (Vitess's vstream_manager): change streams across the shards of a keyspace, positions as
 * a VGtid, copy-then-stream, reconnects to a shard's new serving tablet.
 */

export { type VStreamHandlerDeps, vStreamHandler } from "./handler.js";
export { ShardEventAssembler, type ShardUnit } from "./shard-events.js";
export { resolveShardGtids, type SrvKeyspaceReader } from "./shards.js";
export { TabletStreamSource } from "./tablet-source.js";
export { VGtidTracker } from "./vgtid.js";
export {
  DEFAULT_RETRY,
  isPermanentStreamError,
  mergeVStreams,
  type RetryPolicy,
  type ShardStreamRequest,
  type ShardStreamSource,
  type VStreamOptions,
} from "./vstream-manager.js";
