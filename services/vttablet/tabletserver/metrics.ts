import { Counter, Gauge, type Registry } from "prom-client";
import type { PoolStats } from "../../../libs/mysql/pool.js";
import {
  type CounterChild,
  type HistogramChild,
  HotCounter,
  HotHistogram,
} from "../../../libs/servenv/hot-metrics.js";
import { Code } from "../../../libs/vterrors/index.js";
import type { PlanType } from "./statement-kind.js";

/** Replaces a metric of the same name left by an earlier TabletServer on this registry. */
function fresh(registry: Registry, name: string): string {
  if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  return name;
}

/**
 * The query service's Prometheus metrics (Vitess exports the same facts as QueryCounts, Queries,
 * Errors, the pools' Capacity/InUse and Kills).
 */
export class TabletServerMetrics {
  private readonly queries: HotCounter<"plan_type">;
  private readonly latency: HotHistogram<"plan_type">;
  /** Per plan type, resolved once (the per-query path). */
  private readonly byPlanType = new Map<PlanType, { count: CounterChild; latency: HistogramChild }>();
  private readonly errors: Counter<"error_code">;
  private readonly txKilled: Counter;
  private readonly queriesKilled: Counter;

  constructor(registry: Registry, pools: () => readonly PoolStats[]) {
    const registers = [registry];
    this.queries = new HotCounter(registry, {
      name: "vttablet_queries_total",
      help: "Statements executed, by plan type",
      labelNames: ["plan_type"],
    });
    this.latency = new HotHistogram(registry, {
      name: "vttablet_query_duration_seconds",
      help: "Time to execute a statement (streaming: until the last row), by plan type",
      labelNames: ["plan_type"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
    this.errors = new Counter({
      name: fresh(registry, "vttablet_errors_total"),
      help: "Failed query service calls, by vtrpc error code",
      labelNames: ["error_code"],
      registers,
    });
    this.txKilled = new Counter({
      name: fresh(registry, "vttablet_transactions_killed_total"),
      help: "Transactions rolled back by the transaction killer",
      registers,
    });
    this.queriesKilled = new Counter({
      name: fresh(registry, "vttablet_queries_killed_total"),
      help: "Statements killed (KILL QUERY) for a timeout or a cancelled call",
      registers,
    });
    new Gauge({
      name: fresh(registry, "vttablet_pool_capacity"),
      help: "Connections a pool may open",
      labelNames: ["pool"],
      registers,
      collect() {
        for (const stats of pools()) this.set({ pool: stats.name }, stats.capacity);
      },
    });
    new Gauge({
      name: fresh(registry, "vttablet_pool_in_use"),
      help: "Connections of a pool lent out",
      labelNames: ["pool"],
      registers,
      collect() {
        for (const stats of pools()) this.set({ pool: stats.name }, stats.inUse);
      },
    });
    new Gauge({
      name: fresh(registry, "vttablet_pool_waiting"),
      help: "Callers waiting for a connection of a pool",
      labelNames: ["pool"],
      registers,
      collect() {
        for (const stats of pools()) this.set({ pool: stats.name }, stats.waiting);
      },
    });
  }

  query(planType: PlanType, seconds: number): void {
    let children = this.byPlanType.get(planType);
    if (children === undefined) {
      children = {
        count: this.queries.child({ plan_type: planType }),
        latency: this.latency.child({ plan_type: planType }),
      };
      this.byPlanType.set(planType, children);
    }
    children.count.inc();
    children.latency.observe(seconds);
  }

  error(code: Code): void {
    this.errors.inc({ error_code: Code[code] ?? String(code) });
  }

  transactionKilled(): void {
    this.txKilled.inc();
  }

  queryKilled(): void {
    this.queriesKilled.inc();
  }
}
