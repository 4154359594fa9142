import { beforeEach, describe, expect, it } from "vitest";
import { Status } from "../proto/replicationdata.js";
import { TabletType } from "../proto/topodata.js";
import { getShard, tabletAliasString, updateShardFields } from "../topo/index.js";
import { Code, isVtError } from "../vterrors/index.js";
import { addTablet, createTestVtctld, snapshotTopo, type TestVtctld } from "./testing/fixtures.js";

let vtctld: TestVtctld;

async function expectCode(promise: Promise<unknown>, code: Code, message?: RegExp) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isVtError(err), `expected a VtError, got ${String(err)}`).toBe(true);
  expect(Code[(err as { code: Code }).code]).toBe(Code[code]);
  if (message) expect((err as Error).message).toMatch(message);
}

const aliases = (tablets: { alias?: { cell: string; uid: number } }[]) =>
  tablets.map((t) => (t.alias ? tabletAliasString(t.alias) : "?"));

beforeEach(async () => {
  vtctld = await createTestVtctld(["zone1", "zone2"]);
  await vtctld.call("createKeyspace", { name: "commerce" });
  await vtctld.call("createShard", { keyspace: "commerce", shardName: "0" });
  await vtctld.call("createKeyspace", { name: "customer" });
  await vtctld.call("createShard", { keyspace: "customer", shardName: "-80" });
  await addTablet(vtctld.ts, { uid: 101, keyspace: "commerce", shard: "0" });
  await addTablet(vtctld.ts, {
    uid: 100,
    keyspace: "commerce",
    shard: "0",
    type: TabletType.PRIMARY,
    primaryTermStartSeconds: 100,
  });
  await addTablet(vtctld.ts, { uid: 102, keyspace: "commerce", shard: "0", type: TabletType.RDONLY });
  await addTablet(vtctld.ts, { uid: 200, keyspace: "customer", shard: "-80", cell: "zone2" });
  await updateShardFields(vtctld.ts, "commerce", "0", (shard) => {
    shard.primaryAlias = { cell: "zone1", uid: 100 };
    shard.primaryTermStartTime = { seconds: 100, nanoseconds: 0 };
  });
});

describe("GetTablets", () => {
  it("lists every tablet sorted by alias, or filters by keyspace, shard, cell, type and alias", async () => {
    expect(aliases((await vtctld.call("getTablets")).tablets)).toEqual([
      "zone1-0000000100",
      "zone1-0000000101",
      "zone1-0000000102",
      "zone2-0000000200",
    ]);
    expect(aliases((await vtctld.call("getTablets", { keyspace: "customer" })).tablets)).toEqual([
      "zone2-0000000200",
    ]);
    expect(
      aliases((await vtctld.call("getTablets", { keyspace: "commerce", shard: "0" })).tablets),
    ).toHaveLength(3);
    expect(aliases((await vtctld.call("getTablets", { cells: ["zone2"] })).tablets)).toEqual([
      "zone2-0000000200",
    ]);
    expect(
      aliases(
        (await vtctld.call("getTablets", { keyspace: "commerce", tabletType: TabletType.RDONLY })).tablets,
      ),
    ).toEqual(["zone1-0000000102"]);
    expect(
      aliases(
        (await vtctld.call("getTablets", { keyspace: "commerce", shard: "0", cells: ["zone2"] })).tablets,
      ),
    ).toEqual([]);
  });

  it("looks tablets up by alias; --strict fails on a missing one", async () => {
    const request = {
      tabletAliases: [
        { cell: "zone1", uid: 102 },
        { cell: "zone1", uid: 999 },
      ],
    };
    expect(aliases((await vtctld.call("getTablets", request)).tablets)).toEqual(["zone1-0000000102"]);
    await expectCode(
      vtctld.call("getTablets", { ...request, strict: true }),
      Code.NOT_FOUND,
      /zone1-0000000999/,
    );
  });

  it("reports a stale primary as UNKNOWN", async () => {
    await addTablet(vtctld.ts, {
      uid: 103,
      keyspace: "commerce",
      shard: "0",
      type: TabletType.PRIMARY,
      primaryTermStartSeconds: 200,
    });
    const { tablets } = await vtctld.call("getTablets", { keyspace: "commerce", shard: "0" });
    const types = Object.fromEntries(tablets.map((t) => [t.alias?.uid, t.type]));
    expect(types[100]).toBe(TabletType.UNKNOWN);
    expect(types[103]).toBe(TabletType.PRIMARY);
  });

  it("refuses --shard without --keyspace", async () => {
    await expectCode(vtctld.call("getTablets", { shard: "0" }), Code.INVALID_ARGUMENT, /--keyspace/);
  });
});

