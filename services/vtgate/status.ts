import { type HealthCheck, tabletTypeName } from "../../libs/discovery/index.js";
import { type DaemonHttpServer, escapeHtml, htmlTable } from "../../libs/servenv/index.js";
import type { Executor } from "./executor/executor.js";
import type { FailoverBuffer } from "./gateway/failover-buffer.js";
import type { VtgateMetrics } from "./metrics.js";
import type { TopologyView } from "./srvtopo/topology-view.js";

export interface StatusSources {
  readonly healthCheck: HealthCheck;
  readonly topology: TopologyView;
  readonly executor: Executor;
  readonly metrics: VtgateMetrics;
  readonly buffer: FailoverBuffer | undefined;
  readonly cell: string;
  readonly cellsToWatch: readonly string[];
  readonly mysqlConnections: () => number;
}

function termStart(seconds: number): string {
  return seconds > 0 ? new Date(seconds * 1000).toISOString() : "";
}

/** /debug/status of vtgate: tablets and their health with query counts, keyspaces, buffer, plan cache. */
export function addStatusSections(http: DaemonHttpServer, sources: StatusSources): void {
  http.addStatusSection({
    title: "Tablets",
    render: () => {
      const rows = [...sources.healthCheck.tablets()]
        .sort((a, b) => a.target.keyspace.localeCompare(b.target.keyspace) || a.alias.localeCompare(b.alias))
        .map((t) => {
          const counts = sources.metrics.perTablet.get(t.alias);
          return [
            escapeHtml(t.tablet.alias?.cell ?? ""),
            escapeHtml(t.target.keyspace),
            escapeHtml(t.target.shard),
            escapeHtml(tabletTypeName(t.target.tabletType)),
            escapeHtml(t.alias),
            escapeHtml(t.address),
            t.serving ? "SERVING" : "<b>NOT_SERVING</b>",
            escapeHtml(termStart(t.primaryTermStartTime)),
            String(t.replicationLagSeconds),
            String(counts?.calls ?? 0),
            String(counts?.errors ?? 0),
            counts && counts.calls > 0 ? (counts.totalMs / counts.calls).toFixed(2) : "",
            escapeHtml(t.lastError ?? ""),
          ];
        });
      return (
        `<p>cell ${escapeHtml(sources.cell)}, watching ${escapeHtml(sources.cellsToWatch.join(", "))}</p>` +
        htmlTable(
          [
            "Cell",
            "Keyspace",
            "Shard",
            "TabletType",
            "Alias",
            "Address",
            "State",
            "PrimaryTermStartTime",
            "Lag (s)",
            "Queries",
            "Errors",
            "Avg ms",
            "Last error",
          ],
          rows,
        )
      );
    },
  });
  http.addStatusSection({
    title: "Keyspaces",
    render: () => {
      const vschema = sources.topology.vschema;
      const rows = [...vschema.keyspaces.values()].map((ks) => [
        escapeHtml(ks.keyspace.name),
        ks.keyspace.sharded ? "yes" : "no",
        escapeHtml(sources.topology.shardNames(ks.keyspace.name).join(", ")),
        escapeHtml(
          [...sources.topology.partitionsOf(ks.keyspace.name)]
            .map(([type, shards]) => `${tabletTypeName(type)}: ${shards.join(" ")}`)
            .join("; ") || "(no SrvKeyspace)",
        ),
        String(ks.tables.size),
        escapeHtml(ks.errors.map((e) => `${e.path}: ${e.error.message}`).join("; ")),
      ]);
      return (
        htmlTable(["Keyspace", "Sharded", "Shards", "Partitions", "Tables", "VSchema errors"], rows) +
        `<p>routing rules: ${vschema.routingRules.size}</p>`
      );
    },
  });
  http.addStatusSection({
    title: "Failover buffer",
    render: () => {
      if (!sources.buffer) return "<p>disabled (--enable-buffer=false)</p>";
      const rows = sources.buffer
        .snapshot()
        .map((f) => [escapeHtml(f.shard), String(f.waiting), new Date(f.startedAt).toISOString()]);
      return rows.length === 0
        ? "<p>no failover in progress</p>"
        : htmlTable(["Shard", "Waiting", "Since"], rows);
    },
  });
  http.addStatusSection({
    title: "Executor",
    render: () => {
      const cache = sources.executor.planCache;
      return `<p>MySQL connections: ${sources.mysqlConnections()}; plan cache: ${cache.size} plans, ${cache.hits} hits, ${cache.misses} misses</p>`;
    },
  });
}
