/** The states of a VDiff and of each of its tables (Vitess's vdiff.VDiffState), stored lower case in `_vt`. */
export const VDiffState = {
  Unknown: "",
  Pending: "pending",
  Started: "started",
  Stopped: "stopped",
  Error: "error",
  Completed: "completed",
} as const;
export type VDiffStateName = (typeof VDiffState)[keyof typeof VDiffState];

/** The VDiff RPC's actions and their special arguments. */
export const VDiffAction = {
  Create: "create",
  Show: "show",
  Stop: "stop",
  Resume: "resume",
  Delete: "delete",
} as const;
export type VDiffActionName = (typeof VDiffAction)[keyof typeof VDiffAction];

export const LAST_ARG = "last";
export const ALL_ARG = "all";

/** Timestamps in reports: MySQL's `YYYY-MM-DD hh:mm:ss`, UTC. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}