describe("DeleteTablets", () => {
  it("refuses the primary without --allow-primary, deleting none of the listed tablets", async () => {
    const before = await snapshotTopo(vtctld.ts, ["zone1", "zone2"]);
    await expectCode(
      vtctld.call("deleteTablets", {
        tabletAliases: [
          { cell: "zone1", uid: 101 },
          { cell: "zone1", uid: 100 },
        ],
      }),
      Code.FAILED_PRECONDITION,
      /zone1-0000000100 as it is a primary/,
    );
    expect(await snapshotTopo(vtctld.ts, ["zone1", "zone2"])).toEqual(before);
  });

  it("deletes tablets, clearing the shard's primary when it was one", async () => {
    await vtctld.call("deleteTablets", { tabletAliases: [{ cell: "zone1", uid: 100 }], allowPrimary: true });
    expect((await getShard(vtctld.ts, "commerce", "0")).shard.primaryAlias).toBeUndefined();
    await vtctld.call("deleteTablets", { tabletAliases: [{ cell: "zone1", uid: 101 }] });
    expect(aliases((await vtctld.call("getTablets", { keyspace: "commerce", shard: "0" })).tablets)).toEqual([
      "zone1-0000000102",
    ]);
  });

  it("refuses an unknown tablet without deleting the others", async () => {
    const before = await snapshotTopo(vtctld.ts, ["zone1", "zone2"]);
    await expectCode(
      vtctld.call("deleteTablets", {
        tabletAliases: [
          { cell: "zone1", uid: 101 },
          { cell: "zone1", uid: 7 },
        ],
      }),
      Code.NOT_FOUND,
      /zone1-0000000007/,
    );
    expect(await snapshotTopo(vtctld.ts, ["zone1", "zone2"])).toEqual(before);
  });
});

describe("tablet actions", () => {
  it("ChangeTabletType asks the tablet, supports --dry-run and refuses non-trivial changes", async () => {
    const dry = await vtctld.call("changeTabletType", {
      tabletAlias: { cell: "zone1", uid: 101 },
      dbType: TabletType.RDONLY,
      dryRun: true,
    });
    expect(dry.wasDryRun).toBe(true);
    expect(dry.afterTablet?.type).toBe(TabletType.RDONLY);
    expect(vtctld.tmc.calls).toEqual([]);

    await vtctld.call("changeTabletType", {
      tabletAlias: { cell: "zone1", uid: 101 },
      dbType: TabletType.RDONLY,
    });
    expect(vtctld.tmc.steps()).toEqual(["changeType zone1-0000000101"]);
    expect(vtctld.tmc.calls[0]?.request).toEqual({ tabletType: TabletType.RDONLY, semiSync: false });

    await expectCode(
      vtctld.call("changeTabletType", {
        tabletAlias: { cell: "zone1", uid: 100 },
        dbType: TabletType.REPLICA,
      }),
      Code.INVALID_ARGUMENT,
      /PRIMARY -> REPLICA is not an allowed transition/,
    );
    await expectCode(
      vtctld.call("changeTabletType", { dbType: TabletType.REPLICA }),
      Code.INVALID_ARGUMENT,
      /tablet_alias/,
    );
  });

  it("ExecuteFetchAsDBA runs the query as DBA on the tablet's database", async () => {
    vtctld.tmc.respond("executeFetchAsDba", "*", () => ({
      result: {
        fields: [],
        rowsAffected: 1,
        insertId: "0",
        rows: [],
        info: "",
        sessionStateChanges: "",
        insertIdChanged: false,
      },
    }));
    const { result } = await vtctld.call("executeFetchAsDba", {
      tabletAlias: { cell: "zone1", uid: 100 },
      query: "insert into t values (1)",
      maxRows: 10,
      disableBinlogs: true,
    });
    expect(result?.rowsAffected).toBe(1);
    const request = vtctld.tmc.calls[0]?.request as {
      query: Buffer;
      dbName: string;
      disableBinlogs: boolean;
    };
    expect(request.query.toString()).toBe("insert into t values (1)");
    expect(request.dbName).toBe("vt_commerce");
    expect(request.disableBinlogs).toBe(true);
    await expectCode(
      vtctld.call("executeFetchAsDba", {
        tabletAlias: { cell: "zone1", uid: 100 },
        query: "select 1",
        maxRows: -1,
      }),
      Code.INVALID_ARGUMENT,
    );
  });

  it("PingTablet and RefreshState reach the tablet; failures keep their code", async () => {
    await vtctld.call("pingTablet", { tabletAlias: { cell: "zone1", uid: 102 } });
    await vtctld.call("refreshState", { tabletAlias: { cell: "zone1", uid: 102 } });
    expect(vtctld.tmc.steps()).toEqual(["ping zone1-0000000102", "refreshState zone1-0000000102"]);
    vtctld.tmc.fail("ping", "zone1-0000000101");
    await expectCode(
      vtctld.call("pingTablet", { tabletAlias: { cell: "zone1", uid: 101 } }),
      Code.UNAVAILABLE,
    );
    await expectCode(
      vtctld.call("pingTablet", { tabletAlias: { cell: "zone1", uid: 5 } }),
      Code.NOT_FOUND,
      /zone1-0000000005/,
    );
  });

  it("ShardReplicationPositions asks the primary for its position and the replicas for their status", async () => {
    vtctld.tmc.respond("primaryPosition", "*", () => ({ position: "MariaDB/0-100-5" }));
    vtctld.tmc.respond("replicationStatus", "*", () => ({
      status: Status.fromPartial({ position: "MariaDB/0-100-4" }),
    }));
    vtctld.tmc.fail("replicationStatus", "zone1-0000000102");
    const { replicationStatuses, tabletMap } = await vtctld.call("shardReplicationPositions", {
      keyspace: "commerce",
      shard: "0",
    });
    expect(Object.keys(tabletMap).sort()).toEqual([
      "zone1-0000000100",
      "zone1-0000000101",
      "zone1-0000000102",
    ]);
    expect(replicationStatuses["zone1-0000000100"]?.position).toBe("MariaDB/0-100-5");
    expect(replicationStatuses["zone1-0000000101"]?.position).toBe("MariaDB/0-100-4");
    expect(replicationStatuses).not.toHaveProperty("zone1-0000000102");
  });
});
