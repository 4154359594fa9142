import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { type HealthCheck, type TabletHealth, tabletTypeName } from "../../libs/discovery/index.js";
import {
  type CounterChild,
  type HistogramChild,
  HotCounter,
  HotHistogram,
} from "../../libs/servenv/hot-metrics.js";
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

type TabletLabel = "tablet" | "keyspace" | "shard" | "tablet_type" | "operation";

export interface PlanCacheStats {
  hits: number;
  misses: number;
  size: number;
}

/** The per-statement counters of one plan, resolved once per plan (the per-query path). */
interface PlanChildren {
  queries: CounterChild;
  latency: HistogramChild;
}

/** The counters of calls to one tablet (alias, type) for one operation. */
interface TabletChildren {
  calls: CounterChild;
  errors: CounterChild;
  latency: HistogramChild;
  counts: TabletCallCounts;
}

/**
 * vtgate's Prometheus metrics (Vitess exports the same facts as QueriesProcessed/QueriesRouted by plan,
 * VtgateApi timings, VtgateApiErrorCounts, HealthcheckConnections, BufferRequests): statements by
 * keyspace/type/plan, latency, errors by code, calls per tablet, buffering outcomes, open connections.
 */
export class VtgateMetrics implements ExecutorStats, GatewayStats, BufferStats {
  private readonly queries: HotCounter<"keyspace" | "statement" | "plan">;
  private readonly latency: HotHistogram<"statement">;
  private readonly errors: Counter<"code" | "statement">;
  private readonly tabletCalls: HotCounter<TabletLabel>;
  private readonly tabletErrors: HotCounter<TabletLabel>;
  private readonly tabletLatency: HotHistogram<"operation">;
  /** Children by plan: describing a plan (its label) on every statement showed in make bench-vtgate's profiles. */
  private readonly planChildren = new WeakMap<Plan, PlanChildren>();
  private readonly tabletChildren = new Map<string, TabletChildren>();
  private readonly buffer: Counter<"keyspace" | "shard" | "outcome">;
  private readonly bufferWait: Histogram;
  private readonly connections: Gauge;
  private readonly connectionsAccepted: Counter;
  /** Per tablet alias. */
  readonly perTablet = new Map<string, TabletCallCounts>();

  constructor(registry: Registry, healthCheck: HealthCheck) {
    const registers = [registry];
    this.queries = new HotCounter(registry, {
      name: "vtgate_queries_total",
      help: "Statements executed, by keyspace, statement type and plan",
      labelNames: ["keyspace", "statement", "plan"],
    });
    this.latency = new HotHistogram(registry, {
      name: "vtgate_query_duration_seconds",
      help: "Time to execute a statement, by statement type",
      labelNames: ["statement"],
      buckets: LATENCY_BUCKETS,
    });
    this.errors = new Counter({
      name: "vtgate_query_errors_total",
      help: "Statements that failed, by vtrpc code and statement type",
      labelNames: ["code", "statement"],
      registers,
    });
    const tabletLabels: TabletLabel[] = ["tablet", "keyspace", "shard", "tablet_type", "operation"];
    this.tabletCalls = new HotCounter(registry, {
      name: "vtgate_tablet_calls_total",
      help: "Calls to tablets, by tablet, target and operation",
      labelNames: tabletLabels,
    });
    this.tabletErrors = new HotCounter(registry, {
      name: "vtgate_tablet_call_errors_total",
      help: "Calls to tablets that failed",
      labelNames: tabletLabels,
    });
    this.tabletLatency = new HotHistogram(registry, {
      name: "vtgate_tablet_call_duration_seconds",
      help: "Time of calls to tablets, by operation",
      labelNames: ["operation"],
      buckets: LATENCY_BUCKETS,
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
    if (plan) {
      const children = this.childrenOf(plan);
      children.queries.inc();
      children.latency.observe(durationMs / 1000);
    } else {
      this.latency.child({ statement }).observe(durationMs / 1000);
    }
    if (error !== undefined) this.errors.inc({ code: Code[errorCode(error)] ?? "UNKNOWN", statement });
  }

  tabletCall(tablet: TabletHealth, operation: GatewayOperation, durationMs: number, error: unknown): void {
    const { keyspace, shard, tabletType } = tablet.target;
    const key = `${tablet.alias}/${keyspace}/${shard}/${tabletType}/${operation}`;
    let children = this.tabletChildren.get(key);
    if (children === undefined) {
      const labels = {
        tablet: tablet.alias,
        keyspace,
        shard,
        tablet_type: tabletTypeName(tabletType),
        operation,
      };
      children = {
        calls: this.tabletCalls.child(labels),
        errors: this.tabletErrors.child(labels),
        latency: this.tabletLatency.child({ operation }),
        counts: this.countsOf(tablet.alias),
      };
      this.tabletChildren.set(key, children);
    }
    children.calls.inc();
    children.latency.observe(durationMs / 1000);
    const counts = children.counts;
    counts.calls++;
    counts.totalMs += durationMs;
    if (error !== undefined) {
      children.errors.inc();
      counts.errors++;
    }
  }

  /** vtgate_plan_cache_{hits,misses}_total and vtgate_plan_cache_plans from the executor's plan cache, read when scraped. */
  watchPlanCache(registry: Registry, cache: () => PlanCacheStats): void {
    new Counter({
      name: "vtgate_plan_cache_hits_total",
      help: "Statements whose plan came from the plan cache",
      registers: [registry],
      collect() {
        this.reset();
        this.inc(cache().hits);
      },
    });
    new Counter({
      name: "vtgate_plan_cache_misses_total",
      help: "Statements that had to be planned",
      registers: [registry],
      collect() {
        this.reset();
        this.inc(cache().misses);
      },
    });
    new Gauge({
      name: "vtgate_plan_cache_plans",
      help: "Plans held in the plan cache",
      registers: [registry],
      collect() {
        this.set(cache().size);
      },
    });
  }

  private childrenOf(plan: Plan): PlanChildren {
    let children = this.planChildren.get(plan);
    if (children === undefined) {
      const description = plan.instructions.describe();
      const variant = description.variant;
      const label = typeof variant === "string" ? `${description.operator}:${variant}` : description.operator;
      children = {
        queries: this.queries.child({ keyspace: plan.keyspace, statement: plan.statementType, plan: label }),
        latency: this.latency.child({ statement: plan.statementType }),
      };
      this.planChildren.set(plan, children);
    }
    return children;
  }

  private countsOf(alias: string): TabletCallCounts {
    let counts = this.perTablet.get(alias);
    if (!counts) {
      counts = { calls: 0, errors: 0, totalMs: 0 };
      this.perTablet.set(alias, counts);
    }
    return counts;
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
