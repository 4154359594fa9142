import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createGrpcClient } from "../../libs/grpc/index.js";
import { VtctldService } from "../../libs/proto/vtctlservice.js";
import { distMain, expectHealthy, launchDaemon, requireBuilt, topoFlags } from "./daemon.js";
import { freePort } from "./ports.js";
import type { ExitStatus, ManagedProcess } from "./processes.js";

export const VTCTLD_MAIN = distMain("vtctld");
export const VTCTLDCLIENT_MAIN = distMain("vtctldclient");

export interface StartVtctldOptions {
  /** The etcd client address ("127.0.0.1:port") holding the global topology. */
  topoAddress: string;
  topoRoot?: string;
  /** Where the log and pid file go. */
  dir: string;
  cell?: string;
  httpPort?: number;
  grpcPort?: number;
  extraArgs?: readonly string[];
  startTimeoutMs?: number;
}

export interface VtctldHandle {
  /** "localhost:<grpc port>", what vtctldclient --server takes. */
  readonly grpcAddress: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly pidFile: string;
  readonly logFile: string;
  readonly process: ManagedProcess;
  /** SIGTERM, then SIGKILL after a timeout; resolves with how it exited. Idempotent. */
  stop(): Promise<ExitStatus>;
}

/**
 * Starts `node dist/services/vtctld/main.js` (build first: `npx tsc -p tsconfig.build.json`) on free ports and
 * waits until /healthz answers 200 and a GetCellInfoNames over gRPC works. Its output goes to
 * `<dir>/vtctld.log`; stop it with `handle.stop()` in afterAll.
 */
export async function startVtctld(options: StartVtctldOptions): Promise<VtctldHandle> {
  mkdirSync(options.dir, { recursive: true });
  const httpPort = options.httpPort ?? (await freePort());
  const grpcPort = options.grpcPort ?? (await freePort());
  const pidFile = join(options.dir, "vtctld.pid");
  const logFile = join(options.dir, "vtctld.log");
  const grpcAddress = `localhost:${grpcPort}`;
  const client = createGrpcClient(VtctldService, grpcAddress);
  try {
    const child = await launchDaemon({
      name: "vtctld",
      main: VTCTLD_MAIN,
      args: [
        ...topoFlags(options.topoAddress, options.topoRoot),
        "--cell",
        options.cell ?? "zone1",
        "--port",
        String(httpPort),
        "--grpc-port",
        String(grpcPort),
        "--pid-file",
        pidFile,
        ...(options.extraArgs ?? []),
      ],
      logFile,
      readyWhat: `vtctld on ${grpcAddress}`,
      ready: async () => {
        await expectHealthy(httpPort);
        await client.rpc.getCellInfoNames({}, { timeoutMs: 1_000 });
        return true;
      },
      timeoutMs: options.startTimeoutMs ?? 30_000,
      intervalMs: 100,
    });
    return { grpcAddress, httpPort, grpcPort, pidFile, logFile, process: child, stop: () => child.stop() };
  } finally {
    client.close();
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real vtctldclient executable with `args` (include --server), collecting its exit code and output. */
export function vtctldclient(args: readonly string[], timeoutMs = 120_000): Promise<CliResult> {
  requireBuilt(VTCTLDCLIENT_MAIN);
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      ["--enable-source-maps", VTCTLDCLIENT_MAIN, ...args],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}
