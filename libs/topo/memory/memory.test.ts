import { describe, expect, it } from "vitest";
import { describeTopoConformance } from "../conformance.js";
import { TopoErrorCode } from "../errors.js";
import { lockInfoToJSON, newLockInfo } from "../lock-info.js";
import { MemoryTopoStore } from "./store.js";

let counter = 0;
describeTopoConformance("memory", async () => new MemoryTopoStore().conn(`/conformance/${++counter}`));

describe("memory topo", () => {
  it("shares one store between roots without mixing them", async () => {
    const store = new MemoryTopoStore();
    const global = store.conn("/vitess/global");
    const cell = store.conn("/vitess/zone1");
    await global.create("x", new Uint8Array([1]));
    await expect(cell.get("x")).rejects.toMatchObject({ code: TopoErrorCode.NoNode });
    await cell.create("x", new Uint8Array([2]));
    expect((await global.get("x")).contents).toEqual(new Uint8Array([1]));
  });

  it("frees the lock of a crashed holder after its TTL, not before", async () => {
    const store = new MemoryTopoStore();
    const conn = store.conn("/vitess/global");
    await conn.create("keyspaces/ks/Keyspace", new Uint8Array());
    await conn.lock("keyspaces/ks", lockInfoToJSON(newLockInfo("crashing")), { ttlMs: 300 });
    store.crashLockHolders();
    const started = Date.now();
    const lock = await conn.lock("keyspaces/ks", "second", { timeoutMs: 5_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await lock.unlock();
  });

  it("lets the locks of a closed conn expire after their TTL", async () => {
    const store = new MemoryTopoStore();
    const first = store.conn("/r");
    const second = store.conn("/r");
    await first.create("d/f", new Uint8Array());
    await first.lock("d", "first", { ttlMs: 200 });
    await first.close();
    await expect(first.get("d/f")).rejects.toMatchObject({ code: TopoErrorCode.Interrupted });
    const lock = await second.lock("d", "second", { timeoutMs: 5_000 });
    await lock.unlock();
  });
});
