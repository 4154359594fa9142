import { beforeEach, describe, expect, it } from "vitest";
import { Tablet, TabletType } from "../../libs/proto/topodata.js";
import {
  createKeyspace,
  createMemoryTopoServer,
  createShard,
  createTablet,
  getShard,
  getTablet,
  parseTabletAlias,
  type TopoServer,
  updateShardFields,
} from "../../libs/topo/index.js";
import { TabletState, tabletTypeName } from "./tablet-state.js";
import { FakeQueryService, FakeReadOnly, silentLogger } from "./testing/fakes.js";

const ALIAS = parseTabletAlias("zone1-100");

describe("TabletState", () => {
  let ts: TopoServer;
  let queryService: FakeQueryService;
  let mysqld: FakeReadOnly;
  let state: TabletState;

  beforeEach(async () => {
    ({ server: ts } = await createMemoryTopoServer(["zone1"]));
    await createKeyspace(ts, "commerce", {
      keyspaceType: 0,
      baseKeyspace: "",
      snapshotTime: undefined,
      durabilityPolicy: "",
      throttlerConfig: undefined,
      sidecarDbName: "",
    });
    await createShard(ts, "commerce", "0");
    const tablet = Tablet.fromPartial({
      alias: ALIAS,
      keyspace: "commerce",
      shard: "0",
      type: TabletType.REPLICA,
    });
    await createTablet(ts, tablet);
    queryService = new FakeQueryService();
    mysqld = new FakeReadOnly();
    state = new TabletState(tablet, { ts, mysqld, queryService, logger: silentLogger });
    state.applyShard((await getShard(ts, "commerce", "0")).shard);
  });

  it("serves a replica only while replication is healthy and mysqld answers", () => {
    state.setReplicationHealth({ healthy: false, lagSeconds: 0, error: "replication is not configured" });
    state.publish();
    expect(queryService.last).toMatchObject({
      serving: false,
      target: { keyspace: "commerce", shard: "0", tabletType: TabletType.REPLICA, cell: "zone1" },
    });
    state.setReplicationHealth({ healthy: true, lagSeconds: 1 });
    state.publish();
    expect(queryService.last?.serving).toBe(true);
    state.setMysqlReachable(false);
    expect(state.notServingReason()).toBe("mysqld is not reachable");
    state.setMysqlReachable(true);
    state.beginShutdown();
    state.publish();
    expect(queryService.last?.serving).toBe(false);
  });

  it("publishes only changes", () => {
    state.publish();
    state.publish();
    expect(queryService.states).toHaveLength(1);
  });

  it("becoming PRIMARY writes the record with a term, claims the shard and goes read-write", async () => {
    await state.changeType(TabletType.PRIMARY, "read-write");
    const { tablet } = await getTablet(ts, ALIAS);
    expect(tablet.type).toBe(TabletType.PRIMARY);
    expect(tablet.primaryTermStartTime?.seconds).toBeGreaterThan(0);
    const shard = (await getShard(ts, "commerce", "0")).shard;
    expect(shard.primaryAlias).toEqual(ALIAS);
    expect(shard.primaryTermStartTime).toEqual(tablet.primaryTermStartTime);
    expect(mysqld.readOnly).toBe(false);
    expect(queryService.last).toMatchObject({
      serving: true,
      primaryTermStartTime: tablet.primaryTermStartTime?.seconds,
    });

    await state.changeType(TabletType.REPLICA, "read-only");
    expect((await getTablet(ts, ALIAS)).tablet.primaryTermStartTime).toBeUndefined();
    expect(mysqld.readOnly).toBe(true);
    expect(queryService.last?.primaryTermStartTime).toBe(0);
  });

  it("a demoted primary stops serving until its type changes", async () => {
    await state.changeType(TabletType.PRIMARY, "read-write");
    state.setDemoted(true);
    state.publish();
    expect(queryService.last?.serving).toBe(false);
    await state.changeType(TabletType.REPLICA, "read-only");
    expect(state.isDemoted).toBe(false);
  });

  it("applies the tablet controls of its type and cell", async () => {
    await updateShardFields(ts, "commerce", "0", (shard) => {
      shard.tabletControls = [
        { tabletType: TabletType.REPLICA, cells: ["zone1"], deniedTables: ["customer"], frozen: false },
        { tabletType: TabletType.RDONLY, cells: [], deniedTables: ["corder"], frozen: false },
      ];
    });
    await state.refreshFromTopo();
    expect(queryService.denied.at(-1)).toEqual(["customer"]);
    await state.changeType(TabletType.RDONLY, "read-only");
    expect(queryService.denied.at(-1)).toEqual(["corder"]);
  });

  it("steps down when the shard names another primary with a later term", async () => {
    await state.changeType(TabletType.PRIMARY, "read-write");
    const mine = (await getTablet(ts, ALIAS)).tablet.primaryTermStartTime!;
    await updateShardFields(ts, "commerce", "0", (shard) => {
      shard.primaryAlias = parseTabletAlias("zone1-101");
      shard.primaryTermStartTime = { seconds: mine.seconds + 10, nanoseconds: 0 };
    });
    await state.refreshFromTopo();
    expect(state.type).toBe(TabletType.REPLICA);
    expect((await getTablet(ts, ALIAS)).tablet.type).toBe(TabletType.REPLICA);
    expect(mysqld.readOnly).toBe(true);
  });
});

it("names tablet types by their current names", () => {
  expect(tabletTypeName(TabletType.PRIMARY)).toBe("PRIMARY");
  expect(tabletTypeName(TabletType.RDONLY)).toBe("RDONLY");
});
