import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type ManagedProcess, startProcess } from "./processes.js";
import { waitFor } from "./wait.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The built entry point of one of our executables, e.g. `dist/services/vtgate/main.js`. */
export function distMain(service: string): string {
  return join(REPO, "dist/services", service, "main.js");
}

/** Throws the one-line fix when the executable was not built. */
export function requireBuilt(main: string): void {
  if (!existsSync(main)) throw new Error(`${main} is missing: run 'npx tsc -p tsconfig.build.json' first`);
}

/** The topology flags every daemon takes, pointing at the harness's etcd. */
export function topoFlags(topoAddress: string, topoRoot = "/vitess/global"): string[] {
  return [
    "--topo-implementation",
    "etcd2",
    "--topo-global-server-address",
    topoAddress,
    "--topo-global-root",
    topoRoot,
  ];
}

export interface LaunchDaemonOptions {
  /** Process name in the pid registry and in errors, e.g. "vttablet zone1-0000000100". */
  name: string;
  main: string;
  args: readonly string[];
  logFile: string;
  /** What is awaited, for the timeout message, e.g. "vtgate on MySQL port 15306". */
  readyWhat: string;
  /** Resolves true once the daemon serves; throwing or false means not yet. */
  ready: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs?: number;
}

/**
 * Starts `node <main> <args>` and waits until `ready` holds. A daemon that exits or does not become ready is
 * killed, and the error carries the tail of its log.
 */
export async function launchDaemon(options: LaunchDaemonOptions): Promise<ManagedProcess> {
  requireBuilt(options.main);
  const child = startProcess({
    name: options.name,
    command: process.execPath,
    args: ["--enable-source-maps", options.main, ...options.args],
    logFile: options.logFile,
  });
  try {
    await waitFor(
      options.readyWhat,
      async () => {
        if (!child.isRunning)
          throw new Error(`exited during startup (${JSON.stringify(await child.exited)})`);
        return options.ready();
      },
      { timeoutMs: options.timeoutMs, intervalMs: options.intervalMs ?? 200 },
    );
  } catch (err) {
    await child.stop({ signal: "SIGKILL" });
    throw new Error(
      `${options.name} did not start: ${(err as Error).message}\nlog tail:\n${child.logTail(40)}`,
      {
        cause: err,
      },
    );
  }
  return child;
}

/** Throws unless the daemon's /healthz answers 200. */
export async function expectHealthy(httpPort: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
  if (response.status !== 200)
    throw new Error(`/healthz answered ${response.status}: ${await response.text()}`);
}
