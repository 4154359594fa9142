import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createGrpcClient } from "../../libs/grpc/index.js";
import { TabletManagerService } from "../../libs/proto/tabletmanagerservice.js";
import { parseTabletAlias, tabletAliasString } from "../../libs/topo/index.js";
import { distMain, expectHealthy, launchDaemon, topoFlags } from "./daemon.js";
import { freePort } from "./ports.js";
import type { ExitStatus, ManagedProcess } from "./processes.js";

export const VTTABLET_MAIN = distMain("vttablet");

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
  const alias = tabletAliasString(parseTabletAlias(options.tabletPath));
  const uid = parseTabletAlias(options.tabletPath).uid;
  const httpPort = options.httpPort ?? (await freePort());
  const grpcPort = options.grpcPort ?? (await freePort());
  const tabletDir = join(options.dir, `vttablet-${uid}`);
  mkdirSync(tabletDir, { recursive: true });
  const pidFile = join(tabletDir, "vttablet.pid");
  const logFile = join(options.dir, `vttablet-${uid}.log`);
  const args = [
    ...topoFlags(options.topoAddress, options.topoRoot),
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
    const client = createGrpcClient(TabletManagerService, grpcAddress);
    try {
      return await launchDaemon({
        name: `vttablet ${alias}`,
        main: VTTABLET_MAIN,
        args,
        logFile,
        readyWhat: `vttablet on ${grpcAddress}`,
        ready: async () => {
          await expectHealthy(httpPort);
          const pong = await client.rpc.ping({ payload: "harness" }, { timeoutMs: 1_000 });
          return pong.payload === "harness";
        },
        timeoutMs: options.startTimeoutMs ?? 60_000,
      });
    } finally {
      client.close();
    }
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
