import { afterEach, describe, expect, it } from "vitest";
import { TabletType } from "../proto/topodata.js";
import { createMemoryTopoServer, createTablet, deleteTablet, type TopoServer } from "../topo/index.js";
import { Code, VtError } from "../vterrors/index.js";
import { HealthCheck } from "./health-check.js";
import { FakeTablet, fakeDialer } from "./testing/fake-tablet.js";
import { TopologyWatcher } from "./topology-watcher.js";

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

async function until(what: string, check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await settle();
  }
}

describe("HealthCheck", () => {
  let hc: HealthCheck | undefined;
  afterEach(() => hc?.close());

  function setup(tablets: FakeTablet[]): HealthCheck {
    hc = new HealthCheck({
      dialer: fakeDialer(tablets),
      localCell: "zone1",
      stream: { retryDelayMs: 10, maxRetryDelayMs: 50, timeoutMs: 5_000 },
    });
    for (const t of tablets) hc.addTablet(t.record);
    return hc;
  }

  it("tracks target and serving state from each tablet's health stream", async () => {
    const primary = new FakeTablet("zone1-100", "commerce", "0", TabletType.PRIMARY);
    const replica = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    const check = setup([primary, replica]);
    await until("both serving", () => check.tablets().every((t) => t.serving));
    expect(check.primary("commerce", "0")?.alias).toBe("zone1-0000000100");
    expect(check.healthyTablets("commerce", "0", TabletType.REPLICA).map((t) => t.alias)).toEqual([
      "zone1-0000000101",
    ]);

    replica.setHealth({ serving: false });
    await until(
      "replica not serving",
      () => check.healthyTablets("commerce", "0", TabletType.REPLICA).length === 0,
    );
    replica.setHealth({ serving: true, healthError: "replication is broken" });
    await settle();
    expect(check.tablet("zone1-0000000101")?.serving).toBe(false);
    expect(check.tablet("zone1-0000000101")?.lastError).toBe("replication is broken");
  });

  it("picks the primary with the newest term and round-robins replicas", async () => {
    const oldPrimary = new FakeTablet("zone1-100", "commerce", "0", TabletType.PRIMARY);
    const newPrimary = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    const r1 = new FakeTablet("zone1-102", "commerce", "0", TabletType.REPLICA);
    const r2 = new FakeTablet("zone1-103", "commerce", "0", TabletType.REPLICA);
    const check = setup([oldPrimary, newPrimary, r1, r2]);
    await until("all serving", () => check.tablets().every((t) => t.serving));
    newPrimary.setHealth({ type: TabletType.PRIMARY, primaryTermStartTime: 50 });
    await until("new primary", () => check.primary("commerce", "0")?.alias === "zone1-0000000101");
    const picks = new Set<string>();
    for (let i = 0; i < 4; i++) picks.add(check.pickTablet("commerce", "0", TabletType.REPLICA)?.alias ?? "");
    expect([...picks].sort()).toEqual(["zone1-0000000102", "zone1-0000000103"]);
    expect(check.pickTablet("commerce", "0", TabletType.REPLICA, new Set(["zone1-0000000102"]))?.alias).toBe(
      "zone1-0000000103",
    );
  });

  it("prefers replicas of the local cell", async () => {
    const local = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    const remote = new FakeTablet("zone2-201", "commerce", "0", TabletType.REPLICA);
    const check = setup([local, remote]);
    await until("both serving", () => check.tablets().every((t) => t.serving));
    for (let i = 0; i < 3; i++) {
      expect(check.pickTablet("commerce", "0", TabletType.REPLICA)?.alias).toBe("zone1-0000000101");
    }
  });

  it("waits for a serving tablet, or times out with UNAVAILABLE", async () => {
    const replica = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    replica.serving = false;
    const check = setup([replica]);
    const err = await check.waitForTablet("commerce", "0", TabletType.REPLICA, 50).catch((e) => e);
    expect(err).toBeInstanceOf(VtError);
    expect((err as VtError).code).toBe(Code.UNAVAILABLE);
    expect((err as VtError).message).toContain("commerce/0 (REPLICA)");
    const waiting = check.waitForTablet("commerce", "0", TabletType.REPLICA, 2_000);
    replica.setHealth({ serving: true });
    expect((await waiting).alias).toBe("zone1-0000000101");
  });

  it("marks a tablet not serving when its stream fails, and reconnects", async () => {
    const replica = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    const check = setup([replica]);
    await until("serving", () => check.tablet("zone1-0000000101")?.serving === true);
    replica.breakHealthStreams(new VtError(Code.UNAVAILABLE, "connection refused"));
    await until("error seen", () => check.tablet("zone1-0000000101")?.lastError === "connection refused");
    expect(check.tablet("zone1-0000000101")?.serving).toBe(false);
    await until("serving again", () => check.tablet("zone1-0000000101")?.serving === true);
  });

  it("times out a silent stream", async () => {
    const replica = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    hc = new HealthCheck({
      dialer: fakeDialer([replica]),
      localCell: "zone1",
      stream: { retryDelayMs: 1_000, maxRetryDelayMs: 1_000, timeoutMs: 40 },
    });
    hc.addTablet(replica.record);
    const check = hc;
    await until("serving", () => check.tablet("zone1-0000000101")?.serving === true);
    await until("timed out", () => check.tablet("zone1-0000000101")?.serving === false);
    expect(check.tablet("zone1-0000000101")?.lastError).toContain("timed out");
  });
});

describe("TopologyWatcher", () => {
  let ts: TopoServer;
  let hc: HealthCheck | undefined;
  let watcher: TopologyWatcher | undefined;
  afterEach(async () => {
    watcher?.stop();
    hc?.close();
    await ts?.close();
  });

  it("adds tablets from the cell, replaces moved ones and removes deleted ones", async () => {
    ts = (await createMemoryTopoServer(["zone1"])).server;
    const t100 = new FakeTablet("zone1-100", "commerce", "0", TabletType.PRIMARY);
    const t101 = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    const t101moved = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA, 26101);
    const dialer = fakeDialer([t100, t101, t101moved]);
    hc = new HealthCheck({ dialer, localCell: "zone1", stream: { retryDelayMs: 10 } });
    watcher = new TopologyWatcher(ts, hc, "zone1", { refreshIntervalMs: 60_000 });
    await createTablet(ts, t100.record);
    await createTablet(ts, t101.record);
    await watcher.start();
    expect(
      hc
        .tablets()
        .map((t) => t.alias)
        .sort(),
    ).toEqual(["zone1-0000000100", "zone1-0000000101"]);

    await deleteTablet(ts, t101.alias);
    await createTablet(ts, t101moved.record);
    await watcher.refresh();
    expect(hc.tablet("zone1-0000000101")?.address).toBe(t101moved.address);
    expect(dialer.closed).toEqual([t101.address]);

    await deleteTablet(ts, t100.alias);
    await watcher.refresh();
    expect(hc.tablets().map((t) => t.alias)).toEqual(["zone1-0000000101"]);
  });
});
