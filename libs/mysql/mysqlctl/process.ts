import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { internal } from "../../vterrors/index.js";

/** The pid in a mysqld pid file, or undefined when there is no (valid) pid file. */
export function readPidFile(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
  const pid = Number(text);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * True while `pid` is a live (not zombie) mysqld. Where /proc exists the command line must name mariadbd or
 * mysqld, so a stale pid file whose pid was reused by another program does not count.
 */
export function isMysqldProcess(pid: number): boolean {
  let cmdline: string;
  let stat: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && isProcFsMounted()) return false;
    return signalZeroSucceeds(pid);
  }
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && /mariadbd|mysqld/.test(cmdline);
}

function isProcFsMounted(): boolean {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
}

function signalZeroSucceeds(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Polls until `pid` is no longer a live mysqld; false if it still is after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isMysqldProcess(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Sends `signal` to `pid`; false when the process is already gone. Other failures (EPERM) are thrown. */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw err;
  }
}

export interface SpawnedMysqld {
  child: ChildProcess;
  /** How the process ended, once it has. */
  exitStatus: () => { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

/**
 * Starts `binary --defaults-file=<cnf>` in its own session with stdout and stderr appended to `logPath`,
 * not tied to this process: the caller may exit while mysqld keeps running.
 */
export function spawnDetached(binary: string, args: readonly string[], logPath: string): SpawnedMysqld {
  const log = openSync(logPath, "a");
  let child: ChildProcess;
  try {
    child = spawn(binary, [...args], { detached: true, stdio: ["ignore", log, log] });
  } finally {
    closeSync(log);
  }
  let status: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  child.once("error", (err) => {
    spawnError = err;
  });
  child.once("exit", (code, signal) => {
    status = { code, signal };
  });
  child.unref();
  if (child.pid === undefined) {
    throw internal(`could not start ${binary}${spawnError ? `: ${spawnError.message}` : ""}`);
  }
  return { child, exitStatus: () => status };
}
