import { DEFAULT_LOCK_TTL_MS, type LockDescriptor, type LockOptions } from "../conn.js";
import { TopoError, TopoErrorCode } from "../errors.js";
import { lockWaiter } from "../lock-wait.js";
import { joinPath, normalizeDirPath } from "../path.js";
import { listDir } from "./directory.js";
import { keyOf, type MemoryScope } from "./scope.js";

/** Lock files live in `<dir>/locks/`, as in etcd2topo, so both backends show the same tree. */
export const LOCKS_DIR = "locks";

interface LockCandidate {
  key: string;
  contents: string;
  createRevision: number;
}

/**
 * The etcd2topo algorithm on the in-memory store: a lease-bound file per locker in `<dir>/locks/`, and the
 * locker whose file was created first holds the lock. Later lockers wait for the file just before theirs to
 * go. `track` registers the lease with the conn so closing the conn abandons it.
 */
export async function lockDir(
  scope: MemoryScope,
  dirPath: string,
  contents: string,
  options: LockOptions,
  track: (leaseId: number) => () => void,
): Promise<LockDescriptor> {
  scope.assertOpen();
  const dir = normalizeDirPath(dirPath);
  listDir(scope, dir); // NoNode when the directory does not exist, as in Vitess.
  const waiter = lockWaiter(dir, options);
  const store = scope.store;
  const leaseId = store.grantLease(options.ttlMs ?? DEFAULT_LOCK_TTL_MS);
  const untrack = track(leaseId);
  const locksPrefix = `${keyOf(scope, joinPath(dir, LOCKS_DIR))}/`;
  const mine = store.write(`${locksPrefix}${leaseId}`, new TextEncoder().encode(contents), leaseId);

  const giveUp = (error: TopoError): never => {
    store.revokeLease(leaseId);
    untrack();
    throw error;
  };

  for (;;) {
    const candidates = lockCandidates(scope, locksPrefix);
    const older = candidates.filter((c) => c.createRevision < mine.createRevision);
    const holder = older[0];
    if (!holder) break;
    const step = waiter.next(holder.contents);
    if (step instanceof TopoError) return giveUp(step);
    await waitForDeletion(scope, (older.at(-1) as LockCandidate).key, step, options.signal);
  }

  let released = false;
  return {
    check: async () => {
      if (released || !store.isLeaseAlive(leaseId)) {
        throw new TopoError(TopoErrorCode.Interrupted, waiter.subject, { detail: "lock lost or released" });
      }
    },
    unlock: async () => {
      if (released) return;
      released = true;
      store.revokeLease(leaseId);
      untrack();
    },
  };
}

function lockCandidates(scope: MemoryScope, locksPrefix: string): LockCandidate[] {
  const decoder = new TextDecoder();
  const candidates: LockCandidate[] = [];
  for (const key of scope.store.keysWithPrefix(locksPrefix)) {
    const file = scope.store.read(key);
    if (file)
      candidates.push({ key, contents: decoder.decode(file.contents), createRevision: file.createRevision });
  }
  return candidates.sort((a, b) => a.createRevision - b.createRevision);
}

/** Resolves when `key` is deleted, the time is up or `signal` aborts; the caller's loop decides which. */
function waitForDeletion(
  scope: MemoryScope,
  key: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      unsubscribe();
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const unsubscribe = scope.store.subscribe(key, (change) => {
      if (change.kind === "delete") done();
    });
    const timer = setTimeout(done, timeoutMs);
    signal?.addEventListener("abort", done);
    if (!scope.store.read(key)) done();
  });
}
