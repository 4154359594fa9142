import { beforeEach, describe, expect, it } from "vitest";
import { Status } from "../../proto/replicationdata.js";
import { TabletType } from "../../proto/topodata.js";
import { getShard, tabletAliasString, updateShardFields } from "../../topo/index.js";
import { Code, isVtError, VtError } from "../../vterrors/index.js";
import { addTablet, createTestVtctld, snapshotTopo, type TestVtctld } from "../testing/fixtures.js";

const Z = (uid: number) => `zone1-${String(uid).padStart(10, "0")}`;
const alias = (uid: number) => ({ cell: "zone1", uid });

let vtctld: TestVtctld;

async function expectCode(promise: Promise<unknown>, code: Code, message?: RegExp): Promise<VtError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isVtError(err), `expected a VtError, got ${String(err)}`).toBe(true);
  expect(Code[(err as VtError).code]).toBe(Code[code]);
  if (message) expect((err as Error).message).toMatch(message);
  return err as VtError;
}

async function shardPrimary(): Promise<string | undefined> {
  const { shard } = await getShard(vtctld.ts, "commerce", "0");
  return shard.primaryAlias ? tabletAliasString(shard.primaryAlias) : undefined;
}

/** A replica's status: replicating from tablet `sourceUid`'s mysqld, at `position`. */
function replicaStatus(sourceUid: number, position: string): Status {
  return Status.fromPartial({
    position,
    sourceHost: "localhost",
    sourcePort: 17000 + sourceUid,
    sourceServerId: sourceUid,
    ioState: 3,
    sqlState: 3,
  });
}

beforeEach(async () => {
  vtctld = await createTestVtctld(["zone1"]);
  await vtctld.call("createKeyspace", { name: "commerce", durabilityPolicy: "none" });
  await vtctld.call("createShard", { keyspace: "commerce", shardName: "0" });
  await vtctld.call("createKeyspace", { name: "customer" });
  await vtctld.call("createShard", { keyspace: "customer", shardName: "0" });
  await addTablet(vtctld.ts, { uid: 200, keyspace: "customer", shard: "0" });
});

