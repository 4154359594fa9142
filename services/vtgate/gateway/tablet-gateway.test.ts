import { afterEach, describe, expect, it } from "vitest";
import { HealthCheck } from "../../../libs/discovery/index.js";
import { FakeTablet, fakeDialer, fakeResult } from "../../../libs/discovery/testing/fake-tablet.js";
import type { Target } from "../../../libs/proto/query.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import { FailoverBuffer } from "./failover-buffer.js";
import { TabletGateway } from "./tablet-gateway.js";

const PRIMARY: Target = { keyspace: "commerce", shard: "0", tabletType: TabletType.PRIMARY, cell: "" };
const REPLICA: Target = { ...PRIMARY, tabletType: TabletType.REPLICA };
const query = (sql: string) => ({ sql, bindVariables: {} });

async function until(what: string, check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("TabletGateway", () => {
  let hc: HealthCheck;
  let buffer: FailoverBuffer | undefined;
  afterEach(() => {
    buffer?.close();
    hc.close();
  });

  async function setup(tablets: FakeTablet[], bufferWindowMs?: number) {
    hc = new HealthCheck({
      dialer: fakeDialer(tablets),
      localCell: "zone1",
      stream: { retryDelayMs: 10, maxRetryDelayMs: 20, timeoutMs: 10_000 },
    });
    for (const t of tablets) hc.addTablet(t.record);
    await until(
      "tablets serving",
      () => hc.tablets().filter((t) => t.serving).length === tablets.filter((t) => t.serving).length,
    );
    buffer =
      bufferWindowMs === undefined
        ? undefined
        : new FailoverBuffer(hc, {
            windowMs: bufferWindowMs,
            maxFailoverDurationMs: 20_000,
            maxBuffered: 10,
          });
    return new TabletGateway(hc, { retryCount: 2, buffer });
  }

  it("sends a call to a serving tablet of the target", async () => {
    const primary = new FakeTablet("zone1-100", "commerce", "0", TabletType.PRIMARY);
    const replica = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    replica.answer("select 1", fakeResult(7));
    const gw = await setup([primary, replica]);
    expect((await gw.execute({ target: REPLICA, query: query("select 1") })).rowsAffected).toBe(7);
    expect(replica.queries()).toEqual(["select 1"]);
    expect(primary.queries()).toEqual([]);
  });

  it("retries a refused read on another replica", async () => {
    const r1 = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    const r2 = new FakeTablet("zone1-102", "commerce", "0", TabletType.REPLICA);
    const gw = await setup([r1, r2]);
    r1.failNext(new VtError(Code.UNAVAILABLE, "not serving"), 1);
    await gw.execute({ target: REPLICA, query: query("select 1") });
    expect(r1.queries()).toEqual(["select 1"]);
    expect(r2.queries()).toEqual(["select 1"]);
  });

  it("fails once every tablet of the target refused", async () => {
    const r1 = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    const r2 = new FakeTablet("zone1-102", "commerce", "0", TabletType.REPLICA);
    const gw = await setup([r1, r2]);
    r1.failNext(new VtError(Code.UNAVAILABLE, "not serving"), 10);
    r2.failNext(new VtError(Code.UNAVAILABLE, "not serving"), 10);
    const err = await gw.execute({ target: REPLICA, query: query("select 1") }).catch((e) => e);
    expect(err).toBeInstanceOf(VtError);
    expect(err.message).toBe("target: commerce.0.replica: not serving");
    expect(r1.calls.length + r2.calls.length).toBe(2);
  });

  it("does not retry errors MySQL produced", async () => {
    const r1 = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    const r2 = new FakeTablet("zone1-102", "commerce", "0", TabletType.REPLICA);
    const gw = await setup([r1, r2]);
    const dup = new VtError(Code.ALREADY_EXISTS, "Duplicate entry", {
      mysql: { errno: 1062, sqlstate: "23000" },
    });
    r1.failNext(dup, 1);
    r2.failNext(dup, 1);
    const err = await gw.execute({ target: REPLICA, query: query("select 1") }).catch((e) => e);
    expect(err.mysql).toEqual({ errno: 1062, sqlstate: "23000" });
    expect(r1.calls.length + r2.calls.length).toBe(1);
  });

  it("fails clearly when no tablet serves the target", async () => {
    const gw = await setup([new FakeTablet("zone1-100", "commerce", "0", TabletType.PRIMARY)]);
    const err = await gw.execute({ target: REPLICA, query: query("select 1") }).catch((e) => e);
    expect(err.code).toBe(Code.UNAVAILABLE);
    expect(err.message).toContain("no healthy tablet available for 'commerce.0.replica'");
  });

  it("keeps a transaction on the tablet that began it, without retries", async () => {
    const primary = new FakeTablet("zone1-100", "commerce", "0", TabletType.PRIMARY);
    const gw = await setup([primary], 1_000);
    const begun = await gw.beginExecute({ target: PRIMARY, query: query("insert into t values (1)") });
    expect(begun.tabletAlias).toBe("zone1-0000000100");
    expect(primary.transactions.has(begun.transactionId)).toBe(true);
    await gw.execute({
      target: PRIMARY,
      query: query("insert into t values (2)"),
      transactionId: begun.transactionId,
      tabletAlias: begun.tabletAlias,
    });
    primary.failNext(new VtError(Code.UNAVAILABLE, "not serving"), 1);
    const started = Date.now();
    const err = await gw
      .execute({
        target: PRIMARY,
        query: query("x"),
        transactionId: begun.transactionId,
        tabletAlias: begun.tabletAlias,
      })
      .catch((e) => e);
    expect(err.code).toBe(Code.UNAVAILABLE);
    expect(Date.now() - started).toBeLessThan(500); // not buffered
    await gw.commit({ target: PRIMARY, transactionId: begun.transactionId, tabletAlias: begun.tabletAlias });
    expect(primary.transactions.size).toBe(0);
    expect(primary.calls.map((c) => c.method)).toEqual(["beginExecute", "execute", "execute", "commit"]);
  });

  it("reports a statement error of BeginExecute with the open transaction", async () => {
    const primary = new FakeTablet("zone1-100", "commerce", "0", TabletType.PRIMARY);
    primary.answer("bad", () => {
      throw new VtError(Code.NOT_FOUND, "Table 'vt_commerce.nope' doesn't exist", {
        mysql: { errno: 1146, sqlstate: "42S02" },
      });
    });
    const gw = await setup([primary]);
    const outcome = await gw.beginExecute({ target: PRIMARY, query: query("bad") });
    expect(outcome.error?.mysql).toEqual({ errno: 1146, sqlstate: "42S02" });
    expect(outcome.error?.message).toBe("target: commerce.0.primary: Table 'vt_commerce.nope' doesn't exist");
    expect(primary.transactions.has(outcome.transactionId)).toBe(true);
  });

  it("buffers a write during a primary change and retries it on the new primary", async () => {
    const oldPrimary = new FakeTablet("zone1-100", "commerce", "0", TabletType.PRIMARY);
    const newPrimary = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    const gw = await setup([oldPrimary, newPrimary], 5_000);
    // The demotion: the old primary stops serving; the write is refused, then waits for the promotion.
    oldPrimary.serving = false;
    const write = gw.execute({ target: PRIMARY, query: query("insert into t values (1)") });
    await until("write refused", () => oldPrimary.calls.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    newPrimary.setHealth({ type: TabletType.PRIMARY, primaryTermStartTime: 10 });
    oldPrimary.setHealth({ type: TabletType.REPLICA, serving: true });
    await write;
    expect(newPrimary.queries()).toEqual(["insert into t values (1)"]);
    expect(buffer?.snapshot()).toEqual([]);
  });

  it("buffers while there is no primary at all", async () => {
    const replica = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    const gw = await setup([replica], 5_000);
    const write = gw.execute({ target: PRIMARY, query: query("insert into t values (1)") });
    await new Promise((resolve) => setTimeout(resolve, 30));
    replica.setHealth({ type: TabletType.PRIMARY, primaryTermStartTime: 10 });
    await write;
    expect(replica.queries()).toEqual(["insert into t values (1)"]);
  });

  it("fails a buffered write once the window passes without a new primary", async () => {
    const primary = new FakeTablet("zone1-100", "commerce", "0", TabletType.PRIMARY);
    const gw = await setup([primary], 100);
    primary.failNext(new VtError(Code.UNAVAILABLE, "not serving"), 10);
    const started = Date.now();
    const err = await gw.execute({ target: PRIMARY, query: query("insert") }).catch((e) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(err.code).toBe(Code.UNAVAILABLE);
  });

  it("streams results, retrying only before the first one", async () => {
    const r1 = new FakeTablet("zone1-101", "commerce", "0", TabletType.REPLICA);
    const r2 = new FakeTablet("zone1-102", "commerce", "0", TabletType.REPLICA);
    const gw = await setup([r1, r2]);
    r1.failNext(new VtError(Code.UNAVAILABLE, "not serving"), 1);
    const results = [];
    for await (const r of gw.streamExecute({ target: REPLICA, query: query("select 1") })) results.push(r);
    expect(results.length).toBe(1);
    expect(r1.calls.length + r2.calls.length).toBe(2);
  });
});
