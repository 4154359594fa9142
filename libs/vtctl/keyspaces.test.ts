import { beforeEach, describe, expect, it } from "vitest";
import { TabletType } from "../proto/topodata.js";
import { Shard as VtctldShard } from "../proto/vtctldata.js";
import { getSrvKeyspace, getSrvVSchema, getVSchema, updateSrvKeyspace } from "../topo/index.js";
import { Code, isVtError } from "../vterrors/index.js";
import { addTablet, createTestVtctld, snapshotTopo, type TestVtctld } from "./testing/fixtures.js";

async function expectCode(promise: Promise<unknown>, code: Code, message?: string | RegExp) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isVtError(err), `expected a VtError, got ${String(err)}`).toBe(true);
  expect(Code[(err as { code: Code }).code]).toBe(Code[code]);
  if (message) expect((err as Error).message).toMatch(message);
}

let vtctld: TestVtctld;

beforeEach(async () => {
  vtctld = await createTestVtctld(["zone1", "zone2"]);
});

/** Runs `action`, expecting it to fail with `code`, and checks no topology file changed. */
async function expectRefusedUnchanged(action: () => Promise<unknown>, code: Code, message?: string | RegExp) {
  const before = await snapshotTopo(vtctld.ts, ["zone1", "zone2"]);
  await expectCode(action(), code, message);
  expect(await snapshotTopo(vtctld.ts, ["zone1", "zone2"])).toEqual(before);
}

describe("cells", () => {
  it("adds, lists and reads cells", async () => {
    await vtctld.call("addCellInfo", {
      name: "zone3",
      cellInfo: { serverAddress: "localhost:2379", root: "/vitess/zone3" },
    });
    expect((await vtctld.call("getCellInfoNames")).names).toEqual(["zone1", "zone2", "zone3"]);
    expect((await vtctld.call("getCellInfo", { cell: "zone3" })).cellInfo).toEqual({
      serverAddress: "localhost:2379",
      root: "/vitess/zone3",
    });
  });

  it("refuses bad cells without changing anything", async () => {
    await expectRefusedUnchanged(
      () => vtctld.call("addCellInfo", { name: "zone1", cellInfo: { serverAddress: "x", root: "/r" } }),
      Code.ALREADY_EXISTS,
      /zone1/,
    );
    await expectRefusedUnchanged(
      () => vtctld.call("addCellInfo", { name: "zone9", cellInfo: { serverAddress: "x", root: "" } }),
      Code.INVALID_ARGUMENT,
      /Root/,
    );
    await expectRefusedUnchanged(() => vtctld.call("getCellInfo", { cell: "nope" }), Code.NOT_FOUND, /nope/);
  });
});