describe("PlannedReparentShard from a running primary", () => {
  beforeEach(async () => {
    await addTablet(vtctld.ts, {
      uid: 100,
      keyspace: "commerce",
      shard: "0",
      type: TabletType.PRIMARY,
      primaryTermStartSeconds: 1,
    });
    await addTablet(vtctld.ts, { uid: 101, keyspace: "commerce", shard: "0" });
    await addTablet(vtctld.ts, { uid: 102, keyspace: "commerce", shard: "0", type: TabletType.RDONLY });
    await updateShardFields(vtctld.ts, "commerce", "0", (shard) => {
      shard.primaryAlias = alias(100);
      shard.primaryTermStartTime = { seconds: 1, nanoseconds: 0 };
    });
    vtctld.tmc
      .respond("replicationStatus", "*", () => ({ status: replicaStatus(100, "MariaDB/0-100-10") }))
      .respond("primaryPosition", Z(100), () => ({ position: "MariaDB/0-100-10" }))
      .respond("demotePrimary", Z(100), () => ({
        primaryStatus: { position: "MariaDB/0-100-12", filePosition: "", serverUuid: "" },
      }))
      .respond("promoteReplica", Z(101), () => ({ position: "MariaDB/0-100-12" }));
  });

  it("demotes, waits for the final position, promotes, records the primary, then repoints everyone", async () => {
    const primaryWhenRepointing: (string | undefined)[] = [];
    vtctld.tmc.respond("setReplicationSource", "*", async () => {
      primaryWhenRepointing.push(await shardPrimary());
      return {};
    });
    const response = await vtctld.call("plannedReparentShard", {
      keyspace: "commerce",
      shard: "0",
      newPrimary: alias(101),
    });
    expect(vtctld.tmc.steps()).toEqual([
      `replicationStatus ${Z(101)}`,
      `primaryPosition ${Z(100)}`,
      `waitForPosition ${Z(101)}`,
      `demotePrimary ${Z(100)}`,
      `waitForPosition ${Z(101)}`,
      `promoteReplica ${Z(101)}`,
      `setReplicationSource ${Z(100)}`,
      `setReplicationSource ${Z(102)}`,
      `populateReparentJournal ${Z(101)}`,
    ]);
    const waits = vtctld.tmc
      .callsOf("waitForPosition")
      .map((c) => (c.request as { position: string }).position);
    expect(waits).toEqual(["MariaDB/0-100-10", "MariaDB/0-100-12"]);
    for (const call of vtctld.tmc.callsOf("setReplicationSource")) {
      expect((call.request as { parent: unknown }).parent).toEqual(alias(101));
    }
    expect(primaryWhenRepointing).toEqual([Z(101), Z(101)]);
    expect(await shardPrimary()).toBe(Z(101));
    expect(response.promotedPrimary).toEqual(alias(101));
    expect(response.events.length).toBeGreaterThan(0);
  });

  it("undoes the demotion when the primary-elect does not reach the final position", async () => {
    vtctld.tmc.respond("waitForPosition", Z(101), (request) => {
      if (request.position === "MariaDB/0-100-12")
        throw new VtError(Code.DEADLINE_EXCEEDED, "timed out waiting");
      return {};
    });
    await expectCode(
      vtctld.call("plannedReparentShard", { keyspace: "commerce", shard: "0", newPrimary: alias(101) }),
      Code.DEADLINE_EXCEEDED,
      /failed to catch up/,
    );
    expect(vtctld.tmc.steps()).toContain(`undoDemotePrimary ${Z(100)}`);
    expect(vtctld.tmc.callsOf("promoteReplica")).toEqual([]);
    expect(vtctld.tmc.callsOf("setReplicationSource")).toEqual([]);
    expect(await shardPrimary()).toBe(Z(100));
  });

  it("undoes a failed demotion", async () => {
    vtctld.tmc.fail("demotePrimary", Z(100));
    await expectCode(
      vtctld.call("plannedReparentShard", { keyspace: "commerce", shard: "0", newPrimary: alias(101) }),
      Code.UNAVAILABLE,
      /DemotePrimary/,
    );
    expect(vtctld.tmc.steps().slice(-2)).toEqual([`demotePrimary ${Z(100)}`, `undoDemotePrimary ${Z(100)}`]);
  });

  it("refuses a primary-elect of another shard, changing nothing", async () => {
    const before = await snapshotTopo(vtctld.ts);
    await expectCode(
      vtctld.call("plannedReparentShard", { keyspace: "commerce", shard: "0", newPrimary: alias(200) }),
      Code.INVALID_ARGUMENT,
      /^tablet zone1-0000000200 is not in shard commerce\/0/,
    );
    await expectCode(
      vtctld.call("plannedReparentShard", { keyspace: "commerce", shard: "0", newPrimary: alias(999) }),
      Code.INVALID_ARGUMENT,
      /zone1-0000000999 is not in shard commerce\/0/,
    );
    await expectCode(
      vtctld.call("plannedReparentShard", { keyspace: "commerce", shard: "0", newPrimary: alias(102) }),
      Code.INVALID_ARGUMENT,
      /zone1-0000000102 cannot be promoted/,
    );
    expect(vtctld.tmc.calls).toEqual([]);
    expect(await snapshotTopo(vtctld.ts)).toEqual(before);
  });

  it("refuses a primary-elect that does not replicate from the current primary, before demoting", async () => {
    vtctld.tmc.respond("replicationStatus", Z(101), () => ({ status: replicaStatus(55, "MariaDB/0-100-3") }));
    await expectCode(
      vtctld.call("plannedReparentShard", { keyspace: "commerce", shard: "0", newPrimary: alias(101) }),
      Code.FAILED_PRECONDITION,
      /does not replicate from the current primary zone1-0000000100/,
    );
    expect(vtctld.tmc.callsOf("demotePrimary")).toEqual([]);
  });

  it("with the current primary as primary-elect, only fixes up its replicas", async () => {
    await vtctld.call("plannedReparentShard", { keyspace: "commerce", shard: "0", newPrimary: alias(100) });
    expect(vtctld.tmc.steps()).toEqual([
      `setReadWrite ${Z(100)}`,
      `primaryPosition ${Z(100)}`,
      `setReplicationSource ${Z(101)}`,
      `setReplicationSource ${Z(102)}`,
      `populateReparentJournal ${Z(100)}`,
    ]);
    expect(await shardPrimary()).toBe(Z(100));
  });

  it("without --new-primary, moves away from the current primary to the most advanced replica", async () => {
    await addTablet(vtctld.ts, { uid: 103, keyspace: "commerce", shard: "0" });
    vtctld.tmc
      .respond("replicationStatus", Z(101), () => ({ status: replicaStatus(100, "MariaDB/0-100-8") }))
      .respond("replicationStatus", Z(103), () => ({ status: replicaStatus(100, "MariaDB/0-100-10") }))
      .respond("promoteReplica", Z(103), () => ({ position: "MariaDB/0-100-12" }));
    const response = await vtctld.call("plannedReparentShard", { keyspace: "commerce", shard: "0" });
    expect(response.promotedPrimary).toEqual(alias(103));
    expect(await shardPrimary()).toBe(Z(103));
  });

  it("with --avoid-primary naming a non-primary, does nothing", async () => {
    await vtctld.call("plannedReparentShard", { keyspace: "commerce", shard: "0", avoidPrimary: alias(101) });
    expect(vtctld.tmc.calls).toEqual([]);
    expect(await shardPrimary()).toBe(Z(100));
  });
});

