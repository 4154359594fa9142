import type { LockDescriptor } from "./conn.js";
import { type LockInfo, lockInfoToJSON, newLockInfo } from "./lock-info.js";
import { keyspaceDir, shardDir } from "./paths.js";
import type { TopoServer } from "./server.js";

/** What a function running under a keyspace or shard lock gets. */
export interface HeldLock {
  /** What was written into the lock file (action, host, user, pid, time). */
  readonly info: LockInfo;
  /** Throws TopoError Interrupted when the lock was lost; call it before writes that rely on the lock. */
  check(): Promise<void>;
}

export interface LockCallOptions {
  /** Overrides the server's lock timeout for this call. */
  timeoutMs?: number;
  /** Aborting while waiting for the lock fails with Interrupted (it does not stop `fn` once running). */
  signal?: AbortSignal;
}

/**
 * Runs `fn` holding the keyspace lock (global `keyspaces/<ks>`), releasing it however `fn` ends. Contention
 * waits up to the lock timeout, then fails with Timeout naming the holder and its action.
 */
export function lockKeyspace<T>(
  ts: TopoServer,
  keyspace: string,
  action: string,
  fn: (lock: HeldLock) => Promise<T>,
  options: LockCallOptions = {},
): Promise<T> {
  return withLock(ts, keyspaceDir(keyspace), action, fn, options);
}

/** As lockKeyspace, for the shard lock (global `keyspaces/<ks>/shards/<shard>`). */
export function lockShard<T>(
  ts: TopoServer,
  keyspace: string,
  shard: string,
  action: string,
  fn: (lock: HeldLock) => Promise<T>,
  options: LockCallOptions = {},
): Promise<T> {
  return withLock(ts, shardDir(keyspace, shard), action, fn, options);
}

async function withLock<T>(
  ts: TopoServer,
  dir: string,
  action: string,
  fn: (lock: HeldLock) => Promise<T>,
  options: LockCallOptions,
): Promise<T> {
  const info = newLockInfo(action);
  const descriptor: LockDescriptor = await ts.globalConn.lock(dir, lockInfoToJSON(info), {
    ttlMs: ts.lockTtlMs,
    timeoutMs: options.timeoutMs ?? ts.lockTimeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let result: T;
  try {
    result = await fn({ info, check: () => descriptor.check() });
  } catch (err) {
    // The action's error is what the caller needs; a failed unlock only delays the next locker by the TTL.
    await descriptor.unlock().catch(() => {});
    throw err;
  }
  await descriptor.unlock();
  return result;
}
