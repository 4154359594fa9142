// The topology service: the TopoConn interface and its backends, and typed Vitess records on a TopoServer.

export * from "./cell-info.js";
export {
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_LOCK_TTL_MS,
  type FileData,
  type FileEntry,
  type LockDescriptor,
  type LockOptions,
  type TopoConn,
  type Version,
  versionFromString,
  type WatchEvent,
  type WatchHandle,
} from "./conn.js";
export { isTopoError, TopoError, TopoErrorCode } from "./errors.js";
export { EtcdTopoConn } from "./etcd2/server.js";
export {
  connFactoryFor,
  isTopoImplementation,
  type OpenTopoConnOptions,
  openTopoConn,
  TOPO_IMPLEMENTATIONS,
  type TopoConnFactory,
  type TopoImplementation,
} from "./factory.js";
export { openTopoServerFromFlags, type TopoFlagValues, topoFlags } from "./flags.js";
export * from "./keyspace.js";
export {
  describeLockHolder,
  type LockInfo,
  lockInfoToJSON,
  newLockInfo,
  parseLockInfo,
} from "./lock-info.js";
export { type HeldLock, type LockCallOptions, lockKeyspace, lockShard } from "./locks.js";
export { MemoryTopoConn } from "./memory/server.js";
export { MemoryTopoStore } from "./memory/store.js";
export * from "./paths.js";
export type { Mutator, RecordEvent, RecordWatch, Versioned } from "./records.js";
export * from "./routing-rules.js";
export {
  createMemoryTopoServer,
  type OpenTopoServerOptions,
  openTopoServer,
  TopoServer,
  type TopoServerOptions,
} from "./server.js";
export * from "./shard.js";
export * from "./shard-replication.js";
export * from "./srv-keyspace.js";
export * from "./srv-vschema.js";
export * from "./tablet.js";
export * from "./tablet-alias.js";
export * from "./vschema.js";