describe("first primary of a fresh shard", () => {
  beforeEach(async () => {
    await addTablet(vtctld.ts, { uid: 100, keyspace: "commerce", shard: "0" });
    await addTablet(vtctld.ts, { uid: 101, keyspace: "commerce", shard: "0" });
    await addTablet(vtctld.ts, { uid: 102, keyspace: "commerce", shard: "0", type: TabletType.RDONLY });
    vtctld.tmc.respond("initPrimary", Z(100), () => ({ position: "MariaDB/0-100-1" }));
  });

  it("PlannedReparentShard initializes the primary-elect and points the others at it", async () => {
    await vtctld.call("plannedReparentShard", { keyspace: "commerce", shard: "0", newPrimary: alias(100) });
    expect(vtctld.tmc.steps()).toEqual([
      `initPrimary ${Z(100)}`,
      `setReplicationSource ${Z(101)}`,
      `setReplicationSource ${Z(102)}`,
      `populateReparentJournal ${Z(100)}`,
    ]);
    expect(await shardPrimary()).toBe(Z(100));
  });

  it("InitShardPrimary resets replication, inits the primary and the replicas at its position", async () => {
    await vtctld.call("initShardPrimary", {
      keyspace: "commerce",
      shard: "0",
      primaryElectTabletAlias: alias(100),
    });
    const steps = vtctld.tmc.steps();
    expect(steps.slice(0, 3).sort()).toEqual([Z(100), Z(101), Z(102)].map((a) => `resetReplication ${a}`));
    expect(steps.slice(3, 7)).toEqual([
      `initPrimary ${Z(100)}`,
      `populateReparentJournal ${Z(100)}`,
      `initReplica ${Z(101)}`,
      `initReplica ${Z(102)}`,
    ]);
    for (const call of vtctld.tmc.callsOf("initReplica")) {
      expect(call.request).toMatchObject({ parent: alias(100), replicationPosition: "MariaDB/0-100-1" });
    }
    expect(await shardPrimary()).toBe(Z(100));
  });

  it("InitShardPrimary refuses when the shard has another primary, unless --force", async () => {
    await updateShardFields(vtctld.ts, "commerce", "0", (shard) => {
      shard.primaryAlias = alias(101);
    });
    const before = await snapshotTopo(vtctld.ts);
    await expectCode(
      vtctld.call("initShardPrimary", {
        keyspace: "commerce",
        shard: "0",
        primaryElectTabletAlias: alias(100),
      }),
      Code.FAILED_PRECONDITION,
      /already has primary zone1-0000000101; use --force/,
    );
    expect(vtctld.tmc.calls).toEqual([]);
    expect(await snapshotTopo(vtctld.ts)).toEqual(before);
    await vtctld.call("initShardPrimary", {
      keyspace: "commerce",
      shard: "0",
      primaryElectTabletAlias: alias(100),
      force: true,
    });
    expect(await shardPrimary()).toBe(Z(100));
  });
});

