import { hostname, userInfo } from "node:os";

/**
 * What a lock holder writes into its lock file (Vitess's topo.Lock, plus Pid), so whoever finds the lock taken
 * can tell who holds it and why. Field names match Vitess's JSON.
 */
export interface LockInfo {
  Action: string;
  HostName: string;
  UserName: string;
  Pid: number;
  Time: string;
  Status: string;
}

export function newLockInfo(action: string): LockInfo {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown" as Vitess does.
  }
  return {
    Action: action,
    HostName: hostname(),
    UserName: user,
    Pid: process.pid,
    Time: new Date().toISOString(),
    Status: "Running",
  };
}

export function lockInfoToJSON(info: LockInfo): string {
  return JSON.stringify(info, null, 2);
}

/** Parses lock contents written by newLockInfo; undefined for anything else (other writers, corrupt data). */
export function parseLockInfo(contents: string): LockInfo | undefined {
  try {
    const value: unknown = JSON.parse(contents);
    if (
      typeof value === "object" &&
      value !== null &&
      "Action" in value &&
      typeof value.Action === "string"
    ) {
      return value as LockInfo;
    }
  } catch {
    // Not JSON: described verbatim below.
  }
  return undefined;
}

/** A one-line description of a lock holder for error messages: action, host, pid, user and since when. */
export function describeLockHolder(contents: string): string {
  const info = parseLockInfo(contents);
  if (!info) return `held by ${JSON.stringify(contents)}`;
  return (
    `held for action ${JSON.stringify(info.Action)} by ${info.UserName}@${info.HostName} ` +
    `pid ${info.Pid ?? "?"} since ${info.Time}`
  );
}
