import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CellInfo, Keyspace, Tablet, TabletType } from "../../libs/proto/topodata.js";
import { createCellInfo } from "../../libs/topo/cell-info.js";
import { describeTopoConformance } from "../../libs/topo/conformance.js";
import type { WatchEvent } from "../../libs/topo/conn.js";
import { TopoError, TopoErrorCode } from "../../libs/topo/errors.js";
import { EtcdTopoConn } from "../../libs/topo/etcd2/server.js";
import { createKeyspace } from "../../libs/topo/keyspace.js";
import { lockInfoToJSON, newLockInfo } from "../../libs/topo/lock-info.js";
import { lockShard } from "../../libs/topo/locks.js";
import { openTopoServer } from "../../libs/topo/server.js";
import { createShard } from "../../libs/topo/shard.js";
import { createTablet, getTabletsByCell } from "../../libs/topo/tablet.js";
import { type EtcdHandle, startEtcd } from "../harness/etcd.js";
import { type ManagedProcess, startProcess } from "../harness/processes.js";
import { TcpProxy } from "../harness/tcp-proxy.js";
import { makeTestDir } from "../harness/test-dir.js";
import { waitFor } from "../harness/wait.js";

const repoRoot = join(import.meta.dirname, "..", "..");
const fixture = join(import.meta.dirname, "fixtures", "hold-topo-lock.mjs");
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

let dir: string;
let etcd: EtcdHandle;
let rootCounter = 0;
const freshRoot = (purpose: string): string => `/topo-etcd-test/${purpose}-${++rootCounter}`;

beforeAll(async () => {
  dir = makeTestDir("topo-etcd");
  etcd = await startEtcd(dir);
});

afterAll(async () => {
  await etcd?.stop();
});

describeTopoConformance("etcd2", async () => EtcdTopoConn.open(etcd.clientAddress, freshRoot("conformance")));

