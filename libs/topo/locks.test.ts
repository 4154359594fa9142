import { afterEach, describe, expect, it } from "vitest";
import { Keyspace } from "../proto/topodata.js";
import { TopoError, TopoErrorCode } from "./errors.js";
import { createKeyspace } from "./keyspace.js";
import { parseLockInfo } from "./lock-info.js";
import { lockKeyspace, lockShard } from "./locks.js";
import { createMemoryTopoServer, type TopoServer } from "./server.js";
import { createShard } from "./shard.js";

const servers: TopoServer[] = [];
async function memoryServer(): Promise<TopoServer> {
  const { server } = await createMemoryTopoServer(["zone1"], { lockTimeoutMs: 300 });
  servers.push(server);
  await createKeyspace(server, "commerce", Keyspace.create());
  await createShard(server, "commerce", "0");
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("keyspace and shard locks", () => {
  it("runs the function under the lock, writing who holds it, and releases it afterwards", async () => {
    const server = await memoryServer();
    const result = await lockKeyspace(server, "commerce", "RebuildKeyspaceGraph", async (lock) => {
      await lock.check();
      const files = await server.globalConn.listRecursive("keyspaces/commerce/locks");
      expect(files).toHaveLength(1);
      const info = parseLockInfo(new TextDecoder().decode(files[0]?.contents));
      expect(info).toMatchObject({ Action: "RebuildKeyspaceGraph", Pid: process.pid, Status: "Running" });
      return 42;
    });
    expect(result).toBe(42);
    expect(await server.globalConn.listRecursive("keyspaces/commerce/locks")).toEqual([]);
  });

  it("releases the lock when the function throws, and rethrows its error", async () => {
    const server = await memoryServer();
    const boom = new Error("boom");
    await expect(
      lockShard(server, "commerce", "0", "PlannedReparentShard", async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    await lockShard(server, "commerce", "0", "again", async () => {}, { timeoutMs: 100 });
  });

  it("makes a contending locker time out with a message naming the holder's action and the keyspace", async () => {
    const server = await memoryServer();
    let release: () => void = () => {};
    const held = lockKeyspace(
      server,
      "commerce",
      "MoveTables",
      () => new Promise<void>((r) => (release = r)),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const err = await lockKeyspace(server, "commerce", "Reshard", async () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TopoError);
    expect((err as TopoError).code).toBe(TopoErrorCode.Timeout);
    expect((err as TopoError).message).toContain("keyspaces/commerce");
    expect((err as TopoError).message).toContain('"MoveTables"');
    // A shard lock is a different lock: not blocked by the keyspace lock.
    await lockShard(server, "commerce", "0", "other", async () => {});
    release();
    await held;
    await lockKeyspace(server, "commerce", "Reshard", async () => {});
  });

  it("serializes functions that lock the same shard", async () => {
    const server = await memoryServer();
    const order: string[] = [];
    const run = (name: string) =>
      lockShard(
        server,
        "commerce",
        "0",
        name,
        async () => {
          order.push(`${name} start`);
          await new Promise((resolve) => setTimeout(resolve, 30));
          order.push(`${name} end`);
        },
        { timeoutMs: 5_000 },
      );
    await Promise.all([run("a"), run("b"), run("c")]);
    for (let i = 0; i < order.length; i += 2) {
      expect(order[i]?.replace(" start", "")).toBe(order[i + 1]?.replace(" end", ""));
    }
  });
});
