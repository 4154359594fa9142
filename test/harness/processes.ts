import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { inject } from "vitest";
import { forgetPid, isLiveProcess, recordPid } from "./registry.js";

export interface ProcessSpec {
  /** Short name used in errors and teardown messages, e.g. "etcd" or "vttablet zone1-100". */
  name: string;
  command: string;
  args: readonly string[];
  /** stdout and stderr are appended here; its tail is quoted when the process fails to start. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = new Set<ManagedProcess>();

process.on("exit", () => {
  // Last resort when a test worker dies without running its afterAll hooks.
  for (const child of running) child.killNow("SIGKILL");
});

export class ManagedProcess {
  readonly exited: Promise<ExitStatus>;
  private exitStatus: ExitStatus | undefined;

  constructor(
    readonly spec: ProcessSpec,
    private readonly child: ChildProcess,
    private readonly root: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.exitStatus = { code, signal };
        running.delete(this);
        forgetPid(this.root, this.pid);
        resolve(this.exitStatus);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get isRunning(): boolean {
    return this.exitStatus === undefined;
  }

  killNow(signal: NodeJS.Signals): void {
    if (this.isRunning) this.child.kill(signal);
  }

  /** Sends `signal`, waits up to `timeoutMs`, then SIGKILLs. Resolves with how the process ended. */
  async stop({
    signal = "SIGTERM",
    timeoutMs = 15_000,
  }: {
    signal?: NodeJS.Signals;
    timeoutMs?: number;
  } = {}) {
    if (!this.isRunning) return this.exitStatus as ExitStatus;
    this.child.kill(signal);
    const timer = setTimeout(() => this.killNow("SIGKILL"), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  logTail(lines = 30): string {
    return tailOfFile(this.spec.logFile, lines);
  }
}

export function tailOfFile(path: string, lines = 30): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** The run's root directory, created by the global setup. */
export function testRoot(): string {
  return inject("vtTestRoot");
}

export function startProcess(spec: ProcessSpec): ManagedProcess {
  const log = openSync(spec.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ["ignore", log, log],
    });
  } finally {
    closeSync(log);
  }
  // Without a listener a spawn failure (ENOENT) would be an unhandled 'error' event.
  child.once("error", () => {});
  if (child.pid === undefined) {
    throw new Error(`could not start ${spec.name} (${spec.command}): is it installed?`);
  }
  const root = testRoot();
  recordPid(root, { pid: child.pid, name: spec.name, marker: spec.command });
  const managed = new ManagedProcess(spec, child, root);
  running.add(managed);
  return managed;
}

/** Records a process started by someone else (e.g. mariadbd started by mysqlctl) so teardown can stop it. */
export function adoptPid(pid: number, name: string, marker: string): void {
  recordPid(testRoot(), { pid, name, marker });
}

export function releasePid(pid: number): void {
  forgetPid(testRoot(), pid);
}

export { isLiveProcess };
