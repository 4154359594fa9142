import { parseTabletType } from "../../libs/discovery/index.js";
import { defineFlags, FlagError, type FlagValues, flagUsage } from "../../libs/flags/index.js";
import { DEFAULT_SERVER_VERSION } from "../../libs/mysql/server/index.js";
import type { TabletType } from "../../libs/proto/topodata.js";
import { servenvFlags } from "../../libs/servenv/index.js";
import { topoFlags } from "../../libs/topo/index.js";

/** vtgate's flags, with Vitess's names (underscores accepted for dashes). */
export const vtgateFlags = defineFlags({
  ...servenvFlags,
  ...topoFlags,
  port: { type: "int", default: 15001, help: "HTTP port (/debug/status, /healthz, /metrics)" },
  "grpc-port": { type: "int", default: 15991, help: "gRPC port of the vtgate Vitess service (0: no gRPC)" },
  "bind-address": {
    type: "string",
    default: "",
    help: "address for HTTP and gRPC; all interfaces when empty",
  },
  "mysql-server-port": { type: "int", default: 15306, help: "MySQL protocol port (-1: none)" },
  "mysql-server-bind-address": {
    type: "string",
    default: "127.0.0.1",
    help: "address the MySQL protocol port listens on",
  },
  "mysql-server-socket": {
    type: "string",
    default: "",
    help: "unix socket for the MySQL protocol, when set",
  },
  "mysql-server-version": {
    type: "string",
    default: DEFAULT_SERVER_VERSION,
    help: "version announced to MySQL clients and returned by select @@version",
  },
  "mysql-server-query-timeout": {
    type: "duration",
    default: 0,
    help: "cancels a statement running longer than this (0: no timeout)",
  },
  "mysql-auth-server-impl": {
    type: "string",
    default: "none",
    help: "how MySQL clients authenticate: none (anyone) or static (--mysql-auth-server-static-file)",
  },
  "mysql-auth-server-static-file": {
    type: "string",
    default: "",
    help: "JSON users file for the static auth server (Vitess's format, plus Keyspaces per user)",
  },
  "mysql-auth-server-static-string": {
    type: "string",
    default: "",
    help: "the static auth server's users as a JSON string, instead of a file",
  },
  "max-connections": {
    type: "int",
    default: 1000,
    help: "MySQL connections beyond this are refused with ER_CON_COUNT_ERROR (0: no limit)",
  },
  cell: { type: "string", default: "", help: "the cell this vtgate runs in (required), e.g. zone1" },
  "cells-to-watch": {
    type: "strings",
    default: [],
    help: "cells whose tablets this vtgate routes to (comma-separated); --cell when empty",
  },
  "keyspaces-to-watch": {
    type: "strings",
    default: [],
    help: "only follow tablets of these keyspaces (comma-separated); all when empty",
  },
  "tablet-types-to-wait": {
    type: "strings",
    default: [],
    help: "at startup, wait for serving tablets of these types in every shard (e.g. PRIMARY,REPLICA)",
  },
  "gateway-initial-tablet-timeout": {
    type: "duration",
    default: 30_000,
    help: "how long startup waits for --tablet-types-to-wait before serving anyway",
  },
  "tablet-refresh-interval": {
    type: "duration",
    default: 5_000,
    help: "how often the tablets of the watched cells are listed from the topology",
  },
  "healthcheck-retry-delay": {
    type: "duration",
    default: 1_000,
    help: "first wait before reopening a failed health stream (doubles up to 10x)",
  },
  "healthcheck-timeout": {
    type: "duration",
    default: 60_000,
    help: "a tablet whose health stream is silent this long is not served",
  },
  "srv-vschema-retry-delay": {
    type: "duration",
    default: 5_000,
    help: "wait before watching the cell's SrvVSchema again when it is missing or the watch failed",
  },
  "tablet-transport": {
    type: "string",
    default: "frame",
    help: "how queries reach tablets: frame (framerpc for the unary calls where the tablet record publishes a frame port, gRPC otherwise and for streams; see libs/framerpc), or grpc",
  },
  "retry-count": {
    type: "int",
    default: 2,
    help: "how many other tablets a statement refused before it ran is tried on",
  },
  "enable-buffer": {
    type: "bool",
    default: true,
    help: "hold PRIMARY statements during a failover (PlannedReparentShard) instead of failing them (Vitess's default is false)",
  },
  "buffer-window": {
    type: "duration",
    default: 10_000,
    help: "longest one statement waits in the failover buffer",
  },
  "buffer-max-failover-duration": {
    type: "duration",
    default: 20_000,
    help: "longest a failover is buffered; later statements fail at once",
  },
  "buffer-size": { type: "int", default: 1000, help: "most statements waiting in the failover buffer" },
  "gate-query-cache-size": { type: "int", default: 5000, help: "most cached query plans" },
});

export type VtgateFlagValues = FlagValues<typeof vtgateFlags>;

export function vtgateUsage(): string {
  return [
    "Usage: vtgate [flags]",
    "",
    "Serves MySQL clients (and the vtgate gRPC API): routes each statement to the tablets of its keyspace.",
    "",
    "Flags:",
    flagUsage(vtgateFlags),
  ].join("\n");
}

export interface VtgateConfig {
  readonly cell: string;
  readonly cellsToWatch: readonly string[];
  readonly tabletTypesToWait: readonly TabletType[];
}

/** Checks the flags that need it; FlagError (usage, exit 2) when they are wrong. */
export function resolveConfig(values: VtgateFlagValues): VtgateConfig {
  if (values.cell === "") throw new FlagError("--cell is required", "cell");
  const tabletTypesToWait = values["tablet-types-to-wait"].map((name) => {
    const type = parseTabletType(name);
    if (type === undefined) {
      throw new FlagError(`invalid tablet type "${name}" in --tablet-types-to-wait`, "tablet-types-to-wait");
    }
    return type;
  });
  const transport = values["tablet-transport"];
  if (transport !== "grpc" && transport !== "frame") {
    throw new FlagError(`--tablet-transport must be grpc or frame, not "${transport}"`, "tablet-transport");
  }
  const impl = values["mysql-auth-server-impl"];
  if (impl !== "none" && impl !== "static") {
    throw new FlagError(
      `--mysql-auth-server-impl must be none or static, not "${impl}"`,
      "mysql-auth-server-impl",
    );
  }
  if (
    impl === "static" &&
    values["mysql-auth-server-static-file"] === "" &&
    values["mysql-auth-server-static-string"] === ""
  ) {
    throw new FlagError(
      "--mysql-auth-server-impl static needs --mysql-auth-server-static-file or --mysql-auth-server-static-string",
      "mysql-auth-server-static-file",
    );
  }
  const cellsToWatch = values["cells-to-watch"].length > 0 ? values["cells-to-watch"] : [values.cell];
  return { cell: values.cell, cellsToWatch, tabletTypesToWait };
}
