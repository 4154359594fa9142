import type { Etcd3, Lease } from "etcd3";
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
import { createEtcdClient } from "./client.js";
import { listDir, listFilesRecursive } from "./directory.js";
import { createFile, deleteFile, getFile, updateFile } from "./file.js";
import { lockDir } from "./lock.js";
import type { EtcdScope } from "./scope.js";
import { watchFile } from "./watch.js";

/** The etcd v3 TopoConn (Vitess's etcd2topo): every path lives at key `<root>/<path>` of one etcd cluster. */
export class EtcdTopoConn implements TopoConn, EtcdScope {
  readonly root: string;
  private closed = false;
  private readonly watches = new Set<() => void>();
  private readonly leases = new Set<Lease>();

  constructor(
    readonly client: Etcd3,
    root: string,
    readonly serverAddress: string,
  ) {
    this.root = normalizeRoot(root);
  }

  /** Opens a client for `serverAddress`; the connection itself is made lazily by the first call. */
  static open(serverAddress: string, root: string): EtcdTopoConn {
    return new EtcdTopoConn(createEtcdClient(serverAddress), root, serverAddress);
  }

  assertOpen(): void {
    if (this.closed) {
      throw new TopoError(TopoErrorCode.Interrupted, `etcd topo ${this.serverAddress}${this.root} is closed`);
    }
  }

  get(path: string): Promise<FileData> {
    return getFile(this, path);
  }

  create(path: string, contents: Uint8Array): Promise<Version> {
    return createFile(this, path, contents);
  }

  update(path: string, contents: Uint8Array, version: Version | null): Promise<Version> {
    return updateFile(this, path, contents, version);
  }

  delete(path: string, version: Version | null): Promise<void> {
    return deleteFile(this, path, version);
  }

  list(dirPath: string): Promise<string[]> {
    return listDir(this, dirPath);
  }

  listRecursive(dirPath: string): Promise<FileEntry[]> {
    return listFilesRecursive(this, dirPath);
  }

  async watch(path: string): Promise<WatchHandle> {
    const handle = await watchFile(this, path, (cancel) => this.watches.delete(cancel));
    if (this.closed) {
      // Closed while the watch was being set up: close() could not cancel it, so do it here.
      handle.cancel();
      this.assertOpen();
    }
    this.watches.add(handle.cancel);
    return handle;
  }

  lock(dirPath: string, contents: string, options: LockOptions = {}): Promise<LockDescriptor> {
    return lockDir(this, dirPath, contents, options, (lease) => {
      this.leases.add(lease);
      return () => this.leases.delete(lease);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const cancel of [...this.watches]) cancel();
    // Stop renewing without revoking, as a process that exits would: the locks expire after their TTL.
    for (const lease of this.leases) lease.release();
    this.leases.clear();
    this.client.close();
  }
}
