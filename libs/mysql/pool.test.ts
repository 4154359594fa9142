import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { Code, isVtError, type VtError } from "../vterrors/index.js";
import { ResourcePool } from "./pool.js";

interface Fake {
  id: number;
  alive: boolean;
  destroyed: boolean;
}

function fakePool(
  size: number,
  options: { acquireTimeoutMs?: number; idleTimeoutMs?: number; failCreate?: () => boolean } = {},
) {
  let next = 0;
  const created: Fake[] = [];
  const pool = new ResourcePool<Fake>({
    name: "test_pool",
    size,
    acquireTimeoutMs: options.acquireTimeoutMs ?? 1_000,
    idleTimeoutMs: options.idleTimeoutMs,
    create: async () => {
      if (options.failCreate?.()) throw new Error("cannot connect");
      const fake = { id: ++next, alive: true, destroyed: false };
      created.push(fake);
      return fake;
    },
    destroy: (fake) => {
      fake.destroyed = true;
    },
    isUsable: (fake) => fake.alive,
  });
  return { pool, created };
}

describe("ResourcePool", () => {
  it("opens lazily up to its size and reuses released resources", async () => {
    const { pool, created } = fakePool(2);
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect(pool.stats()).toMatchObject({ name: "test_pool", capacity: 2, inUse: 2, idle: 0 });
    pool.release(a);
    expect(pool.stats()).toMatchObject({ inUse: 1, idle: 1 });
    expect(await pool.acquire()).toBe(a);
    pool.release(a);
    pool.release(b);
    expect(created).toHaveLength(2);
  });

  it("hands a released resource to the first waiter", async () => {
    const { pool } = fakePool(1);
    const a = await pool.acquire();
    const waiting = pool.acquire();
    expect(pool.stats().waiting).toBe(1);
    pool.release(a);
    expect(await waiting).toBe(a);
  });

  it("fails a wait past the timeout with RESOURCE_EXHAUSTED naming the pool", async () => {
    const { pool } = fakePool(1, { acquireTimeoutMs: 30 });
    await pool.acquire();
    const err = (await pool.acquire().catch((e: unknown) => e)) as VtError;
    expect(isVtError(err, Code.RESOURCE_EXHAUSTED)).toBe(true);
    expect(err.message).toContain("test_pool");
    expect(err.message).toContain("timed out after 30 ms");
    expect(pool.stats().waiting).toBe(0);
  });

  it("stops waiting when the signal aborts", async () => {
    const { pool } = fakePool(1);
    await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal).catch((e: unknown) => e);
    controller.abort();
    expect(isVtError(await waiting, Code.CANCELED)).toBe(true);
  });

  it("frees the slot of a discarded resource for a new one", async () => {
    const { pool, created } = fakePool(1);
    const a = await pool.acquire();
    const waiting = pool.acquire();
    pool.discard(a);
    const b = await waiting;
    expect(a.destroyed).toBe(true);
    expect(b).not.toBe(a);
    expect(created).toHaveLength(2);
  });

  it("skips idle resources that died and resources released while broken", async () => {
    const { pool } = fakePool(2);
    const a = await pool.acquire();
    pool.release(a);
    a.alive = false;
    const b = await pool.acquire();
    expect(b).not.toBe(a);
    expect(a.destroyed).toBe(true);
    b.alive = false;
    pool.release(b);
    expect(b.destroyed).toBe(true);
    expect(pool.stats()).toMatchObject({ inUse: 0, idle: 0 });
  });

  it("passes on a creation failure and keeps the slot free", async () => {
    let fail = true;
    const { pool } = fakePool(1, { failCreate: () => fail });
    await expect(pool.acquire()).rejects.toThrow("cannot connect");
    fail = false;
    expect((await pool.acquire()).id).toBe(1);
  });

  it("closes idle resources after the idle timeout", async () => {
    const { pool } = fakePool(1, { idleTimeoutMs: 50 });
    const a = await pool.acquire();
    pool.release(a);
    await sleep(150);
    expect(a.destroyed).toBe(true);
    expect(pool.stats().idle).toBe(0);
    await pool.close();
  });

  it("on close fails waiters, closes idle resources now and lent ones on release", async () => {
    const { pool } = fakePool(2);
    const a = await pool.acquire();
    const b = await pool.acquire();
    pool.release(b);
    const waiting = pool.acquire().catch((e: unknown) => e);
    // The waiter got b; ask once more so one waits.
    const third = pool.acquire().catch((e: unknown) => e);
    await pool.close();
    expect(await waiting).toBe(b);
    expect(isVtError(await third, Code.UNAVAILABLE)).toBe(true);
    pool.release(a);
    expect(a.destroyed).toBe(true);
    await expect(pool.acquire()).rejects.toThrow("test_pool: pool is closed");
  });
});
