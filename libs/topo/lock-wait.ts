import { DEFAULT_LOCK_TIMEOUT_MS, type LockOptions } from "./conn.js";
import { TopoError, TopoErrorCode } from "./errors.js";
import { describeLockHolder } from "./lock-info.js";

/**
 * The waiting rules every backend's lock follows (etcd2topo's algorithm: one lock file per locker, the
 * oldest file holds the lock). Each time a locker finds an older file, `next` says what to do: give up
 * with NodeExists when it must not wait (TryLock), Interrupted when its signal aborted, Timeout once
 * `timeoutMs` has passed since the waiter was made; otherwise wait up to the returned milliseconds for
 * the file just before its own to go, then look again.
 */
export interface LockWaiter {
  /** `lock on <dir>`: the subject of every error about this lock. */
  readonly subject: string;
  /** The error to give up with, or how long to wait; `holderContents` is the oldest lock file's contents. */
  next(holderContents: string): TopoError | number;
}

export function lockWaiter(dir: string, options: LockOptions): LockWaiter {
  const { timeoutMs = DEFAULT_LOCK_TIMEOUT_MS, signal, wait = true } = options;
  const deadline = Date.now() + timeoutMs;
  const subject = `lock on ${dir || "/"}`;
  return {
    subject,
    next: (holderContents) => {
      const heldBy = describeLockHolder(holderContents);
      if (!wait) return new TopoError(TopoErrorCode.NodeExists, subject, { detail: heldBy });
      if (signal?.aborted) return new TopoError(TopoErrorCode.Interrupted, subject, { detail: heldBy });
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        return new TopoError(TopoErrorCode.Timeout, subject, {
          detail: `still ${heldBy} after ${timeoutMs} ms`,
        });
      }
      return remaining;
    },
  };
}
