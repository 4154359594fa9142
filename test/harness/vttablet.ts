import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createGrpcClient } from "../../libs/grpc/index.js";
import { TabletManagerService } from "../../libs/proto/tabletmanagerservice.js";
import { parseTabletAlias, tabletAliasString } from "../../libs/topo/index.js";
import { freePort } from "./ports.js";
import { type ExitStatus, type ManagedProcess, startProcess } from "./processes.js";
import { waitFor } from "./wait.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const VTTABLET_MAIN = join(REPO, "dist/services/vttablet/main.js");

export interface StartVttabletOptions {
  /** e.g. "zone1-100". */
  tabletPath: string;
  keyspace: string;
  shard: string;
  /** replica (default), rdonly, spare. */
  tabletType?: string;
  /** The etcd client address ("127.0.0.1:port") holding the global topology at /vitess/global. */
  topoAddress: string;
  topoRoot?: string;
  /** The tablet's mysqld: its socket (and TCP port, recorded for replicas). */
  mysql: { socket: string; port: number };
  /** Where the log, pid file and per-tablet files go. */
  dir: string;
  httpPort?: number;
  grpcPort?: number;
  /** Default "200ms" so tests see health changes quickly. */
  healthCheckInterval?: string;
  extraArgs?: readonly string[];
  startTimeoutMs?: number;
}

export interface VttabletHandle {
  /** "zone1-0000000100". */
  readonly alias: string;
  /** "localhost:<grpc port>". */
  readonly grpcAddress: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly pidFile: string;
  readonly logFile: string;
  /** The running vttablet (a new process after each restart). */
  readonly process: ManagedProcess;
  /** SIGTERM, then SIGKILL after a timeout; resolves with how it exited. Idempotent. */
  stop(): Promise<ExitStatus>;
  /** Starts vttablet again with the same flags and ports; resolves once it serves. */
  restart(): Promise<void>;
}

/**
 * Starts `node dist/services/vttablet/main.js` (build first: `npx tsc -p tsconfig.build.json`) on free ports
 * and waits until /healthz answers 200 and a TabletManager Ping over gRPC works. Its output goes to
 * `<dir>/vttablet-<uid>.log`; stop it with `handle.stop()` in afterAll.
 */
export async function startVttablet(options: StartVttabletOptions): Promise<VttabletHandle> {
  if (!existsSync(VTTABLET_MAIN)) {
    throw new Error(`${VTTABLET_MAIN} is missing: run 'npx tsc -p tsconfig.build.json' first`);
  }
  const alias = tabletAliasString(parseTabletAlias(options.tabletPath));
  const uid = parseTabletAlias(options.tabletPath).uid;
  const httpPort = options.httpPort ?? (await freePort());
  const grpcPort = options.grpcPort ?? (await freePort());
  const tabletDir = join(options.dir, `vttablet-${uid}`);
  mkdirSync(tabletDir, { recursive: true });
  const pidFile = join(tabletDir, "vttablet.pid");
  const logFile = join(options.dir, `vttablet-${uid}.log`);
  const args = [
    "--enable-source-maps",
    VTTABLET_MAIN,
    "--topo-implementation",
    "etcd2",
    "--topo-global-server-address",
    options.topoAddress,
    "--topo-global-root",
    options.topoRoot ?? "/vitess/global",
    "--tablet-path",
    options.tabletPath,
    "--init-keyspace",
    options.keyspace,
    "--init-shard",
    options.shard,
    "--init-tablet-type",
    options.tabletType ?? "replica",
    "--port",
    String(httpPort),
    "--grpc-port",
    String(grpcPort),
    "--db-socket",
    options.mysql.socket,
    "--mysql-port",
    String(options.mysql.port),
    "--health-check-interval",
    options.healthCheckInterval ?? "200ms",
    "--pid-file",
    pidFile,
    ...(options.extraArgs ?? []),
  ];
  const grpcAddress = `localhost:${grpcPort}`;

  const launch = async (): Promise<ManagedProcess> => {
    const child = startProcess({ name: `vttablet ${alias}`, command: process.execPath, args, logFile });
    try {
      await waitUntilServing(child, httpPort, grpcAddress, options.startTimeoutMs ?? 60_000);
    } catch (err) {
      await child.stop({ signal: "SIGKILL" });
      throw new Error(
        `vttablet ${alias} did not start: ${(err as Error).message}\nlog tail:\n${child.logTail(40)}`,
        {
          cause: err,
        },
      );
    }
    return child;
  };

  let current = await launch();
  return {
    alias,
    grpcAddress,
    httpPort,
    grpcPort,
    pidFile,
    logFile,
    get process() {
      return current;
    },
    stop: () => current.stop(),
    async restart() {
      await current.stop();
      current = await launch();
    },
  };
}

async function waitUntilServing(
  child: ManagedProcess,
  httpPort: number,
  grpcAddress: string,
  timeoutMs: number,
): Promise<void> {
  const client = createGrpcClient(TabletManagerService, grpcAddress);
  try {
    await waitFor(
      `vttablet on ${grpcAddress}`,
      async () => {
        if (!child.isRunning)
          throw new Error(`exited during startup (${JSON.stringify(await child.exited)})`);
        const response = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
        if (response.status !== 200)
          throw new Error(`/healthz answered ${response.status}: ${await response.text()}`);
        const pong = await client.rpc.ping({ payload: "harness" }, { timeoutMs: 1_000 });
        return pong.payload === "harness";
      },
      { timeoutMs, intervalMs: 200 },
    );
  } finally {
    client.close();
  }
}
