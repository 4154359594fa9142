import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createConnection } from "mysql2/promise";
import { freePort } from "./ports.js";
import { type ExitStatus, type ManagedProcess, startProcess } from "./processes.js";
import { waitFor } from "./wait.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const VTGATE_MAIN = join(REPO, "dist/services/vtgate/main.js");

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
  if (!existsSync(VTGATE_MAIN)) {
    throw new Error(`${VTGATE_MAIN} is missing: run 'npx tsc -p tsconfig.build.json' first`);
  }
  const cell = options.cell ?? "zone1";
  const httpPort = options.httpPort ?? (await freePort());
  const grpcPort = options.grpcPort ?? (await freePort());
  const mysqlPort = options.mysqlPort ?? (await freePort());
  const vtgateDir = join(options.dir, "vtgate");
  mkdirSync(vtgateDir, { recursive: true });
  const pidFile = join(vtgateDir, "vtgate.pid");
  const logFile = join(options.dir, "vtgate.log");
  const args = [
    "--enable-source-maps",
    VTGATE_MAIN,
    "--topo-implementation",
    "etcd2",
    "--topo-global-server-address",
    options.topoAddress,
    "--topo-global-root",
    options.topoRoot ?? "/vitess/global",
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
  const child = startProcess({ name: "vtgate", command: process.execPath, args, logFile });
  try {
    await waitFor(
      `vtgate on MySQL port ${mysqlPort}`,
      async () => {
        if (!child.isRunning)
          throw new Error(`exited during startup (${JSON.stringify(await child.exited)})`);
        const rows = await showVitessTablets(mysqlPort);
        const serving = rows.filter((row) => row[4] === "SERVING").length;
        if (serving < (options.waitForServingTablets ?? 0)) {
          throw new Error(`${serving} serving tablets of ${options.waitForServingTablets} wanted`);
        }
        return true;
      },
      { timeoutMs: options.startTimeoutMs ?? 60_000, intervalMs: 200 },
    );
  } catch (err) {
    await child.stop({ signal: "SIGKILL" });
    throw new Error(`vtgate did not start: ${(err as Error).message}\nlog tail:\n${child.logTail(40)}`, {
      cause: err,
    });
  }
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
