import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { type HealthCheck, type TabletHealth, tabletTypeName } from "../../libs/discovery/index.js";
import { Code, errorCode } from "../../libs/vterrors/index.js";
import type { ExecutorStats } from "./executor/executor.js";
import type { BufferOutcome, BufferStats } from "./gateway/failover-buffer.js";
import type { GatewayOperation, GatewayStats } from "./gateway/tablet-gateway.js";
import type { Plan } from "./planbuilder/plan.js";

/** Calls, errors and time spent per tablet, for /debug/status. */
export interface TabletCallCounts {
  calls: number;
  errors: number;
  totalMs: number;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Plan labels by plan: describing a plan on every statement showed in make bench-vtgate's profiles. */
const planLabels = new WeakMap<Plan, string>();

function planLabel(plan: Plan): string {
  let label = planLabels.get(plan);
  if (label === undefined) {
    const description = plan.instructions.describe();
    const variant = description.variant;
    label = typeof variant === "string" ? `${description.operator}:${variant}` : description.operator;
    planLabels.set(plan, label);
  }
  return label;
}

/**
 * vtgate's Prometheus metrics (Vitess exports the same facts as QueriesProcessed/QueriesRouted by plan,
 * VtgateApi timings, VtgateApiErrorCounts, HealthcheckConnections, BufferRequests): statements by
 * keyspace/type/plan, latency, errors by code, calls per tablet, buffering outcomes, open connections.
 */
export class VtgateMetrics implements ExecutorStats, GatewayStats, BufferStats {
  private readonly queries: Counter<"keyspace" | "statement" | "plan">;
  private readonly latency: Histogram<"statement">;
  private readonly errors: Counter<"code" | "statement">;
  private readonly tabletCalls: Counter<"tablet" | "keyspace" | "shard" | "tablet_type" | "operation">;
  private readonly tabletErrors: Counter<"tablet" | "keyspace" | "shard" | "tablet_type" | "operation">;
  private readonly tabletLatency: Histogram<"operation">;
  private readonly buffer: Counter<"keyspace" | "shard" | "outcome">;
  private readonly bufferWait: Histogram;
  private readonly connections: Gauge;
  private readonly connectionsAccepted: Counter;
  /** Per tablet alias. */
  readonly perTablet = new Map<string, TabletCallCounts>();

  constructor(registry: Registry, healthCheck: HealthCheck) {
    const registers = [registry];
    this.queries = new Counter({
      name: "vtgate_queries_total",
      help: "Statements executed, by keyspace, statement type and plan",
      labelNames: ["keyspace", "statement", "plan"],
      registers,
    });
    this.latency = new Histogram({
      name: "vtgate_query_duration_seconds",
      help: "Time to execute a statement, by statement type",
      labelNames: ["statement"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: "vtgate_query_errors_total",
      help: "Statements that failed, by vtrpc code and statement type",
      labelNames: ["code", "statement"],
      registers,
    });
    this.tabletCalls = new Counter({
      name: "vtgate_tablet_calls_total",
      help: "Calls to tablets, by tablet, target and operation",
      labelNames: ["tablet", "keyspace", "shard", "tablet_type", "operation"],
      registers,
    });
    this.tabletErrors = new Counter({
      name: "vtgate_tablet_call_errors_total",
      help: "Calls to tablets that failed",
      labelNames: ["tablet", "keyspace", "shard", "tablet_type", "operation"],
      registers,
    });
    this.tabletLatency = new Histogram({
      name: "vtgate_tablet_call_duration_seconds",
      help: "Time of calls to tablets, by operation",
      labelNames: ["operation"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.buffer = new Counter({
      name: "vtgate_buffer_requests_total",
      help: "PRIMARY requests that met a failover, by how their buffering ended",
      labelNames: ["keyspace", "shard", "outcome"],
      registers,
    });
    this.bufferWait = new Histogram({
      name: "vtgate_buffer_wait_seconds",
      help: "Time requests waited in the failover buffer",
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 20],
      registers,
    });
    this.connections = new Gauge({
      name: "vtgate_mysql_connections",
      help: "Open MySQL protocol connections",
      registers,
    });
    this.connectionsAccepted = new Counter({
      name: "vtgate_mysql_connections_accepted_total",
      help: "MySQL protocol connections accepted",
      registers,
    });
    new Gauge({
      name: "vtgate_healthcheck_tablets",
      help: "Tablets the health check follows, by target and serving state",
      labelNames: ["keyspace", "shard", "tablet_type", "serving"],
      registers,
      collect() {
        this.reset();
        for (const t of healthCheck.tablets()) {
          this.inc({
            keyspace: t.target.keyspace,
            shard: t.target.shard,
            tablet_type: tabletTypeName(t.target.tabletType),
            serving: String(t.serving),
          });
        }
      },
    });
  }

  statement(plan: Plan | undefined, durationMs: number, error: unknown): void {
    const statement = plan?.statementType ?? "UNPLANNED";
    if (plan) this.queries.inc({ keyspace: plan.keyspace, statement, plan: planLabel(plan) });
    this.latency.observe({ statement }, durationMs / 1000);
    if (error !== undefined) this.errors.inc({ code: Code[errorCode(error)] ?? "UNKNOWN", statement });
  }

  tabletCall(tablet: TabletHealth, operation: GatewayOperation, durationMs: number, error: unknown): void {
    const labels = {
      tablet: tablet.alias,
      keyspace: tablet.target.keyspace,
      shard: tablet.target.shard,
      tablet_type: tabletTypeName(tablet.target.tabletType),
      operation,
    };
    this.tabletCalls.inc(labels);
    if (error !== undefined) this.tabletErrors.inc(labels);
    this.tabletLatency.observe({ operation }, durationMs / 1000);
    let counts = this.perTablet.get(tablet.alias);
    if (!counts) {
      counts = { calls: 0, errors: 0, totalMs: 0 };
      this.perTablet.set(tablet.alias, counts);
    }
    counts.calls++;
    counts.totalMs += durationMs;
    if (error !== undefined) counts.errors++;
  }

  buffered(keyspace: string, shard: string, outcome: BufferOutcome, waitedMs: number): void {
    this.buffer.inc({ keyspace, shard, outcome });
    if (waitedMs > 0) this.bufferWait.observe(waitedMs / 1000);
  }

  connectionCount(delta: 1 | -1): void {
    this.connections.inc(delta);
    if (delta > 0) this.connectionsAccepted.inc();
  }
}
