import { afterEach, describe, expect, it } from "vitest";
import type { TopoConn, WatchEvent } from "./conn.js";
import { isTopoError, TopoError, TopoErrorCode } from "./errors.js";
import { lockInfoToJSON, newLockInfo } from "./lock-info.js";

/** Returns a fresh, empty conn (its own root) for each test; the suite closes it. */
export type ConformanceFactory = () => Promise<TopoConn>;

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

async function expectTopoError(
  promise: Promise<unknown>,
  code: TopoErrorCode,
  mentions: string,
): Promise<TopoError> {
  const err = await promise.then(
    () => expect.fail(`expected TopoError ${code} mentioning ${mentions}, but it succeeded`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TopoError);
  expect((err as TopoError).code).toBe(code);
  expect((err as TopoError).message).toContain(mentions);
  return err as TopoError;
}

/** Waits for the next watch event, failing (instead of hanging) when none comes within `timeoutMs`. */
async function nextEvent(
  iterator: AsyncIterator<WatchEvent>,
  timeoutMs = 5_000,
): Promise<WatchEvent | "end"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no watch event within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const result = await Promise.race([iterator.next(), timeout]);
    return result.done ? "end" : result.value;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The behaviour every TopoConn backend must share (Vitess's go/vt/topo/test suite). Run it once per backend:
 * memory in unit tests, etcd2 against a real etcd in integration tests.
 */
export function describeTopoConformance(name: string, factory: ConformanceFactory): void {
  describe(`TopoConn conformance: ${name}`, () => {
    const opened: TopoConn[] = [];
    const open = async (): Promise<TopoConn> => {
      const conn = await factory();
      opened.push(conn);
      return conn;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((conn) => conn.close()));
    });

    describe("files", () => {
      it("creates, reads, updates and deletes a file", async () => {
        const conn = await open();
        const v1 = await conn.create("keyspaces/ks/Keyspace", bytes("one"));
        const read = await conn.get("keyspaces/ks/Keyspace");
        expect(text(read.contents)).toBe("one");
        expect(read.contents).toBeInstanceOf(Uint8Array);
        expect(read.version).toBe(v1);

        const v2 = await conn.update("keyspaces/ks/Keyspace", bytes("two"), v1);
        expect(v2).not.toBe(v1);
        expect(text((await conn.get("/keyspaces/ks/Keyspace")).contents)).toBe("two");

        await conn.delete("keyspaces/ks/Keyspace", v2);
        await expectTopoError(
          conn.get("keyspaces/ks/Keyspace"),
          TopoErrorCode.NoNode,
          "keyspaces/ks/Keyspace",
        );
      });

      it("refuses to create an existing file", async () => {
        const conn = await open();
        await conn.create("a/file", bytes("x"));
        await expectTopoError(conn.create("a/file", bytes("y")), TopoErrorCode.NodeExists, "a/file");
        expect(text((await conn.get("a/file")).contents)).toBe("x");
      });

      it("reports NoNode for a missing file", async () => {
        const conn = await open();
        await expectTopoError(conn.get("missing/file"), TopoErrorCode.NoNode, "missing/file");
        await expectTopoError(conn.delete("missing/file", null), TopoErrorCode.NoNode, "missing/file");
      });

      it("compares versions on update (BadVersion, NoNode) and updates unconditionally with null", async () => {
        const conn = await open();
        const v1 = await conn.create("f", bytes("1"));
        const v2 = await conn.update("f", bytes("2"), v1);
        const err = await expectTopoError(
          conn.update("f", bytes("stale"), v1),
          TopoErrorCode.BadVersion,
          "f",
        );
        expect(isTopoError(err, TopoErrorCode.BadVersion)).toBe(true);
        expect(text((await conn.get("f")).contents)).toBe("2");

        const v3 = await conn.update("f", bytes("3"), null);
        expect(v3).not.toBe(v2);
        await expectTopoError(conn.update("g", bytes("x"), v3), TopoErrorCode.NoNode, "g");
        await expectTopoError(conn.get("g"), TopoErrorCode.NoNode, "g");

        const created = await conn.update("g", bytes("new"), null);
        expect((await conn.get("g")).version).toBe(created);
      });

      it("compares versions on delete", async () => {
        const conn = await open();
        const v1 = await conn.create("f", bytes("1"));
        await conn.update("f", bytes("2"), v1);
        await expectTopoError(conn.delete("f", v1), TopoErrorCode.BadVersion, "f");
        expect(text((await conn.get("f")).contents)).toBe("2");
        await conn.delete("f", null);
        await expectTopoError(conn.delete("f", v1), TopoErrorCode.NoNode, "f");
      });

      it("stores binary contents exactly, including empty ones", async () => {
        const conn = await open();
        const data = Uint8Array.from([0, 255, 10, 13, 0, 128]);
        await conn.create("bin", data);
        expect((await conn.get("bin")).contents).toEqual(data);
        await conn.create("empty", new Uint8Array());
        expect((await conn.get("empty")).contents).toEqual(new Uint8Array());
      });

      it("refuses invalid paths with InvalidPath, writing nothing", async () => {
        const conn = await open();
        for (const bad of ["", "/", "a//b", "a/", "../escape", "a/../b", "./a", "a/./b"]) {
          await expectTopoError(conn.create(bad, bytes("x")), TopoErrorCode.InvalidPath, JSON.stringify(bad));
          await expectTopoError(
            conn.update(bad, bytes("x"), null),
            TopoErrorCode.InvalidPath,
            JSON.stringify(bad),
          );
        }
        await expectTopoError(conn.get("a//b"), TopoErrorCode.InvalidPath, "a//b");
        await expectTopoError(conn.list("a//b"), TopoErrorCode.InvalidPath, "a//b");
        await expectTopoError(conn.list("/"), TopoErrorCode.NoNode, "/");
      });
    });

    describe("directories", () => {
      it("lists immediate children, sorted, files and directories alike", async () => {
        const conn = await open();
        await conn.create("keyspaces/b/Keyspace", bytes("b"));
        await conn.create("keyspaces/a/Keyspace", bytes("a"));
        await conn.create("keyspaces/a/shards/0/Shard", bytes("s"));
        await conn.create("keyspacesX/other", bytes("o"));
        expect(await conn.list("keyspaces")).toEqual(["a", "b"]);
        expect(await conn.list("/keyspaces/a")).toEqual(["Keyspace", "shards"]);
        expect(await conn.list("")).toEqual(["keyspaces", "keyspacesX"]);
        await expectTopoError(conn.list("keyspaces/c"), TopoErrorCode.NoNode, "keyspaces/c");
      });

      it("drops a directory with its last file", async () => {
        const conn = await open();
        await conn.create("keyspaces/a/Keyspace", bytes("a"));
        await conn.create("keyspaces/b/Keyspace", bytes("b"));
        await conn.delete("keyspaces/a/Keyspace", null);
        expect(await conn.list("keyspaces")).toEqual(["b"]);
        await expectTopoError(conn.list("keyspaces/a"), TopoErrorCode.NoNode, "keyspaces/a");
      });

      it("lists files recursively with contents and versions", async () => {
        const conn = await open();
        const v1 = await conn.create("tablets/zone1-0000000101/Tablet", bytes("t101"));
        await conn.create("tablets/zone1-0000000100/Tablet", bytes("t100"));
        await conn.create("tabletsX/nope", bytes("no"));
        const entries = await conn.listRecursive("tablets");
        expect(entries.map((e) => [e.path, text(e.contents)])).toEqual([
          ["tablets/zone1-0000000100/Tablet", "t100"],
          ["tablets/zone1-0000000101/Tablet", "t101"],
        ]);
        expect(entries[1]?.version).toBe(v1);
        expect(await conn.listRecursive("nothing/here")).toEqual([]);
      });
    });

    describe("watches", () => {
      it("delivers the current value, every change in order, then the deletion", async () => {
        const conn = await open();
        const v1 = await conn.create("SrvVSchema", bytes("v1"));
        const watch = await conn.watch("SrvVSchema");
        expect(text(watch.current.contents)).toBe("v1");
        expect(watch.current.version).toBe(v1);
        // Written before anyone reads the iterator: a watch must not lose changes made right after it started.
        const v2 = await conn.update("SrvVSchema", bytes("v2"), null);
        const v3 = await conn.update("SrvVSchema", bytes("v3"), null);
        await conn.delete("SrvVSchema", null);
        const iterator = watch.changes[Symbol.asyncIterator]();
        expect(await nextEvent(iterator)).toEqual({ kind: "changed", contents: bytes("v2"), version: v2 });
        expect(await nextEvent(iterator)).toEqual({ kind: "changed", contents: bytes("v3"), version: v3 });
        expect(await nextEvent(iterator)).toEqual({ kind: "deleted" });
        expect(await nextEvent(iterator)).toBe("end");
      });

      it("refuses to watch a missing file", async () => {
        const conn = await open();
        await expectTopoError(conn.watch("nope"), TopoErrorCode.NoNode, "nope");
      });

      it("ends the iteration on cancel, and ignores other files", async () => {
        const conn = await open();
        await conn.create("w/a", bytes("a"));
        await conn.create("w/b", bytes("b"));
        const watch = await conn.watch("w/a");
        await conn.update("w/b", bytes("b2"), null);
        await conn.update("w/a", bytes("a2"), null);
        const iterator = watch.changes[Symbol.asyncIterator]();
        const event = await nextEvent(iterator);
        expect(event !== "end" && event.kind === "changed" && text(event.contents)).toBe("a2");
        watch.cancel();
        watch.cancel();
        expect(await nextEvent(iterator)).toBe("end");
      });

      it("ends watches when the conn is closed", async () => {
        const conn = await open();
        await conn.create("w", bytes("a"));
        const watch = await conn.watch("w");
        await conn.close();
        expect(await nextEvent(watch.changes[Symbol.asyncIterator]())).toBe("end");
      });
    });

    describe("locks", () => {
      const holder = lockInfoToJSON(newLockInfo("Reshard"));

      it("excludes a second locker until unlock, naming the holder and its action", async () => {
        const conn = await open();
        await conn.create("keyspaces/ks/Keyspace", bytes("k"));
        const lock = await conn.lock("keyspaces/ks", holder);
        await lock.check();
        const err = await expectTopoError(
          conn.lock("keyspaces/ks", lockInfoToJSON(newLockInfo("other")), { wait: false }),
          TopoErrorCode.NodeExists,
          "keyspaces/ks",
        );
        expect(err.message).toContain('"Reshard"');
        expect(err.message).toContain(`pid ${process.pid}`);
        await lock.unlock();
        await lock.unlock();
        await expectTopoError(lock.check(), TopoErrorCode.Interrupted, "keyspaces/ks");
        const again = await conn.lock("keyspaces/ks", holder, { wait: false });
        await again.unlock();
      });

      it("keeps a waiting locker waiting until the holder unlocks", async () => {
        const conn = await open();
        await conn.create("keyspaces/ks/shards/0/Shard", bytes("s"));
        const first = await conn.lock("keyspaces/ks/shards/0", holder);
        let secondHeld = false;
        const second = conn.lock("keyspaces/ks/shards/0", holder, { timeoutMs: 10_000 }).then((lock) => {
          secondHeld = true;
          return lock;
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(secondHeld).toBe(false);
        await first.unlock();
        const lock = await second;
        expect(secondHeld).toBe(true);
        await lock.unlock();
      });

      it("times out a waiting locker with Timeout naming the holder", async () => {
        const conn = await open();
        await conn.create("keyspaces/ks/Keyspace", bytes("k"));
        const first = await conn.lock("keyspaces/ks", holder);
        const started = Date.now();
        const err = await expectTopoError(
          conn.lock("keyspaces/ks", holder, { timeoutMs: 400 }),
          TopoErrorCode.Timeout,
          "keyspaces/ks",
        );
        expect(Date.now() - started).toBeGreaterThanOrEqual(350);
        expect(err.message).toContain('"Reshard"');
        // The timed-out locker left nothing behind: once the holder unlocks, the lock is free at once.
        await first.unlock();
        await (await conn.lock("keyspaces/ks", holder, { wait: false })).unlock();
      });

      it("interrupts a waiting locker when its signal aborts", async () => {
        const conn = await open();
        await conn.create("keyspaces/ks/Keyspace", bytes("k"));
        const first = await conn.lock("keyspaces/ks", holder);
        const abort = new AbortController();
        setTimeout(() => abort.abort(), 200);
        await expectTopoError(
          conn.lock("keyspaces/ks", holder, { signal: abort.signal, timeoutMs: 10_000 }),
          TopoErrorCode.Interrupted,
          "keyspaces/ks",
        );
        await first.unlock();
      });

      it("refuses to lock a directory that does not exist", async () => {
        const conn = await open();
        await expectTopoError(conn.lock("keyspaces/none", holder), TopoErrorCode.NoNode, "keyspaces/none");
      });

      it("locks different directories independently", async () => {
        const conn = await open();
        await conn.create("keyspaces/a/Keyspace", bytes("a"));
        await conn.create("keyspaces/a/shards/0/Shard", bytes("s"));
        const keyspaceLock = await conn.lock("keyspaces/a", holder);
        const shardLock = await conn.lock("keyspaces/a/shards/0", holder, { wait: false });
        await shardLock.unlock();
        await keyspaceLock.unlock();
      });
    });
  });
}
