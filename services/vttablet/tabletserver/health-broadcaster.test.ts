import { describe, expect, it } from "vitest";
import type { StreamHealthResponse } from "../../../libs/proto/query.js";
import { HealthBroadcaster } from "./health-broadcaster.js";

function health(serving: boolean, lag = 0): StreamHealthResponse {
  return {
    target: undefined,
    serving,
    primaryTermStartTimestamp: 0,
    tabletAlias: { cell: "zone1", uid: 100 },
    realtimeStats: {
      healthError: "",
      replicationLagSeconds: lag,
      binlogPlayersCount: 0,
      filteredReplicationLagSeconds: 0,
      cpuUsage: 0,
      qps: 0,
      tableSchemaChanged: [],
      viewSchemaChanged: [],
      udfsChanged: false,
      txUnresolved: false,
    },
  };
}

describe("HealthBroadcaster", () => {
  it("sends the current health at once, then changes, and the final state before ending", async () => {
    const broadcaster = new HealthBroadcaster(health(true));
    const stream = broadcaster.subscribe(new AbortController().signal);
    expect((await stream.next()).value?.serving).toBe(true);
    const next = stream.next();
    broadcaster.publish(health(true, 5));
    expect((await next).value?.realtimeStats?.replicationLagSeconds).toBe(5);
    const last = stream.next();
    broadcaster.publish(health(false));
    const ended = broadcaster.end(1_000);
    expect((await last).value?.serving).toBe(false);
    expect((await stream.next()).done).toBe(true);
    await ended;
    expect(broadcaster.subscriberCount).toBe(0);
  });

  it("skips to the latest health for a slow stream and resends it periodically", async () => {
    const broadcaster = new HealthBroadcaster(health(true), 30);
    const stream = broadcaster.subscribe(new AbortController().signal);
    await stream.next();
    broadcaster.publish(health(true, 1));
    broadcaster.publish(health(true, 2));
    expect((await stream.next()).value?.realtimeStats?.replicationLagSeconds).toBe(2);
    const started = Date.now();
    expect((await stream.next()).value?.realtimeStats?.replicationLagSeconds).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    await stream.return(undefined);
  });

  it("ends a stream when its caller cancels", async () => {
    const broadcaster = new HealthBroadcaster(health(true));
    const controller = new AbortController();
    const stream = broadcaster.subscribe(controller.signal);
    await stream.next();
    const next = stream.next();
    controller.abort();
    expect((await next).done).toBe(true);
    expect(broadcaster.subscriberCount).toBe(0);
  });

  it("after end, a new stream gets one message and ends", async () => {
    const broadcaster = new HealthBroadcaster(health(false));
    await broadcaster.end(10);
    const received: boolean[] = [];
    for await (const item of broadcaster.subscribe(new AbortController().signal)) received.push(item.serving);
    expect(received).toEqual([false]);
  });
});
