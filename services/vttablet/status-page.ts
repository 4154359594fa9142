import { formatFilePosition, ReplicationState } from "../../libs/mysql/flavor/index.js";
import { encodePosition } from "../../libs/mysql/replication/index.js";
import { type DaemonHttpServer, escapeHtml, htmlTable } from "../../libs/servenv/index.js";
import { tabletAliasString } from "../../libs/topo/index.js";
import type { HealthChecker } from "./health-check.js";
import type { MysqlDaemon } from "./mysql-daemon.js";
import type { SchemaCache } from "./schema-cache.js";
import { type TabletState, tabletTypeName } from "./tablet-state.js";

function row(name: string, value: string): [string, string] {
  return [escapeHtml(name), escapeHtml(value)];
}

/** The vttablet sections of /debug/status: the tablet, its serving state, replication and schema. */
export function addStatusSections(
  http: DaemonHttpServer,
  parts: { state: TabletState; health: HealthChecker; mysqld: MysqlDaemon; schema: SchemaCache },
): void {
  const { state, health, mysqld, schema } = parts;
  http.addStatusSection({
    title: "Tablet",
    render: () => {
      const t = state.tablet;
      const ports = Object.entries(t.portMap)
        .map(([name, port]) => `${name}=${port}`)
        .join(" ");
      return htmlTable(
        ["", ""],
        [
          row("Alias", state.aliasString),
          row("Keyspace/Shard", `${t.keyspace}/${t.shard}`),
          row("Type", tabletTypeName(t.type)),
          row("Database", state.dbName),
          row("Hostname", `${t.hostname} (${ports})`),
          row(
            "MySQL",
            `${t.mysqlHostname}:${t.mysqlPort} via ${mysqld.describeAddress()} (${mysqld.flavor.name})`,
          ),
          row(
            "Primary term start",
            t.primaryTermStartTime ? new Date(t.primaryTermStartTime.seconds * 1000).toISOString() : "-",
          ),
        ],
      );
    },
  });
  http.addStatusSection({
    title: "Serving state",
    render: () => {
      const reason = state.notServingReason();
      const shardPrimary = state.shardRecord?.primaryAlias;
      return htmlTable(
        ["", ""],
        [
          row("State", reason === undefined ? "SERVING" : "NOT_SERVING"),
          row("Reason", reason ?? "-"),
          row("Denied tables", state.deniedTables().join(", ") || "-"),
          row("Shard primary", shardPrimary ? tabletAliasString(shardPrimary) : "-"),
        ],
      );
    },
  });
  http.addStatusSection({
    title: "Replication",
    render: () => {
      const snap = health.snapshot;
      const r = snap.replication;
      const repl = state.replicationHealth;
      const threadState = (s: ReplicationState) => ReplicationState[s] ?? String(s);
      const rows = [
        row("Last health check", snap.at ? snap.at.toISOString() : "never"),
        row("mysqld", snap.mysqlError ? `not reachable: ${snap.mysqlError}` : "reachable"),
        row("Healthy", repl.healthy ? "yes" : `no: ${repl.error ?? ""}`),
        row("Lag", `${repl.lagSeconds}s`),
      ];
      if (r) {
        rows.push(
          row("Source", `${r.sourceHost}:${r.sourcePort}`),
          row("Position", encodePosition(r.position)),
          row("File position", formatFilePosition(r.filePosition)),
          row("IO thread", `${threadState(r.ioState)} ${r.lastIoError}`),
          row("SQL thread", `${threadState(r.sqlState)} ${r.lastSqlError}`),
        );
      }
      return htmlTable(["", ""], rows);
    },
  });
  http.addStatusSection({
    title: "Schema",
    render: () => {
      const tables = schema.current.tableDefinitions;
      const loaded = schema.lastLoad ? schema.lastLoad.toISOString() : "never";
      return (
        `<p>${tables.length} tables, loaded ${escapeHtml(loaded)}</p>\n` +
        htmlTable(
          ["Table", "Type", "Columns", "Primary key", "Rows (est.)"],
          tables.map((t) => [
            escapeHtml(t.name),
            escapeHtml(t.type),
            escapeHtml(t.columns.join(", ")),
            escapeHtml(t.primaryKeyColumns.join(", ")),
            String(t.rowCount),
          ]),
        )
      );
    },
  });
}
