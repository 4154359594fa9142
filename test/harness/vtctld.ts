import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createGrpcClient } from "../../libs/grpc/index.js";
import { VtctldService } from "../../libs/proto/vtctlservice.js";
import { freePort } from "./ports.js";
import { type ExitStatus, type ManagedProcess, startProcess } from "./processes.js";
import { waitFor } from "./wait.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const VTCTLD_MAIN = join(REPO, "dist/services/vtctld/main.js");
export const VTCTLDCLIENT_MAIN = join(REPO, "dist/services/vtctldclient/main.js");

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
  if (!existsSync(VTCTLD_MAIN))
    throw new Error(`${VTCTLD_MAIN} is missing: run 'npx tsc -p tsconfig.build.json' first`);
  mkdirSync(options.dir, { recursive: true });
  const httpPort = options.httpPort ?? (await freePort());
  const grpcPort = options.grpcPort ?? (await freePort());
  const pidFile = join(options.dir, "vtctld.pid");
  const logFile = join(options.dir, "vtctld.log");
  const args = [
    "--enable-source-maps",
    VTCTLD_MAIN,
    "--topo-implementation",
    "etcd2",
    "--topo-global-server-address",
    options.topoAddress,
    "--topo-global-root",
    options.topoRoot ?? "/vitess/global",
    "--cell",
    options.cell ?? "zone1",
    "--port",
    String(httpPort),
    "--grpc-port",
    String(grpcPort),
    "--pid-file",
    pidFile,
    ...(options.extraArgs ?? []),
  ];
  const grpcAddress = `localhost:${grpcPort}`;
  const child = startProcess({ name: "vtctld", command: process.execPath, args, logFile });
  const client = createGrpcClient(VtctldService, grpcAddress);
  try {
    await waitFor(
      `vtctld on ${grpcAddress}`,
      async () => {
        if (!child.isRunning)
          throw new Error(`exited during startup (${JSON.stringify(await child.exited)})`);
        const response = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
        if (response.status !== 200)
          throw new Error(`/healthz answered ${response.status}: ${await response.text()}`);
        await client.rpc.getCellInfoNames({}, { timeoutMs: 1_000 });
        return true;
      },
      { timeoutMs: options.startTimeoutMs ?? 30_000, intervalMs: 100 },
    );
  } catch (err) {
    await child.stop({ signal: "SIGKILL" });
    throw new Error(`vtctld did not start: ${(err as Error).message}\nlog tail:\n${child.logTail(40)}`, {
      cause: err,
    });
  } finally {
    client.close();
  }
  return { grpcAddress, httpPort, grpcPort, pidFile, logFile, process: child, stop: () => child.stop() };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real vtctldclient executable with `args` (include --server), collecting its exit code and output. */
export function vtctldclient(args: readonly string[], timeoutMs = 120_000): Promise<CliResult> {
  if (!existsSync(VTCTLDCLIENT_MAIN)) {
    throw new Error(`${VTCTLDCLIENT_MAIN} is missing: run 'npx tsc -p tsconfig.build.json' first`);
  }
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
