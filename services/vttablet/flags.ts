import { defineFlags, FlagError, type FlagValues, flagUsage } from "../../libs/flags/index.js";
import type { MysqlAddress } from "../../libs/mysql/connect.js";
import type { TabletAlias } from "../../libs/proto/topodata.js";
import { TabletType } from "../../libs/proto/topodata.js";
import { servenvFlags } from "../../libs/servenv/index.js";
import { parseTabletAlias, TabletAliasError, topoFlags } from "../../libs/topo/index.js";
import type { DbRoles } from "./mysql-daemon.js";

/** vttablet's flags, with Vitess's names (underscores accepted for dashes). */
export const vttabletFlags = defineFlags({
  ...servenvFlags,
  ...topoFlags,
  "tablet-path": {
    type: "string",
    default: "",
    help: "tablet alias, <cell>-<uid> (required), e.g. zone1-100",
  },
  "init-keyspace": { type: "string", default: "", help: "keyspace of the tablet (required)" },
  "init-shard": { type: "string", default: "", help: "shard of the tablet (required), e.g. 0, -80, 80-" },
  "init-tablet-type": {
    type: "string",
    default: "replica",
    help: "tablet type at start: replica, rdonly or spare (a tablet becomes primary only through a reparent)",
  },
  "init-db-name-override": { type: "string", default: "", help: "database name; vt_<keyspace> when empty" },
  "tablet-hostname": {
    type: "string",
    default: "localhost",
    help: "hostname recorded in the topology for clients to reach this tablet",
  },
  "bind-address": {
    type: "string",
    default: "",
    help: "address to listen on for HTTP and gRPC; all when empty",
  },
  port: { type: "int", default: 0, help: "HTTP port (status pages, /healthz, /metrics)" },
  "grpc-port": { type: "int", default: 0, help: "gRPC port (query and tablet manager services)" },
  "frame-port": {
    type: "int",
    default: -1,
    help: "also serve the unary QueryService calls over framerpc on this port (vtgate's default --tablet-transport frame); -1: a free port, published in the tablet record; 0: off",
  },
  "db-socket": { type: "string", default: "", help: "mysqld unix socket; used when set" },
  "db-host": { type: "string", default: "", help: "mysqld host, when not using --db-socket" },
  "db-port": { type: "int", default: 0, help: "mysqld port, when not using --db-socket" },
  "mysql-port": {
    type: "int",
    default: 0,
    help: "mysqld port recorded in the topology for replicas; --db-port, else asked from mysqld, when 0",
  },
  "mysql-host": {
    type: "string",
    default: "",
    help: "mysqld host recorded in the topology for replicas; --db-host, else 127.0.0.1 for a local tablet",
  },
  "db-app-user": { type: "string", default: "vt_app", help: "user for application queries" },
  "db-app-password": { type: "string", default: "", help: "password of --db-app-user" },
  "db-dba-user": { type: "string", default: "vt_dba", help: "user for administrative actions" },
  "db-dba-password": { type: "string", default: "", help: "password of --db-dba-user" },
  "db-allprivs-user": { type: "string", default: "vt_allprivs", help: "user for ExecuteFetchAsAllPrivs" },
  "db-allprivs-password": { type: "string", default: "", help: "password of --db-allprivs-user" },
  "db-repl-user": { type: "string", default: "vt_repl", help: "user replicas connect to their primary as" },
  "db-repl-password": { type: "string", default: "", help: "password of --db-repl-user" },
  "db-filtered-user": { type: "string", default: "vt_filtered", help: "user for VReplication" },
  "db-filtered-password": { type: "string", default: "", help: "password of --db-filtered-user" },
  "queryserver-config-pool-size": { type: "int", default: 16, help: "size of the query connection pool" },
  "queryserver-config-stream-pool-size": { type: "int", default: 200, help: "size of the streaming pool" },
  "queryserver-config-transaction-cap": { type: "int", default: 20, help: "most open transactions" },
  "queryserver-config-query-timeout": { type: "duration", default: 30_000, help: "query timeout (0: none)" },
  "queryserver-config-transaction-timeout": {
    type: "duration",
    default: 30_000,
    help: "a transaction open longer than this is killed (0: never)",
  },
  "queryserver-config-max-result-size": {
    type: "int",
    default: 10_000,
    help: "most rows an Execute returns",
  },
  "queryserver-config-schema-reload-time": {
    type: "duration",
    default: 30 * 60_000,
    help: "how often the schema cache is reloaded from mysqld (0: only after DDL and on ReloadSchema)",
  },
  "health-check-interval": { type: "duration", default: 1_000, help: "interval between health checks" },
  "unhealthy-threshold": {
    type: "duration",
    default: 2 * 3_600_000,
    help: "replication lag above which a replica stops serving",
  },
  "replication-connect-retry": {
    type: "duration",
    default: 10_000,
    help: "how long a replica waits between attempts to reach its primary",
  },
  "wait-for-mysqld": { type: "duration", default: 5 * 60_000, help: "how long to wait for mysqld at start" },
  "shutdown-grace-period": {
    type: "duration",
    default: 3_000,
    help: "how long in-flight queries and streams get to finish on SIGTERM",
  },
});

