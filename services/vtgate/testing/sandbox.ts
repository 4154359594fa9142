/**
 * Executor unit tests run vtgate for real down to the tablet connections: health check, gateway (with
 * the failover buffer), topology view, planner and executor, over FakeTablets (Vitess's sandboxconn) that
 * record every call and can be told to fail.
 */
import { HealthCheck } from "../../../libs/discovery/index.js";
import { FakeTablet, fakeDialer } from "../../../libs/discovery/testing/fake-tablet.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import type { SrvVSchema } from "../../../libs/proto/vschema.js";
import { createDefaultVindexRegistry } from "../../../libs/vindexes/index.js";
import { parseSrvVSchema } from "../../../libs/vschema/index.js";
import type { ExecContext } from "../executor/context.js";
import { Executor } from "../executor/executor.js";
import { FailoverBuffer } from "../gateway/failover-buffer.js";
import { TabletGateway } from "../gateway/tablet-gateway.js";
import { SafeSession } from "../session/safe-session.js";
import { TopologyView } from "../srvtopo/topology-view.js";

export interface SandboxOptions {
  /** Tablets as "alias keyspace shard TYPE", e.g. "zone1-100 commerce 0 PRIMARY". */
  tablets: readonly string[];
  /** SrvVSchema as JSON (Vitess's format); none by default. */
  srvVSchema?: unknown;
  bufferWindowMs?: number;
}

export interface Sandbox {
  readonly tablets: Map<string, FakeTablet>;
  readonly healthCheck: HealthCheck;
  readonly gateway: TabletGateway;
  readonly topology: TopologyView;
  readonly executor: Executor;
  /** The tablet of a uid of zone1 (100 -> zone1-0000000100). */
  tablet(uid: number): FakeTablet;
  session(target?: string): SafeSession;
  run(session: SafeSession, sql: string, context?: ExecContext): ReturnType<Executor["execute"]>;
  setSrvVSchema(json: unknown): void;
  close(): void;
}

const TYPES: Readonly<Record<string, TabletType>> = {
  PRIMARY: TabletType.PRIMARY,
  REPLICA: TabletType.REPLICA,
  RDONLY: TabletType.RDONLY,
};

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const tablets = new Map<string, FakeTablet>();
  for (const spec of options.tablets) {
    const [alias, keyspace, shard, type] = spec.split(" ") as [string, string, string, string];
    const tablet = new FakeTablet(alias, keyspace, shard, TYPES[type] ?? TabletType.REPLICA);
    tablets.set(tablet.aliasString, tablet);
  }
  const list = [...tablets.values()];
  const healthCheck = new HealthCheck({
    dialer: fakeDialer(list),
    localCell: "zone1",
    stream: { retryDelayMs: 10, maxRetryDelayMs: 20, timeoutMs: 60_000 },
  });
  for (const t of list) healthCheck.addTablet(t.record);
  const deadline = Date.now() + 2_000;
  while (healthCheck.tablets().some((t) => !t.serving)) {
    if (Date.now() > deadline) throw new Error("sandbox tablets did not become serving");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const buffer = new FailoverBuffer(healthCheck, {
    windowMs: options.bufferWindowMs ?? 2_000,
    maxFailoverDurationMs: 20_000,
    maxBuffered: 100,
  });
  const gateway = new TabletGateway(healthCheck, { retryCount: 2, buffer });
  const topology = new TopologyView(healthCheck, createDefaultVindexRegistry());
  const setSrvVSchema = (json: unknown) => {
    const srv: SrvVSchema = parseSrvVSchema(json);
    topology.setSrvVSchema(srv);
  };
  if (options.srvVSchema !== undefined) setSrvVSchema(options.srvVSchema);
  const executor = new Executor(
    { gateway, topology, serverVersion: "8.0.40-Vitess" },
    { planCacheSize: 100 },
  );
  return {
    tablets,
    healthCheck,
    gateway,
    topology,
    executor,
    tablet(uid) {
      const t = tablets.get(`zone1-${String(uid).padStart(10, "0")}`);
      if (!t) throw new Error(`no sandbox tablet ${uid}`);
      return t;
    },
    session: (target = "") => SafeSession.forMysqlConnection(target),
    run: (session, sql, context = {}) => executor.execute(session, sql, {}, context),
    setSrvVSchema,
    close() {
      buffer.close();
      topology.close();
      healthCheck.close();
    },
  };
}
