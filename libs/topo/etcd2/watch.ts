import type { IWatchResponse, Watcher } from "etcd3";
import type { WatchEvent, WatchHandle } from "../conn.js";
import { TopoError, TopoErrorCode } from "../errors.js";
import { EventQueue } from "../event-queue.js";
import { normalizeFilePath } from "../path.js";
import { convertError } from "./errors.js";
import { bytesOf, type EtcdScope, etcdVersion, keyOf } from "./scope.js";

/**
 * Watches one file from the revision right after the initial read, like etcd2topo's Watch.
 *
 * Surviving reconnects: the etcd3 client re-attaches a watcher after its stream breaks, starting from a revision
 * it derives from response headers; that can skip events (the created-response header may be ahead of events
 * still being replayed) or repeat them. We own the resume point instead: `lastRevision` is the mod revision of
 * the last event delivered (or the header of an event-less progress notification, which etcd only sends once
 * a watcher is caught up), and on every disconnect we set the watcher's start revision to lastRevision+1
 * before the client re-attaches it. Events at or below lastRevision are dropped, so none repeat.
 */
export async function watchFile(
  scope: EtcdScope,
  path: string,
  onStop: (cancel: () => void) => void,
): Promise<WatchHandle> {
  scope.assertOpen();
  const relative = normalizeFilePath(path);
  const key = keyOf(scope, relative);
  const initial = await scope.client
    .get(key)
    .exec()
    .catch((err: unknown) => {
      throw convertError(err, relative);
    });
  const kv = initial.kvs[0];
  if (!kv) throw new TopoError(TopoErrorCode.NoNode, relative);
  let lastRevision = BigInt(initial.header.revision);

  let watcher: Watcher;
  try {
    watcher = await scope.client
      .watch()
      .key(key)
      .startRevision((lastRevision + 1n).toString())
      .create();
  } catch (err) {
    throw convertError(err, relative);
  }

  let stopped = false;
  const cancel = (): void => {
    if (stopped) return;
    stopped = true;
    queue.end();
    onStop(cancel);
    // Best effort: the stream may already be gone, and nobody waits for the cancellation to be acknowledged.
    watcher.cancel().catch(() => {});
  };
  const queue = new EventQueue<WatchEvent>(cancel);

  const onData = (response: IWatchResponse): void => {
    if (stopped) return;
    if (response.events.length === 0) {
      const header = BigInt(response.header.revision);
      if (header > lastRevision) lastRevision = header;
      return;
    }
    for (const event of response.events) {
      const revision = BigInt(event.kv.mod_revision);
      if (revision <= lastRevision) continue;
      lastRevision = revision;
      if (event.type === "Put") {
        queue.push({
          kind: "changed",
          contents: bytesOf(event.kv.value),
          version: etcdVersion(event.kv.mod_revision),
        });
      } else {
        queue.push({ kind: "deleted" });
        cancel();
        return;
      }
    }
  };
  watcher.on("data", onData);
  watcher.on("disconnected", () => {
    // The client re-attaches this same request object after its backoff; make it resume where we are.
    watcher.request.start_revision = (lastRevision + 1n).toString();
  });
  watcher.on("error", (err) => {
    if (stopped) return;
    queue.push({ kind: "error", error: watchError(err, relative) });
    cancel();
  });

  return {
    current: { contents: bytesOf(kv.value), version: etcdVersion(kv.mod_revision) },
    changes: queue,
    cancel,
  };
}

function watchError(err: unknown, relative: string): TopoError {
  const converted = convertError(err, relative);
  if (converted instanceof TopoError) return converted;
  // E.g. "required revision has been compacted": the watcher cannot resume; the caller must watch again.
  return new TopoError(TopoErrorCode.Interrupted, relative, { detail: converted.message, cause: err });
}
