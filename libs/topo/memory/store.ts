import { MemoryTopoConn } from "./server.js";

/** One stored file. Revisions come from a store-wide counter, like etcd's, so versions order all writes. */
export interface MemoryFile {
  contents: Uint8Array;
  createRevision: number;
  modRevision: number;
  /** Set for lock files: the file disappears when the lease is revoked or expires. */
  leaseId?: number;
}

export type MemoryChange = { kind: "put"; file: MemoryFile } | { kind: "delete"; revision: number };

interface MemoryLease {
  id: number;
  ttlMs: number;
  keys: Set<string>;
  /** While the holder is alive the lease never expires (it would be kept alive); then it lives ttlMs more. */
  expiryTimer?: NodeJS.Timeout;
}

/**
 * The shared in-memory tree behind any number of MemoryTopoConns (one per root: global, each cell), like
 * Vitess's memorytopo factory. Keys are full paths ("/vitess/global/keyspaces/ks/Keyspace"). Everything is
 * synchronous; the conns add the async TopoConn surface.
 */
export class MemoryTopoStore {
  private readonly files = new Map<string, MemoryFile>();
  private readonly listeners = new Map<string, Set<(change: MemoryChange) => void>>();
  private readonly leases = new Map<number, MemoryLease>();
  private revision = 0;
  private nextLeaseId = 1;

  /** A connection scoped under `root` (e.g. "/vitess/zone1"). */
  conn(root: string): MemoryTopoConn {
    return new MemoryTopoConn(this, root);
  }

  read(key: string): MemoryFile | undefined {
    return this.files.get(key);
  }

  write(key: string, contents: Uint8Array, leaseId?: number): MemoryFile {
    const revision = ++this.revision;
    const previous = this.files.get(key);
    // Copy so a caller mutating its buffer afterwards cannot change what is stored.
    const file: MemoryFile = {
      contents: Uint8Array.from(contents),
      createRevision: previous?.createRevision ?? revision,
      modRevision: revision,
      ...(leaseId === undefined ? {} : { leaseId }),
    };
    this.files.set(key, file);
    if (leaseId !== undefined) this.leases.get(leaseId)?.keys.add(key);
    this.notify(key, { kind: "put", file });
    return file;
  }

  remove(key: string): boolean {
    const file = this.files.get(key);
    if (!file) return false;
    this.files.delete(key);
    if (file.leaseId !== undefined) this.leases.get(file.leaseId)?.keys.delete(key);
    this.notify(key, { kind: "delete", revision: ++this.revision });
    return true;
  }

  /** Keys starting with `prefix`, sorted. */
  keysWithPrefix(prefix: string): string[] {
    const keys: string[] = [];
    for (const key of this.files.keys()) if (key.startsWith(prefix)) keys.push(key);
    return keys.sort();
  }

  /** Calls `listener` synchronously after each change of `key`; returns the unsubscribe function. */
  subscribe(key: string, listener: (change: MemoryChange) => void): () => void {
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
    };
  }

  grantLease(ttlMs: number): number {
    const id = this.nextLeaseId++;
    this.leases.set(id, { id, ttlMs, keys: new Set() });
    return id;
  }

  isLeaseAlive(id: number): boolean {
    return this.leases.has(id);
  }

  /** Deletes the lease and every file attached to it (unlock). */
  revokeLease(id: number): void {
    const lease = this.leases.get(id);
    if (!lease) return;
    clearTimeout(lease.expiryTimer);
    this.leases.delete(id);
    for (const key of [...lease.keys]) this.remove(key);
  }

  /** The holder stopped renewing (its conn closed, or a test says it crashed): expire after the TTL. */
  abandonLease(id: number): void {
    const lease = this.leases.get(id);
    if (!lease || lease.expiryTimer) return;
    lease.expiryTimer = setTimeout(() => this.revokeLease(id), lease.ttlMs);
    lease.expiryTimer.unref();
  }

  /**
   * Test hook: every current lock holder "dies" without unlocking, so each lock frees itself after its TTL,
   * as an etcd lease does when its process is killed.
   */
  crashLockHolders(): void {
    for (const id of this.leases.keys()) this.abandonLease(id);
  }

  private notify(key: string, change: MemoryChange): void {
    const set = this.listeners.get(key);
    if (!set) return;
    for (const listener of [...set]) listener(change);
  }
}
