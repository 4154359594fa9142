import type { FileEntry } from "../conn.js";
import { TopoError, TopoErrorCode } from "../errors.js";
import { normalizeDirPath } from "../path.js";
import { keyOf, type MemoryScope, memoryVersion } from "./scope.js";

export function listDir(scope: MemoryScope, dirPath: string): string[] {
  scope.assertOpen();
  const relative = normalizeDirPath(dirPath);
  const prefix = dirPrefix(scope, relative);
  const names = new Set<string>();
  for (const key of scope.store.keysWithPrefix(prefix)) {
    names.add(key.slice(prefix.length).split("/")[0] as string);
  }
  if (names.size === 0) throw new TopoError(TopoErrorCode.NoNode, relative === "" ? "/" : relative);
  return [...names].sort();
}

export function listFilesRecursive(scope: MemoryScope, dirPath: string): FileEntry[] {
  scope.assertOpen();
  const relative = normalizeDirPath(dirPath);
  const prefix = dirPrefix(scope, relative);
  const rootPrefix = keyOf(scope, "");
  const entries: FileEntry[] = [];
  for (const key of scope.store.keysWithPrefix(prefix)) {
    const file = scope.store.read(key);
    if (!file) continue;
    entries.push({
      path: key.slice(rootPrefix.length),
      contents: Uint8Array.from(file.contents),
      version: memoryVersion(file.modRevision),
    });
  }
  return entries;
}

/** "dir/" so that listing "a" never matches the sibling "ab". */
function dirPrefix(scope: MemoryScope, relative: string): string {
  return relative === "" ? keyOf(scope, "") : `${keyOf(scope, relative)}/`;
}
