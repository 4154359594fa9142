import type {
  FileData,
  FileEntry,
  LockDescriptor,
  LockOptions,
  TopoConn,
  Version,
  WatchHandle,
} from "../conn.js";
import { TopoError, TopoErrorCode } from "../errors.js";
import { normalizeRoot } from "../path.js";
import { listDir, listFilesRecursive } from "./directory.js";
import { createFile, deleteFile, getFile, updateFile } from "./file.js";
import { lockDir } from "./lock.js";
import type { MemoryScope } from "./scope.js";
import type { MemoryTopoStore } from "./store.js";
import { watchFile } from "./watch.js";

/**
 * The in-memory TopoConn for unit tests: a real backend with the same semantics as etcd2 (versions, CAS,
 * watches, locks with TTL), scoped under `root` of a shared MemoryTopoStore. Create it with `store.conn(root)`.
 */
export class MemoryTopoConn implements TopoConn, MemoryScope {
  readonly root: string;
  private closed = false;
  private readonly watches = new Set<() => void>();
  private readonly leases = new Set<number>();

  constructor(
    readonly store: MemoryTopoStore,
    root: string,
  ) {
    this.root = normalizeRoot(root);
  }

  assertOpen(): void {
    if (this.closed)
      throw new TopoError(TopoErrorCode.Interrupted, `memory topo ${this.root || "/"} is closed`);
  }

  async get(path: string): Promise<FileData> {
    return getFile(this, path);
  }

  async create(path: string, contents: Uint8Array): Promise<Version> {
    return createFile(this, path, contents);
  }

  async update(path: string, contents: Uint8Array, version: Version | null): Promise<Version> {
    return updateFile(this, path, contents, version);
  }

  async delete(path: string, version: Version | null): Promise<void> {
    deleteFile(this, path, version);
  }

  async list(dirPath: string): Promise<string[]> {
    return listDir(this, dirPath);
  }

  async listRecursive(dirPath: string): Promise<FileEntry[]> {
    return listFilesRecursive(this, dirPath);
  }

  async watch(path: string): Promise<WatchHandle> {
    const handle = watchFile(this, path, (cancel) => this.watches.delete(cancel));
    this.watches.add(handle.cancel);
    return handle;
  }

  lock(dirPath: string, contents: string, options: LockOptions = {}): Promise<LockDescriptor> {
    return lockDir(this, dirPath, contents, options, (leaseId) => {
      this.leases.add(leaseId);
      return () => this.leases.delete(leaseId);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const cancel of [...this.watches]) cancel();
    // Like an etcd client that goes away: nobody renews these leases any more, so they expire after the TTL.
    for (const leaseId of this.leases) this.store.abandonLease(leaseId);
    this.leases.clear();
  }
}