export type VttabletFlagValues = FlagValues<typeof vttabletFlags>;

export function vttabletUsage(): string {
  return [
    "Usage: vttablet [flags]",
    "",
    "Serves one mysqld to vtgate and vtctld.",
    "",
    "Flags:",
    flagUsage(vttabletFlags),
  ].join("\n");
}

const INIT_TYPES: Readonly<Record<string, TabletType>> = {
  replica: TabletType.REPLICA,
  rdonly: TabletType.RDONLY,
  batch: TabletType.RDONLY,
  spare: TabletType.SPARE,
  experimental: TabletType.EXPERIMENTAL,
  drained: TabletType.DRAINED,
};

/** The daemon's configuration, checked: everything main needs, with defaults resolved. */
export interface VttabletConfig {
  alias: TabletAlias;
  keyspace: string;
  shard: string;
  initType: TabletType;
  dbNameOverride: string;
  dbName: string;
  hostname: string;
  bindAddress: string;
  httpPort: number;
  grpcPort: number;
  /** framerpc port for the unary QueryService calls; -1: a free one; 0: off. */
  framePort: number;
  mysql: MysqlAddress;
  /** What the tablet record says about mysqld; port 0: ask mysqld. */
  mysqlHostname: string;
  mysqlPort: number;
  roles: DbRoles;
}

export function resolveConfig(values: VttabletFlagValues): VttabletConfig {
  if (values["tablet-path"] === "")
    throw new FlagError("--tablet-path is required, e.g. --tablet-path zone1-100");
  let alias: TabletAlias;
  try {
    alias = parseTabletAlias(values["tablet-path"]);
  } catch (err) {
    if (err instanceof TabletAliasError) throw new FlagError(`--tablet-path: ${err.message}`, "tablet-path");
    throw err;
  }
  const keyspace = values["init-keyspace"];
  const shard = values["init-shard"];
  if (keyspace === "" || shard === "") throw new FlagError("--init-keyspace and --init-shard are required");
  const typeName = values["init-tablet-type"].toLowerCase();
  if (typeName === "primary" || typeName === "master") {
    throw new FlagError(
      "--init-tablet-type primary is not allowed: start as replica and make the tablet primary with a reparent",
      "init-tablet-type",
    );
  }
  const initType = INIT_TYPES[typeName];
  if (initType === undefined) {
    throw new FlagError(
      `--init-tablet-type: unknown type "${values["init-tablet-type"]}", use replica, rdonly or spare`,
      "init-tablet-type",
    );
  }
  if (values.port <= 0) throw new FlagError("--port is required", "port");
  if (values["grpc-port"] <= 0) throw new FlagError("--grpc-port is required", "grpc-port");
  let mysql: MysqlAddress;
  if (values["db-socket"] !== "") mysql = { socket: values["db-socket"] };
  else if (values["db-port"] > 0) mysql = { host: values["db-host"] || "127.0.0.1", port: values["db-port"] };
  else throw new FlagError("mysqld is unknown: give --db-socket, or --db-host and --db-port");
  const hostname = values["tablet-hostname"];
  const mysqlHostname =
    values["mysql-host"] || values["db-host"] || (hostname === "localhost" ? "127.0.0.1" : hostname);
  return {
    alias,
    keyspace,
    shard,
    initType,
    dbNameOverride: values["init-db-name-override"],
    dbName: values["init-db-name-override"] || `vt_${keyspace}`,
    hostname,
    bindAddress: values["bind-address"],
    httpPort: values.port,
    grpcPort: values["grpc-port"],
    framePort: values["frame-port"],
    mysql,
    mysqlHostname,
    mysqlPort: values["mysql-port"] || values["db-port"],
    roles: {
      dba: { user: values["db-dba-user"], password: values["db-dba-password"] },
      app: { user: values["db-app-user"], password: values["db-app-password"] },
      allprivs: { user: values["db-allprivs-user"], password: values["db-allprivs-password"] },
      repl: { user: values["db-repl-user"], password: values["db-repl-password"] },
      filtered: { user: values["db-filtered-user"], password: values["db-filtered-password"] },
    },
  };
}
