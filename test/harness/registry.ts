import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Every process a test starts is recorded as a file `<root>/pids/<pid>` holding a marker from its command line.
 * The global teardown kills what is left, by pid, after checking the marker so a reused pid is never hit.
 */
export interface PidRecord {
  pid: number;
  name: string;
  marker: string;
}

export function pidDir(root: string): string {
  return join(root, "pids");
}

export function recordPid(root: string, record: PidRecord): void {
  mkdirSync(pidDir(root), { recursive: true });
  writeFileSync(join(pidDir(root), String(record.pid)), JSON.stringify(record));
}

export function forgetPid(root: string, pid: number): void {
  rmSync(join(pidDir(root), String(pid)), { force: true });
}

export function recordedPids(root: string): PidRecord[] {
  let names: string[];
  try {
    names = readdirSync(pidDir(root));
  } catch {
    return [];
  }
  const records: PidRecord[] = [];
  for (const name of names) {
    try {
      records.push(JSON.parse(readFileSync(join(pidDir(root), name), "utf8")) as PidRecord);
    } catch {
      // A half-written record: the process was not started yet or is gone; nothing to kill.
    }
  }
  return records;
}

/** True when `pid` is alive and its command line still contains `marker` (guards against pid reuse). */
export function isLiveProcess(pid: number, marker: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && cmdline.includes(marker);
  } catch {
    return false;
  }
}

export function killRecorded(root: string): PidRecord[] {
  const killed: PidRecord[] = [];
  for (const record of recordedPids(root)) {
    if (isLiveProcess(record.pid, record.marker)) {
      try {
        process.kill(record.pid, "SIGKILL");
        killed.push(record);
      } catch {
        // Exited between the check and the kill.
      }
    }
    forgetPid(root, record.pid);
  }
  return killed;
}