describe("keyspaces", () => {
  it("creates a keyspace with an empty VSchema and lists it", async () => {
    const created = await vtctld.call("createKeyspace", { name: "commerce", durabilityPolicy: "none" });
    expect(created.keyspace?.name).toBe("commerce");
    expect(created.keyspace?.keyspace).toMatchObject({ durabilityPolicy: "none", sidecarDbName: "_vt" });
    expect(await getVSchema(vtctld.ts, "commerce")).toBeDefined();
    const { keyspaces } = await vtctld.call("getKeyspaces");
    expect(keyspaces.map((k) => k.name)).toEqual(["commerce"]);
    expect(
      (await vtctld.call("getKeyspace", { keyspace: "commerce" })).keyspace?.keyspace?.durabilityPolicy,
    ).toBe("none");
  });

  it("refuses a duplicate unless --force, and bad names and policies", async () => {
    await vtctld.call("createKeyspace", { name: "commerce", durabilityPolicy: "none" });
    await expectRefusedUnchanged(
      () => vtctld.call("createKeyspace", { name: "commerce" }),
      Code.ALREADY_EXISTS,
      /commerce/,
    );
    await vtctld.call("createKeyspace", { name: "commerce", force: true });
    await expectRefusedUnchanged(
      () => vtctld.call("createKeyspace", { name: "c2", durabilityPolicy: "bogus" }),
      Code.INVALID_ARGUMENT,
      /bogus/,
    );
    await expectRefusedUnchanged(
      () => vtctld.call("createKeyspace", { name: "a/b" }),
      Code.INVALID_ARGUMENT,
      /a\/b/,
    );
    await expectRefusedUnchanged(() => vtctld.call("createKeyspace", { name: "" }), Code.INVALID_ARGUMENT);
    await expectRefusedUnchanged(
      () => vtctld.call("getKeyspace", { keyspace: "nope" }),
      Code.NOT_FOUND,
      /nope/,
    );
  });

  it("refuses to delete a keyspace with shards unless --recursive, then deletes everything", async () => {
    await vtctld.call("createKeyspace", { name: "commerce" });
    await vtctld.call("createShard", { keyspace: "commerce", shardName: "0" });
    await addTablet(vtctld.ts, { uid: 100, keyspace: "commerce", shard: "0" });
    await expectRefusedUnchanged(
      () => vtctld.call("deleteKeyspace", { keyspace: "commerce" }),
      Code.INVALID_ARGUMENT,
      /keyspace commerce still has 1 shard.*--recursive/,
    );
    await vtctld.call("deleteKeyspace", { keyspace: "commerce", recursive: true });
    expect((await vtctld.call("getKeyspaces")).keyspaces).toEqual([]);
    await expectCode(vtctld.call("getTablet", { tabletAlias: { cell: "zone1", uid: 100 } }), Code.NOT_FOUND);
    // Only the two CellInfos are left, and each cell's SrvVSchema, which no longer lists the keyspace.
    expect([...(await snapshotTopo(vtctld.ts, ["zone1", "zone2"])).keys()].sort()).toEqual([
      "global:cells/zone1/CellInfo",
      "global:cells/zone2/CellInfo",
      "zone1:SrvVSchema",
      "zone2:SrvVSchema",
    ]);
    expect((await getSrvVSchema(vtctld.ts, "zone1")).keyspaces).toEqual({});
  });

  it("deletes an empty keyspace and refuses an unknown one", async () => {
    await vtctld.call("createKeyspace", { name: "empty" });
    await vtctld.call("deleteKeyspace", { keyspace: "empty" });
    await expectRefusedUnchanged(
      () => vtctld.call("deleteKeyspace", { keyspace: "empty" }),
      Code.NOT_FOUND,
      /empty/,
    );
  });
});

