import type { TopoError } from "./errors.js";

declare const versionBrand: unique symbol;

/**
 * The version of a stored file. Opaque: only the backend that produced it knows what it means (etcd: the key's
 * mod revision; memory: a store-wide counter). Compare versions with `===`; pass them back to `update`/`delete`.
 */
export type Version = string & { readonly [versionBrand]: true };

/** For backends (and for callers that got a version back as text over RPC). */
export function versionFromString(text: string): Version {
  return text as Version;
}

export interface FileData {
  contents: Uint8Array;
  version: Version;
}

/** One file found by `listRecursive`; `path` is relative to the connection root, like every other path. */
export interface FileEntry extends FileData {
  path: string;
}

/**
 * What a watch reports after its initial value. "deleted" and "error" are final: the iteration ends after them,
 * as it does (without an event) after `cancel()` or `close()`.
 */
export type WatchEvent =
  | { readonly kind: "changed"; readonly contents: Uint8Array; readonly version: Version }
  | { readonly kind: "deleted" }
  | { readonly kind: "error"; readonly error: TopoError };

export interface WatchHandle {
  /** The file as it was when the watch started; `changes` begins right after it, so nothing is missed. */
  current: FileData;
  /** Every later change, in order. Has a single consumer: iterate it once. */
  changes: AsyncIterable<WatchEvent>;
  /** Stops the watch; `changes` then ends. Safe to call more than once. */
  cancel(): void;
}

export interface LockOptions {
  /**
   * How long the lock survives its holder: a holder that dies (or loses the server) stops renewing it and the
   * lock frees itself after this long. Backends may round up (etcd leases are whole seconds, minimum ~2 s).
   */
  ttlMs?: number;
  /** How long to wait for a contended lock before failing with Timeout. */
  timeoutMs?: number;
  /** Aborting while waiting fails the lock with Interrupted. */
  signal?: AbortSignal;
  /** false: fail at once with NodeExists when someone else holds the lock (Vitess's TryLock). Default true. */
  wait?: boolean;
}

export interface LockDescriptor {
  /** Throws TopoError Interrupted when the lock was lost (lease expired, server gone). */
  check(): Promise<void>;
  /** Releases the lock. Idempotent. */
  unlock(): Promise<void>;
}

/** Vitess's default: a lock outlives a dead holder by 30 s (`--topo_etcd_lease_ttl`). */
export const DEFAULT_LOCK_TTL_MS = 30_000;
/** Vitess's default `--lock-timeout`. */
export const DEFAULT_LOCK_TIMEOUT_MS = 45_000;

/**
 * A connection to one topology store (the global one or a cell's), scoped under a root such as
 * "/vitess/global". Mirrors Vitess's topo.Conn. All paths are relative to the root, '/'-separated; a path
 * with empty, "." or ".." segments fails with InvalidPath before anything is read or written.
 *
 * Errors are TopoError (see each method) except programming errors. Any method may also fail with
 * Unavailable or Timeout when the server cannot be reached.
 */
export interface TopoConn {
  /** The file's contents and version. NoNode when it does not exist. */
  get(path: string): Promise<FileData>;

  /** Creates the file and returns its first version. NodeExists when it already exists. */
  create(path: string, contents: Uint8Array): Promise<Version>;

  /**
   * Replaces the file's contents and returns the new version.
   * `version` null: unconditional, creating the file if missing.
   * Otherwise a compare-and-set: BadVersion when the file's version differs, NoNode when it is missing.
   */
  update(path: string, contents: Uint8Array, version: Version | null): Promise<Version>;

  /**
   * Deletes the file (`version` null: whatever its version). NoNode when it does not exist, BadVersion on a
   * version mismatch. Directories vanish with their last file.
   */
  delete(path: string, version: Version | null): Promise<void>;

  /**
   * Names of the immediate children (files and directories) of `dirPath`, sorted. "" or "/" is the root.
   * NoNode when nothing exists under `dirPath`.
   */
  list(dirPath: string): Promise<string[]>;

  /** Every file below `dirPath` at any depth, with contents, sorted by path. [] when there are none. */
  listRecursive(dirPath: string): Promise<FileEntry[]>;

  /**
   * Watches one file: its current value, then every change after it. NoNode when the file does not exist.
   * A backend that reconnects (etcd) resumes from the last change it delivered, so a server restart neither
   * loses nor repeats changes; an unrecoverable gap (history compacted) ends the watch with an "error" event.
   */
  watch(path: string): Promise<WatchHandle>;

  /**
   * Takes the advisory lock of a directory (a keyspace, a shard). `contents` describes the holder (Vitess puts
   * JSON with action, host, user, pid, time) and appears in the errors other lockers get.
   * NoNode when the directory does not exist; NodeExists when held and `wait` is false; Timeout when still
   * held after `timeoutMs`; Interrupted when `signal` aborts. Locks only exclude other lockers: they do not
   * stop anyone from writing files.
   */
  lock(dirPath: string, contents: string, options?: LockOptions): Promise<LockDescriptor>;

  /** Ends watches and releases the connection. Locks held through it are released or left to expire. */
  close(): Promise<void>;
}
