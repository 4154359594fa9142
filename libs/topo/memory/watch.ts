import type { WatchEvent, WatchHandle } from "../conn.js";
import { TopoError, TopoErrorCode } from "../errors.js";
import { EventQueue } from "../event-queue.js";
import { normalizeFilePath } from "../path.js";
import { keyOf, type MemoryScope, memoryVersion } from "./scope.js";

/**
 * Watches one file. The store notifies synchronously inside each write, so subscribing in the same tick as
 * reading the current value cannot miss a change. `onStop` lets the conn forget the watch.
 */
export function watchFile(
  scope: MemoryScope,
  path: string,
  onStop: (cancel: () => void) => void,
): WatchHandle {
  scope.assertOpen();
  const relative = normalizeFilePath(path);
  const key = keyOf(scope, relative);
  const file = scope.store.read(key);
  if (!file) throw new TopoError(TopoErrorCode.NoNode, relative);

  const cancel = (): void => {
    unsubscribe();
    queue.end();
    onStop(cancel);
  };
  const queue = new EventQueue<WatchEvent>(cancel);
  const unsubscribe = scope.store.subscribe(key, (change) => {
    if (change.kind === "put") {
      queue.push({
        kind: "changed",
        contents: Uint8Array.from(change.file.contents),
        version: memoryVersion(change.file.modRevision),
      });
    } else {
      queue.push({ kind: "deleted" });
      cancel();
    }
  });
  return {
    current: { contents: Uint8Array.from(file.contents), version: memoryVersion(file.modRevision) },
    changes: queue,
    cancel,
  };
}
