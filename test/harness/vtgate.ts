import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { distMain, launchDaemon, topoFlags } from "./daemon.js";
import { freePort } from "./ports.js";
import type { ExitStatus, ManagedProcess } from "./processes.js";

export const VTGATE_MAIN = distMain("vtgate");

export interface StartVtgateOptions {
  /** The etcd client address ("127.0.0.1:port") holding the global topology at /vitess/global. */
  topoAddress: string;
  topoRoot?: string;
  /** Default "zone1". */
  cell?: string;
  cellsToWatch?: readonly string[];
  /** Where the log and pid file go. */
  dir: string;
  httpPort?: number;
  grpcPort?: number;
  mysqlPort?: number;
  /** Default "PRIMARY,REPLICA"; "" to not wait. */
  tabletTypesToWait?: string;
  /** Static auth users file; default auth is none. */
  authStaticFile?: string;
  /** Default "500ms" so tests see new tablets quickly. */
  tabletRefreshInterval?: string;
  /**
   * Wait until `show vitess_tablets` lists this many SERVING tablets (default 0: only that the query
   * works).
   */
  waitForServingTablets?: number;
  extraArgs?: readonly string[];
  startTimeoutMs?: number;
}

export interface VtgateHandle {
  readonly mysqlPort: number;
  /** "localhost:<grpc port>". */
  readonly grpcAddress: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly pidFile: string;
  readonly logFile: string;
  readonly process: ManagedProcess;
  /** SIGTERM, then SIGKILL after a timeout; resolves with how it exited. Idempotent. */
  stop(): Promise<ExitStatus>;
}

/** Rows of `show vitess_tablets` through the MySQL port (as strings). */
export async function showVitessTablets(mysqlPort: number): Promise<string[][]> {
  const conn = await createConnection({ host: "127.0.0.1", port: mysqlPort, user: "harness" });
  try {
    const [rows] = await conn.query({ sql: "show vitess_tablets", rowsAsArray: true });
    return (rows as unknown[][]).map((row) => row.map((v) => String(v)));
  } finally {
    await conn.end();
  }
}

/**
 * Starts `node dist/services/vtgate/main.js` (build first: `npx tsc -p tsconfig.build.json`) on free ports
 * and waits until its MySQL port answers `show vitess_tablets` (and lists `waitForServingTablets` serving
 * tablets). Its output goes to `<dir>/vtgate.log`; stop it with `handle.stop()` in afterAll.
 */
export async function startVtgate(options: StartVtgateOptions): Promise<VtgateHandle> {
  const cell = options.cell ?? "zone1";
  const httpPort = options.httpPort ?? (await freePort());
  const grpcPort = options.grpcPort ?? (await freePort());
  const mysqlPort = options.mysqlPort ?? (await freePort());
  const vtgateDir = join(options.dir, "vtgate");
  mkdirSync(vtgateDir, { recursive: true });
  const pidFile = join(vtgateDir, "vtgate.pid");
  const logFile = join(options.dir, "vtgate.log");
  const args = [
    ...topoFlags(options.topoAddress, options.topoRoot),
    "--cell",
    cell,
    "--cells-to-watch",
    (options.cellsToWatch ?? [cell]).join(","),
    "--tablet-types-to-wait",
    options.tabletTypesToWait ?? "PRIMARY,REPLICA",
    "--port",
    String(httpPort),
    "--grpc-port",
    String(grpcPort),
    "--mysql-server-port",
    String(mysqlPort),
    "--mysql-server-bind-address",
    "127.0.0.1",
    "--tablet-refresh-interval",
    options.tabletRefreshInterval ?? "500ms",
    "--healthcheck-retry-delay",
    "200ms",
    "--srv-vschema-retry-delay",
    "500ms",
    "--pid-file",
    pidFile,
    ...(options.authStaticFile
      ? ["--mysql-auth-server-impl", "static", "--mysql-auth-server-static-file", options.authStaticFile]
      : ["--mysql-auth-server-impl", "none"]),
    ...(options.extraArgs ?? []),
  ];
  const child = await launchDaemon({
    name: "vtgate",
    main: VTGATE_MAIN,
    args,
    logFile,
    readyWhat: `vtgate on MySQL port ${mysqlPort}`,
    ready: async () => {
      const rows = await showVitessTablets(mysqlPort);
      const serving = rows.filter((row) => row[4] === "SERVING").length;
      if (serving < (options.waitForServingTablets ?? 0)) {
        throw new Error(`${serving} serving tablets of ${options.waitForServingTablets} wanted`);
      }
      return true;
    },
    timeoutMs: options.startTimeoutMs ?? 60_000,
  });
  return {
    mysqlPort,
    grpcAddress: `localhost:${grpcPort}`,
    httpPort,
    grpcPort,
    pidFile,
    logFile,
    process: child,
    stop: () => child.stop(),
  };
}
