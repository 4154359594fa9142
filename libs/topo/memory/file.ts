import type { FileData, Version } from "../conn.js";
import { TopoError, TopoErrorCode } from "../errors.js";
import { normalizeFilePath } from "../path.js";
import { keyOf, type MemoryScope, memoryVersion, revisionOf } from "./scope.js";

export function getFile(scope: MemoryScope, path: string): FileData {
  scope.assertOpen();
  const relative = normalizeFilePath(path);
  const file = scope.store.read(keyOf(scope, relative));
  if (!file) throw new TopoError(TopoErrorCode.NoNode, relative);
  return { contents: Uint8Array.from(file.contents), version: memoryVersion(file.modRevision) };
}

export function createFile(scope: MemoryScope, path: string, contents: Uint8Array): Version {
  scope.assertOpen();
  const relative = normalizeFilePath(path);
  const key = keyOf(scope, relative);
  if (scope.store.read(key)) throw new TopoError(TopoErrorCode.NodeExists, relative);
  return memoryVersion(scope.store.write(key, contents).modRevision);
}

export function updateFile(
  scope: MemoryScope,
  path: string,
  contents: Uint8Array,
  version: Version | null,
): Version {
  scope.assertOpen();
  const relative = normalizeFilePath(path);
  const key = keyOf(scope, relative);
  if (version !== null) checkVersion(scope, key, relative, version);
  return memoryVersion(scope.store.write(key, contents).modRevision);
}

export function deleteFile(scope: MemoryScope, path: string, version: Version | null): void {
  scope.assertOpen();
  const relative = normalizeFilePath(path);
  const key = keyOf(scope, relative);
  if (version !== null) checkVersion(scope, key, relative, version);
  if (!scope.store.remove(key)) throw new TopoError(TopoErrorCode.NoNode, relative);
}

function checkVersion(scope: MemoryScope, key: string, relative: string, version: Version): void {
  const file = scope.store.read(key);
  if (!file) throw new TopoError(TopoErrorCode.NoNode, relative);
  if (file.modRevision !== revisionOf(version, relative)) {
    throw new TopoError(TopoErrorCode.BadVersion, relative, {
      detail: `expected version ${version}, found ${file.modRevision}`,
    });
  }
}