async function nextEvent(
  iterator: AsyncIterator<WatchEvent>,
  timeoutMs: number,
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

describe("etcd2 topo against a real etcd", () => {
  it("stores files under the root prefix in etcd", async () => {
    const conn = EtcdTopoConn.open(etcd.clientAddress, "/vitess/global");
    try {
      await conn.update("keyspaces/commerce/Keyspace", bytes("k"), null);
      const raw = await conn.client.get("/vitess/global/keyspaces/commerce/Keyspace").string();
      expect(raw).toBe("k");
      await conn.delete("keyspaces/commerce/Keyspace", null);
    } finally {
      await conn.close();
    }
  });

  it("replays the changes made while a watch was cut off from etcd, once it reconnects", async () => {
    const root = freshRoot("partition");
    const proxy = await TcpProxy.start(Number(etcd.clientAddress.split(":")[1]));
    const watching = EtcdTopoConn.open(proxy.address, root);
    const writer = EtcdTopoConn.open(etcd.clientAddress, root);
    try {
      await writer.create("SrvVSchema", bytes("v1"));
      const watch = await watching.watch("SrvVSchema");
      const iterator = watch.changes[Symbol.asyncIterator]();
      await writer.update("SrvVSchema", bytes("v2"), null);
      const before = await nextEvent(iterator, 5_000);
      expect(before !== "end" && before.kind === "changed" && text(before.contents)).toBe("v2");

      await proxy.cut();
      // These happen while the watcher cannot see etcd at all: only a resume from the right revision shows them.
      await writer.update("SrvVSchema", bytes("v3"), null);
      await writer.update("other", bytes("noise"), null);
      const v4 = await writer.update("SrvVSchema", bytes("v4"), null);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await proxy.heal();

      const v3Event = await nextEvent(iterator, 30_000);
      expect(v3Event !== "end" && v3Event.kind === "changed" && text(v3Event.contents)).toBe("v3");
      expect(await nextEvent(iterator, 5_000)).toEqual({
        kind: "changed",
        contents: bytes("v4"),
        version: v4,
      });
      await writer.update("SrvVSchema", bytes("v5"), null);
      const after = await nextEvent(iterator, 10_000);
      expect(after !== "end" && after.kind === "changed" && text(after.contents)).toBe("v5");
    } finally {
      await watching.close();
      await writer.close();
      await proxy.close();
    }
  });

  it("keeps a watch delivering after etcd restarts, without losing or repeating changes", async () => {
    const root = freshRoot("restart");
    const watching = EtcdTopoConn.open(etcd.clientAddress, root);
    const writer = EtcdTopoConn.open(etcd.clientAddress, root);
    try {
      await writer.create("SrvVSchema", bytes("v1"));
      const watch = await watching.watch("SrvVSchema");
      const iterator = watch.changes[Symbol.asyncIterator]();
      await writer.update("SrvVSchema", bytes("v2"), null);
      const before = await nextEvent(iterator, 5_000);
      expect(before !== "end" && before.kind === "changed" && text(before.contents)).toBe("v2");

      await etcd.restart();
      // Written by another client as soon as etcd is back, before the watcher's stream has reconnected.
      await waitFor("a write after the etcd restart", () => writer.update("SrvVSchema", bytes("v3"), null), {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      await writer.update("SrvVSchema", bytes("v4"), null);
      const seen: string[] = [];
      for (const _ of [3, 4]) {
        const event = await nextEvent(iterator, 30_000);
        if (event === "end" || event.kind !== "changed")
          throw new Error(`unexpected ${JSON.stringify(event)}`);
        seen.push(text(event.contents));
      }
      expect(seen).toEqual(["v3", "v4"]);
      await writer.delete("SrvVSchema", null);
      expect(await nextEvent(iterator, 10_000)).toEqual({ kind: "deleted" });
    } finally {
      await watching.close();
      await writer.close();
    }
  });

  it("serves typed records from the global and cell topologies of one etcd", async () => {
    const globalRoot = freshRoot("global");
    const cellRoot = freshRoot("zone1");
    const server = await openTopoServer({
      implementation: "etcd2",
      globalServerAddress: etcd.clientAddress,
      globalRoot,
    });
    try {
      await createCellInfo(
        server,
        "zone1",
        CellInfo.create({ serverAddress: etcd.clientAddress, root: cellRoot }),
      );
      await createKeyspace(server, "commerce", Keyspace.create());
      await createShard(server, "commerce", "0");
      await createTablet(
        server,
        Tablet.create({
          alias: { cell: "zone1", uid: 100 },
          keyspace: "commerce",
          shard: "0",
          type: TabletType.REPLICA,
        }),
      );
      const raw = EtcdTopoConn.open(etcd.clientAddress, "/");
      try {
        const keys = (await raw.listRecursive("topo-etcd-test")).map((entry) => `/${entry.path}`);
        expect(keys).toEqual(
          expect.arrayContaining([
            `${globalRoot}/cells/zone1/CellInfo`,
            `${globalRoot}/keyspaces/commerce/Keyspace`,
            `${globalRoot}/keyspaces/commerce/shards/0/Shard`,
            `${cellRoot}/tablets/zone1-0000000100/Tablet`,
            `${cellRoot}/keyspaces/commerce/shards/0/ShardReplication`,
          ]),
        );
      } finally {
        await raw.close();
      }
      const tablets = await getTabletsByCell(server, "zone1");
      expect(tablets.map((t) => t.tablet.alias)).toEqual([{ cell: "zone1", uid: 100 }]);
      const locked = await lockShard(server, "commerce", "0", "PlannedReparentShard", async (lock) => {
        await lock.check();
        return (await server.globalConn.list("keyspaces/commerce/shards/0")).includes("locks");
      });
      expect(locked).toBe(true);
    } finally {
      await server.close();
    }
  });

  describe("a lock held by another process", () => {
    let holder: ManagedProcess | undefined;
    const root = freshRoot("locks");
    const lockDir = "keyspaces/commerce";

    afterAll(async () => {
      await holder?.stop({ signal: "SIGKILL" });
    });

    it("is refused while held, naming the holder's action and pid, and freed after its TTL once it is killed", async () => {
      const built = join(repoRoot, "dist", "libs", "topo", "etcd2", "server.js");
      if (!existsSync(built))
        throw new Error(`${built} is missing: run \`make build\` before integration tests`);
      const conn = EtcdTopoConn.open(etcd.clientAddress, root);
      try {
        await conn.create(`${lockDir}/Keyspace`, bytes("k"));
        const logFile = join(dir, "hold-topo-lock.log");
        holder = startProcess({
          name: "hold-topo-lock",
          command: process.execPath,
          args: [fixture, etcd.clientAddress, root, lockDir, "MoveTables", "3000"],
          logFile,
        });
        const child = holder;
        await waitFor("the child process to hold the lock", () => {
          if (!child.isRunning) throw new Error(`lock holder exited:\n${child.logTail()}`);
          return readFileSync(logFile, "utf8").includes("LOCKED");
        });

        const mine = lockInfoToJSON(newLockInfo("Reshard"));
        const refused = await conn.lock(lockDir, mine, { wait: false }).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(TopoError);
        expect((refused as TopoError).code).toBe(TopoErrorCode.NodeExists);
        expect((refused as TopoError).message).toContain('"MoveTables"');
        expect((refused as TopoError).message).toContain(`pid ${child.pid}`);
        expect((refused as TopoError).message).toContain(lockDir);

        const timedOut = await conn.lock(lockDir, mine, { timeoutMs: 500 }).catch((e: unknown) => e);
        expect((timedOut as TopoError).code).toBe(TopoErrorCode.Timeout);
        expect((timedOut as TopoError).message).toContain('"MoveTables"');

        await child.stop({ signal: "SIGKILL" });
        const killedAt = Date.now();
        const lock = await conn.lock(lockDir, mine, { timeoutMs: 30_000 });
        const waited = Date.now() - killedAt;
        // The lease outlives its holder by up to the TTL (3 s), then etcd deletes the lock file.
        expect(waited).toBeGreaterThan(500);
        expect(waited).toBeLessThan(15_000);
        await lock.check();
        await lock.unlock();
      } finally {
        await conn.close();
      }
    });
  });
});
