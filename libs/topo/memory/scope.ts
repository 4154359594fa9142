import { type Version, versionFromString } from "../conn.js";
import { TopoError, TopoErrorCode } from "../errors.js";
import { rootedKey } from "../path.js";
import type { MemoryTopoStore } from "./store.js";

/** What every memory operation needs: the shared store and the conn's root ("" for "/"). */
export interface MemoryScope {
  readonly store: MemoryTopoStore;
  readonly root: string;
  /** Throws Interrupted once the conn is closed, as a closed etcd client would fail. */
  assertOpen(): void;
}

/** The store key of a normalized relative path ("" is the root directory). */
export function keyOf(scope: MemoryScope, relativePath: string): string {
  return rootedKey(scope.root, relativePath);
}

export function memoryVersion(revision: number): Version {
  return versionFromString(String(revision));
}

/** Memory versions are revision numbers; anything else cannot match, so it is a BadVersion. */
export function revisionOf(version: Version, path: string): number {
  const revision = Number(version);
  if (!Number.isSafeInteger(revision) || revision <= 0) {
    throw new TopoError(TopoErrorCode.BadVersion, path, { detail: `not a memory topo version: ${version}` });
  }
  return revision;
}
