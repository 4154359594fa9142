import { describe, expect, it } from "vitest";
import {
  emptyReplicationStatus,
  ReplicationState,
  type ReplicationStatus,
} from "../../libs/mysql/flavor/index.js";
import { Tablet, TabletType } from "../../libs/proto/topodata.js";
import { createMemoryTopoServer } from "../../libs/topo/index.js";
import { HealthChecker, replicationHealthOf } from "./health-check.js";
import { TabletState } from "./tablet-state.js";
import { FakeQueryService, FakeReadOnly, silentLogger } from "./testing/fakes.js";

function running(lag: number | undefined): ReplicationStatus {
  return {
    ...emptyReplicationStatus(),
    ioState: ReplicationState.Running,
    sqlState: ReplicationState.Running,
    replicationLagSeconds: lag ?? 0,
    replicationLagUnknown: lag === undefined,
  };
}

describe("replicationHealthOf", () => {
  it("is unhealthy when not configured, stopped or too far behind", () => {
    expect(replicationHealthOf(undefined, 60_000)).toMatchObject({
      healthy: false,
      error: "replication is not configured",
    });
    const stopped = { ...running(0), sqlState: ReplicationState.Stopped, lastSqlError: "Duplicate entry" };
    expect(replicationHealthOf(stopped, 60_000).error).toBe("replication is not running: Duplicate entry");
    expect(replicationHealthOf(running(61), 60_000)).toMatchObject({ healthy: false, lagSeconds: 61 });
    expect(replicationHealthOf(running(5), 60_000)).toEqual({ healthy: true, lagSeconds: 5 });
  });
});

describe("HealthChecker", () => {
  it("feeds mysqld reachability and replication health into the serving state", async () => {
    const { server: ts } = await createMemoryTopoServer(["zone1"]);
    const queryService = new FakeQueryService();
    const tablet = Tablet.fromPartial({
      alias: { cell: "zone1", uid: 1 },
      keyspace: "ks",
      shard: "0",
      type: TabletType.REPLICA,
    });
    const state = new TabletState(tablet, {
      ts,
      mysqld: new FakeReadOnly(),
      queryService,
      logger: silentLogger,
    });
    let reachable = true;
    let status: ReplicationStatus | undefined;
    const checker = new HealthChecker({
      state,
      mysqld: {
        ping: async () => {
          if (!reachable) throw new Error("connection refused");
        },
        replicationStatus: async () => status,
      },
      queryService,
      logger: silentLogger,
      intervalMs: 1_000,
      unhealthyThresholdMs: 60_000,
    });
    await checker.checkNow();
    expect(queryService.last?.serving).toBe(false);
    expect(queryService.replication.at(-1)?.error).toBe("replication is not configured");
    status = running(2);
    await checker.checkNow();
    expect(queryService.last?.serving).toBe(true);
    expect(queryService.replication.at(-1)).toEqual({ lagSeconds: 2 });
    reachable = false;
    await checker.checkNow();
    expect(queryService.last?.serving).toBe(false);
    expect(checker.snapshot.mysqlError).toBe("connection refused");
  });
});
