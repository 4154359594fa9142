import type { IKeyValue, Lease, Watcher } from "etcd3";
import { DEFAULT_LOCK_TTL_MS, type LockDescriptor, type LockOptions } from "../conn.js";
import { TopoError, TopoErrorCode } from "../errors.js";
import { lockWaiter } from "../lock-wait.js";
import { joinPath, normalizeDirPath } from "../path.js";
import { listDir } from "./directory.js";
import { convertError } from "./errors.js";
import { type EtcdScope, keyOf } from "./scope.js";

/** Lock files live in `<dir>/locks/<lease id>`, as in Vitess's etcd2topo. */
export const LOCKS_DIR = "locks";

/**
 * Vitess's etcd2topo lock: grant a lease (kept alive by the client), create `<dir>/locks/<lease id>` bound to it,
 * and hold the lock once no older lock file (lower create revision) remains. Waiters watch the file just before
 * theirs for its deletion. A holder that dies stops renewing its lease; etcd deletes its file after the TTL and
 * the next waiter proceeds. `track` registers the lease with the conn so `close()` can let it go.
 */
export async function lockDir(
  scope: EtcdScope,
  dirPath: string,
  contents: string,
  options: LockOptions,
  track: (lease: Lease) => () => void,
): Promise<LockDescriptor> {
  scope.assertOpen();
  const dir = normalizeDirPath(dirPath);
  await listDir(scope, dir); // NoNode when the directory does not exist, as in Vitess.
  const waiter = lockWaiter(dir, options);
  const subject = waiter.subject;
  const client = scope.client;

  // etcd leases are whole seconds (and the server raises tiny ones to its minimum, about 2 s).
  const lease = client.lease(Math.max(1, Math.ceil((options.ttlMs ?? DEFAULT_LOCK_TTL_MS) / 1000)));
  let lost: unknown;
  lease.on("lost", (err) => {
    lost = err;
  });
  const untrack = track(lease);
  const giveUp = async (error: unknown): Promise<never> => {
    untrack();
    // Revoking deletes our lock file at once instead of blocking later lockers for a whole TTL.
    await lease.revoke().catch(() => lease.release());
    throw convertError(error, subject);
  };

  let myRevision: bigint;
  const locksPrefix = `${keyOf(scope, joinPath(dir, LOCKS_DIR))}/`;
  try {
    const leaseId = await lease.grant();
    const key = `${locksPrefix}${leaseId}`;
    // The lease id is unique, so the key is new; the comparison only guards against a reused id.
    const created = await client
      .if(key, "Version", "==", 0)
      .then(client.put(key).value(contents).lease(leaseId))
      .commit();
    if (!created.succeeded) throw new Error(`lock file ${key} already exists`);
    myRevision = BigInt(created.header.revision);
  } catch (err) {
    return giveUp(err);
  }

  for (;;) {
    let older: IKeyValue[];
    try {
      const all = await client.getAll().prefix(locksPrefix).exec();
      older = all.kvs
        .filter((kv) => BigInt(kv.create_revision) < myRevision)
        .sort((a, b) => Number(BigInt(a.create_revision) - BigInt(b.create_revision)));
    } catch (err) {
      return giveUp(err);
    }
    const holder = older[0];
    if (!holder) break;
    const step = waiter.next(holder.value.toString("utf8"));
    if (step instanceof TopoError) return giveUp(step);
    const blocker = older.at(-1) as IKeyValue;
    await waitForDeletion(scope, blocker.key, myRevision, step, options.signal);
  }

  let released = false;
  return {
    check: async () => {
      if (released)
        throw new TopoError(TopoErrorCode.Interrupted, subject, { detail: "lock already released" });
      if (lost !== undefined || lease.revoked()) {
        throw new TopoError(TopoErrorCode.Interrupted, subject, {
          detail: "lock lost: lease expired",
          cause: lost,
        });
      }
      // As etcd2topo's Check: one keepalive proves the lease (and so our lock file) still exists.
      await lease.keepaliveOnce().catch((err: unknown) => {
        throw new TopoError(TopoErrorCode.Interrupted, subject, { detail: "lock lost", cause: err });
      });
    },
    unlock: async () => {
      if (released) return;
      released = true;
      untrack();
      try {
        await lease.revoke();
      } catch (err) {
        // The lease still expires by itself after its TTL; report that the release did not happen now.
        lease.release();
        throw convertError(err, subject);
      }
    },
  };
}

/**
 * Resolves when `key` is deleted at or after `fromRevision`, when the time is up, when `signal` aborts or when
 * the watch stream breaks; the caller's loop re-reads the lock files to see which it was.
 */
function waitForDeletion(
  scope: EtcdScope,
  key: Buffer,
  fromRevision: bigint,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    let watcher: Watcher | undefined;
    let finished = false;
    const done = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      watcher?.cancel().catch(() => {});
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    signal?.addEventListener("abort", done);
    scope.client
      .watch()
      .key(key)
      .startRevision(fromRevision.toString())
      .create()
      .then((created) => {
        watcher = created;
        if (finished) {
          created.cancel().catch(() => {});
          return;
        }
        created.on("delete", done);
        created.on("disconnected", done);
        created.on("error", done);
      }, done);
  });
}
