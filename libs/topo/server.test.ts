import { afterEach, describe, expect, it } from "vitest";
import { defineFlags, parseFlags } from "../flags/index.js";
import { CellInfo, Keyspace, KeyspaceType, Tablet, TabletType } from "../proto/topodata.js";
import { createCellInfo, getCellInfo, getCellInfoNames } from "./cell-info.js";
import { isTopoError, TopoError, TopoErrorCode } from "./errors.js";
import { openTopoConn } from "./factory.js";
import { openTopoServerFromFlags, topoFlags } from "./flags.js";
import {
  createKeyspace,
  deleteKeyspace,
  getKeyspace,
  getKeyspaceNames,
  updateKeyspace,
  updateKeyspaceFields,
} from "./keyspace.js";
import { createMemoryTopoServer, openTopoServer, type TopoServer } from "./server.js";
import { createShard, deleteShard, getShard, getShardNames, getShards, updateShardFields } from "./shard.js";
import { getShardReplication } from "./shard-replication.js";
import {
  createTablet,
  deleteTablet,
  getTablet,
  getTabletAliasesByCell,
  getTabletsByCell,
  updateTabletFields,
} from "./tablet.js";
import { tabletAliasString } from "./tablet-alias.js";

const servers: TopoServer[] = [];
async function memoryServer(cells = ["zone1", "zone2"]) {
  const made = await createMemoryTopoServer(cells);
  servers.push(made.server);
  return made;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function rejection(promise: Promise<unknown>): Promise<TopoError> {
  const err = await promise.then(
    () => expect.fail("expected a rejection"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TopoError);
  return err as TopoError;
}

function tablet(cell: string, uid: number, keyspace = "commerce", shard = "0"): Tablet {
  return Tablet.create({
    alias: { cell, uid },
    hostname: "localhost",
    portMap: { vt: 15000 + uid, grpc: 16000 + uid },
    keyspace,
    shard,
    type: TabletType.REPLICA,
    mysqlPort: 17000 + uid,
  });
}

describe("TopoServer cells", () => {
  it("opens each cell from its CellInfo, under its own root", async () => {
    const { server, store } = await memoryServer();
    expect(await getCellInfoNames(server)).toEqual(["zone1", "zone2"]);
    expect((await getCellInfo(server, "zone1")).value).toEqual(
      CellInfo.create({ serverAddress: "memory", root: "/vitess/zone1" }),
    );
    const zone1 = await server.connForCell("zone1");
    expect(await server.connForCell("zone1")).toBe(zone1);
    await zone1.create("SrvVSchema", new Uint8Array([1]));
    expect(store.read("/vitess/zone1/SrvVSchema")).toBeDefined();
    expect(await server.connForCell("global")).toBe(server.globalConn);
  });

  it("fails for a cell without CellInfo, naming its path, and retries later", async () => {
    const { server } = await memoryServer([]);
    const err = await rejection(server.connForCell("zone9"));
    expect(err.code).toBe(TopoErrorCode.NoNode);
    expect(err.message).toContain("cells/zone9/CellInfo");
    await createCellInfo(
      server,
      "zone9",
      CellInfo.create({ serverAddress: "memory", root: "/vitess/zone9" }),
    );
    await expect(server.connForCell("zone9")).resolves.toBeDefined();
  });

  it("refuses an unknown implementation clearly", async () => {
    const err = await rejection(
      openTopoConn({ implementation: "zk2", serverAddress: "x", root: "/vitess/global" }),
    );
    expect(err.code).toBe(TopoErrorCode.NoImplementation);
    expect(err.message).toContain('"zk2"');
    expect(err.message).toContain("etcd2, memory");
    const noAddress = await rejection(
      openTopoServer({ implementation: "etcd2", globalServerAddress: "", globalRoot: "/vitess/global" }),
    );
    expect(noAddress.message).toContain("--topo-global-server-address");
  });

  it("opens a server from the shared topo flags, spread into a daemon's spec", async () => {
    const spec = defineFlags({ ...topoFlags, port: { type: "int", default: 0, help: "http port" } });
    const { values } = parseFlags(spec, [
      "--topo-implementation",
      "memory",
      "--topo_etcd_lease_ttl",
      "5",
      "--lock-timeout",
      "1s",
      "--port",
      "15000",
    ]);
    expect(values["topo-global-root"]).toBe("/vitess/global");
    const server = await openTopoServerFromFlags(values);
    servers.push(server);
    expect(server.lockTtlMs).toBe(5_000);
    expect(server.lockTimeoutMs).toBe(1_000);
    expect(await getKeyspaceNames(server)).toEqual([]);
    const etcdByDefault = parseFlags(spec, []).values;
    expect(etcdByDefault["topo-implementation"]).toBe("etcd2");
    await expect(openTopoServerFromFlags(etcdByDefault)).rejects.toThrow("--topo-global-server-address");
  });
});

describe("keyspaces", () => {
  it("creates, reads, updates with its version, and deletes a keyspace with its VSchema", async () => {
    const { server } = await memoryServer();
    const created = await createKeyspace(server, "commerce", Keyspace.create({ durabilityPolicy: "none" }));
    expect((await rejection(createKeyspace(server, "commerce", Keyspace.create()))).code).toBe(
      TopoErrorCode.NodeExists,
    );
    const read = await getKeyspace(server, "commerce");
    expect(read.keyspace.durabilityPolicy).toBe("none");
    expect(read.version).toBe(created.version);

    read.keyspace.durabilityPolicy = "semi_sync";
    const updated = await updateKeyspace(server, read);
    read.keyspace.sidecarDbName = "_stale";
    expect((await rejection(updateKeyspace(server, read))).code).toBe(TopoErrorCode.BadVersion);
    expect((await getKeyspace(server, "commerce")).keyspace.durabilityPolicy).toBe("semi_sync");

    const viaFields = await updateKeyspaceFields(server, "commerce", (ks) => {
      ks.keyspaceType = KeyspaceType.NORMAL;
      ks.sidecarDbName = "_vt";
    });
    expect(viaFields.version).not.toBe(updated.version);
    expect(await getKeyspaceNames(server)).toEqual(["commerce"]);

    await server.globalConn.create("keyspaces/commerce/VSchema", new Uint8Array());
    await deleteKeyspace(server, "commerce");
    expect(await getKeyspaceNames(server)).toEqual([]);
    const missing = await rejection(getKeyspace(server, "commerce"));
    expect(missing.code).toBe(TopoErrorCode.NoNode);
    expect(missing.message).toContain("keyspaces/commerce/Keyspace");
  });

  it("refuses a keyspace name that is not a single path segment", async () => {
    const { server } = await memoryServer();
    const err = await rejection(createKeyspace(server, "../x", Keyspace.create()));
    expect(err.code).toBe(TopoErrorCode.InvalidPath);
    expect(err.message).toContain('keyspace "../x"');
  });
});

describe("shards", () => {
  it("creates shards with their key range, serving only when nothing overlaps", async () => {
    const { server } = await memoryServer();
    await createKeyspace(server, "customer", Keyspace.create());
    const left = await createShard(server, "customer", "-80");
    expect(left.shard.isPrimaryServing).toBe(true);
    expect(Buffer.from(left.shard.keyRange?.end ?? []).toString("hex")).toBe("80");
    expect((await createShard(server, "customer", "80-")).shard.isPrimaryServing).toBe(true);
    // A reshard target overlaps both: created not serving.
    expect((await createShard(server, "customer", "-40")).shard.isPrimaryServing).toBe(false);
    expect(await getShardNames(server, "customer")).toEqual(["-40", "-80", "80-"]);
    expect((await getShards(server, "customer")).map((s) => s.shardName)).toEqual(["-40", "-80", "80-"]);
    expect((await rejection(createShard(server, "customer", "-80"))).code).toBe(TopoErrorCode.NodeExists);

    await createKeyspace(server, "commerce", Keyspace.create());
    const unsharded = await createShard(server, "commerce", "0");
    expect(unsharded.shard.keyRange).toBeUndefined();
    expect(unsharded.shard.isPrimaryServing).toBe(true);
    await deleteShard(server, "commerce", "0");
    expect(await getShardNames(server, "commerce")).toEqual([]);
  });

  it("refuses to create a shard in a keyspace that does not exist", async () => {
    const { server } = await memoryServer();
    const err = await rejection(createShard(server, "nope", "0"));
    expect(err.code).toBe(TopoErrorCode.NoNode);
    expect(err.message).toContain("keyspaces/nope");
  });

  it("retries updateShardFields when a concurrent update wins the race", async () => {
    const { server } = await memoryServer();
    await createKeyspace(server, "commerce", Keyspace.create());
    await createShard(server, "commerce", "0");
    let calls = 0;
    const result = await updateShardFields(server, "commerce", "0", async (shard) => {
      calls++;
      if (calls === 1) {
        // Someone else writes between our read and our write.
        await updateShardFields(server, "commerce", "0", (other) => {
          other.sourceShards.push({ uid: 1, keyspace: "src", shard: "0", keyRange: undefined, tables: [] });
        });
      }
      shard.primaryAlias = { cell: "zone1", uid: 100 };
    });
    expect(calls).toBe(2);
    const stored = await getShard(server, "commerce", "0");
    expect(stored.shard.primaryAlias).toEqual({ cell: "zone1", uid: 100 });
    expect(stored.shard.sourceShards).toHaveLength(1);
    expect(stored.version).toBe(result.version);
  });

  it("skips the write when the mutator says no update is needed", async () => {
    const { server } = await memoryServer();
    await createKeyspace(server, "commerce", Keyspace.create());
    const created = await createShard(server, "commerce", "0");
    expect((await updateShardFields(server, "commerce", "0", () => false)).version).toBe(created.version);
    const viaError = await updateShardFields(server, "commerce", "0", () => {
      throw new TopoError(TopoErrorCode.NoUpdateNeeded, "shard");
    });
    expect(viaError.version).toBe(created.version);
    const missing = await rejection(updateShardFields(server, "commerce", "-80", () => {}));
    expect(isTopoError(missing, TopoErrorCode.NoNode)).toBe(true);
    expect(missing.message).toContain("keyspaces/commerce/shards/-80/Shard");
  });
});

describe("tablets", () => {
  it("creates tablets in their cell and lists them in ShardReplication", async () => {
    const { server, store } = await memoryServer();
    await createTablet(server, tablet("zone1", 101));
    await createTablet(server, tablet("zone1", 100));
    await createTablet(server, tablet("zone2", 200));
    expect(store.read("/vitess/zone1/tablets/zone1-0000000100/Tablet")).toBeDefined();
    expect((await rejection(createTablet(server, tablet("zone1", 100)))).code).toBe(TopoErrorCode.NodeExists);

    expect((await getTabletAliasesByCell(server, "zone1")).map(tabletAliasString)).toEqual([
      "zone1-0000000100",
      "zone1-0000000101",
    ]);
    const inZone1 = await getTabletsByCell(server, "zone1");
    expect(inZone1.map((t) => t.tablet.alias?.uid)).toEqual([100, 101]);
    expect(inZone1[0]?.tablet.portMap).toEqual({ vt: 15100, grpc: 16100 });

    const replication = await getShardReplication(server, "zone1", "commerce", "0");
    expect(replication.shardReplication.nodes.map((n) => n.tabletAlias?.uid)).toEqual([101, 100]);
    expect((await getTabletAliasesByCell(server, "zone2")).map(tabletAliasString)).toEqual([
      "zone2-0000000200",
    ]);
  });

  it("updates fields and deletes a tablet, dropping it from ShardReplication", async () => {
    const { server } = await memoryServer();
    const alias = { cell: "zone1", uid: 100 };
    await createTablet(server, tablet("zone1", 100));
    await createTablet(server, tablet("zone1", 101));
    await updateTabletFields(server, alias, (t) => {
      t.type = TabletType.PRIMARY;
    });
    expect((await getTablet(server, alias)).tablet.type).toBe(TabletType.PRIMARY);

    await deleteTablet(server, alias);
    const missing = await rejection(getTablet(server, alias));
    expect(missing.code).toBe(TopoErrorCode.NoNode);
    expect(missing.message).toContain("tablets/zone1-0000000100/Tablet");
    const replication = await getShardReplication(server, "zone1", "commerce", "0");
    expect(replication.shardReplication.nodes.map((n) => n.tabletAlias?.uid)).toEqual([101]);
  });

  it("returns no tablets for a cell that has none", async () => {
    const { server } = await memoryServer();
    expect(await getTabletAliasesByCell(server, "zone2")).toEqual([]);
    expect(await getTabletsByCell(server, "zone2")).toEqual([]);
  });
});