describe("EmergencyReparentShard", () => {
  beforeEach(async () => {
    await addTablet(vtctld.ts, {
      uid: 100,
      keyspace: "commerce",
      shard: "0",
      type: TabletType.PRIMARY,
      primaryTermStartSeconds: 1,
    });
    await addTablet(vtctld.ts, { uid: 101, keyspace: "commerce", shard: "0" });
    await addTablet(vtctld.ts, { uid: 102, keyspace: "commerce", shard: "0", type: TabletType.RDONLY });
    await addTablet(vtctld.ts, { uid: 103, keyspace: "commerce", shard: "0" });
    await updateShardFields(vtctld.ts, "commerce", "0", (shard) => {
      shard.primaryAlias = alias(100);
    });
    const positions: Record<string, string> = {
      [Z(101)]: "MariaDB/0-100-10",
      [Z(102)]: "MariaDB/0-100-13",
      [Z(103)]: "MariaDB/0-100-12",
    };
    vtctld.tmc
      .fail("demotePrimary", Z(100))
      .fail("setReplicationSource", Z(100))
      .respond("stopReplicationAndGetStatus", "*", (_request, tablet) => ({
        status: {
          before: undefined,
          after: replicaStatus(100, positions[tabletAliasString(tablet.alias ?? alias(0))] ?? ""),
        },
      }))
      .respond("promoteReplica", "*", () => ({ position: "MariaDB/0-100-12" }));
  });

  it("promotes the most advanced promotable replica after it applied its relay logs", async () => {
    const response = await vtctld.call("emergencyReparentShard", { keyspace: "commerce", shard: "0" });
    expect(response.promotedPrimary).toEqual(alias(103)); // 102 is further ahead but RDONLY
    const steps = vtctld.tmc.steps();
    expect(steps).toContain(`waitForPosition ${Z(103)}`);
    expect(steps.indexOf(`promoteReplica ${Z(103)}`)).toBeGreaterThan(
      steps.indexOf(`waitForPosition ${Z(103)}`),
    );
    expect(steps).toEqual(
      expect.arrayContaining([`setReplicationSource ${Z(101)}`, `setReplicationSource ${Z(102)}`]),
    );
    expect(await shardPrimary()).toBe(Z(103));
  });

  it("refuses a --new-primary that is behind another replica", async () => {
    await expectCode(
      vtctld.call("emergencyReparentShard", { keyspace: "commerce", shard: "0", newPrimary: alias(101) }),
      Code.FAILED_PRECONDITION,
      /zone1-0000000101 .* is not the most advanced replica: zone1-0000000103/,
    );
    expect(vtctld.tmc.callsOf("promoteReplica")).toEqual([]);
    expect(await shardPrimary()).toBe(Z(100));
  });

  it("leaves --ignore-replicas alone", async () => {
    await vtctld.call("emergencyReparentShard", {
      keyspace: "commerce",
      shard: "0",
      ignoreReplicas: [alias(103)],
    });
    expect(vtctld.tmc.steps().filter((s) => s.endsWith(Z(103)))).toEqual([]);
    expect(await shardPrimary()).toBe(Z(101));
  });
});