describe("shards", () => {
  beforeEach(async () => {
    await vtctld.call("createKeyspace", { name: "customer" });
  });

  it("creates shards with their key range and serving state", async () => {
    const first = await vtctld.call("createShard", { keyspace: "customer", shardName: "-80" });
    expect(first.shard?.shard?.keyRange).toEqual({ start: Buffer.alloc(0), end: Buffer.from([0x80]) });
    expect(first.shard?.shard?.isPrimaryServing).toBe(true);
    expect(first.shardAlreadyExists).toBe(false);
    const got = await vtctld.call("getShard", { keyspace: "customer", shardName: "-80" });
    expect(got.shard?.name).toBe("-80");
    // An overlapping shard (a reshard target) starts not serving.
    const overlapping = await vtctld.call("createShard", { keyspace: "customer", shardName: "-40" });
    expect(overlapping.shard?.shard?.isPrimaryServing).toBe(false);
  });

  it("refuses bad shard names, duplicates and a missing keyspace without changing anything", async () => {
    await vtctld.call("createShard", { keyspace: "customer", shardName: "0" });
    await expectRefusedUnchanged(
      () => vtctld.call("createShard", { keyspace: "customer", shardName: "80-40" }),
      Code.INVALID_ARGUMENT,
      /80-40/,
    );
    await expectRefusedUnchanged(
      () => vtctld.call("createShard", { keyspace: "customer", shardName: "0" }),
      Code.ALREADY_EXISTS,
      /customer\/0/,
    );
    const again = await vtctld.call("createShard", { keyspace: "customer", shardName: "0", force: true });
    expect(again.shardAlreadyExists).toBe(true);
    await expectRefusedUnchanged(
      () => vtctld.call("createShard", { keyspace: "nope", shardName: "0" }),
      Code.NOT_FOUND,
      /keyspace nope.*--include-parent/,
    );
    await expectRefusedUnchanged(
      () => vtctld.call("createShard", { keyspace: "nope", shardName: "zz", includeParent: true }),
      Code.INVALID_ARGUMENT,
    );
  });

  it("creates the keyspace with --include-parent", async () => {
    const created = await vtctld.call("createShard", {
      keyspace: "fresh",
      shardName: "0",
      includeParent: true,
    });
    expect(created.keyspace?.name).toBe("fresh");
    expect((await vtctld.call("getKeyspace", { keyspace: "fresh" })).keyspace?.name).toBe("fresh");
  });

  it("deletes shards: refuses one with tablets unless --recursive, one serving unless --even-if-serving", async () => {
    await vtctld.call("createShard", { keyspace: "customer", shardName: "-80" });
    await vtctld.call("createShard", { keyspace: "customer", shardName: "80-" });
    await addTablet(vtctld.ts, { uid: 200, keyspace: "customer", shard: "80-", cell: "zone2" });
    const both = [
      VtctldShard.fromPartial({ keyspace: "customer", name: "-80" }),
      VtctldShard.fromPartial({ keyspace: "customer", name: "80-" }),
    ];
    await expectRefusedUnchanged(
      () => vtctld.call("deleteShards", { shards: both }),
      Code.INVALID_ARGUMENT,
      /customer\/80- still has 1 tablet\(s\) in cell zone2/,
    );
    await vtctld.call("rebuildKeyspaceGraph", { keyspace: "customer" });
    expect((await getSrvKeyspace(vtctld.ts, "zone1", "customer")).partitions).toHaveLength(3);
    await expectRefusedUnchanged(
      () => vtctld.call("deleteShards", { shards: both, recursive: true }),
      Code.FAILED_PRECONDITION,
      /still serving/,
    );
    await vtctld.call("deleteShards", { shards: both, recursive: true, evenIfServing: true });
    await expectCode(vtctld.call("getShard", { keyspace: "customer", shardName: "80-" }), Code.NOT_FOUND);
    await expectCode(vtctld.call("getTablet", { tabletAlias: { cell: "zone2", uid: 200 } }), Code.NOT_FOUND);
  });
});

describe("serving graph", () => {
  it("rebuilds SrvKeyspace partitions per tablet type and refuses holes", async () => {
    await vtctld.call("createKeyspace", { name: "customer" });
    await vtctld.call("createShard", { keyspace: "customer", shardName: "80-" });
    await vtctld.call("createShard", { keyspace: "customer", shardName: "-80" });
    await vtctld.call("rebuildKeyspaceGraph", { keyspace: "customer", cells: ["zone1"] });
    const { srvKeyspaces } = await vtctld.call("getSrvKeyspaces", { keyspace: "customer" });
    expect(Object.keys(srvKeyspaces)).toEqual(["zone1"]);
    const partitions = srvKeyspaces.zone1?.partitions ?? [];
    expect(partitions.map((p) => p.servedType)).toEqual([
      TabletType.PRIMARY,
      TabletType.REPLICA,
      TabletType.RDONLY,
    ]);
    expect(partitions[0]?.shardReferences.map((r) => r.name)).toEqual(["-80", "80-"]);

    await vtctld.call("createKeyspace", { name: "holey" });
    await vtctld.call("createShard", { keyspace: "holey", shardName: "-40" });
    await vtctld.call("createShard", { keyspace: "holey", shardName: "80-" });
    await updateSrvKeyspace(vtctld.ts, "zone2", "holey", { partitions: [], throttlerConfig: undefined });
    await expectRefusedUnchanged(
      () => vtctld.call("rebuildKeyspaceGraph", { keyspace: "holey" }),
      Code.FAILED_PRECONDITION,
      /gap or overlap between -40 and 80-/,
    );
  });
});
