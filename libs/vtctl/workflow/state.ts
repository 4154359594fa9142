import { type ReadType, type RuleMap, routedKeyspace } from "./routing-rules.js";

/** Where a MoveTables workflow's traffic goes, per read type and for writes (Vitess's workflow.State). */
export interface TrafficState {
  replicaSwitched: boolean;
  rdonlySwitched: boolean;
  writesSwitched: boolean;
}

/** Traffic is switched for a type when the rule of the first moved table routes it to the target. */
export function trafficState(rules: RuleMap, tables: readonly string[], target: string): TrafficState {
  const table = tables[0] ?? "";
  const switched = (type: ReadType | "primary") => routedKeyspace(rules, table, type) === target;
  return {
    replicaSwitched: switched("replica"),
    rdonlySwitched: switched("rdonly"),
    writesSwitched: switched("primary"),
  };
}

/**
 * Vitess's State.String(): "Reads Not Switched. Writes Not Switched", "All Reads Switched. Writes Switched",
 * or "Reads partially switched. All Replica Reads Switched. Rdonly not switched. Writes Not Switched".
 * Routing rules are global, so a read type is switched in every cell or in none.
 */
export function trafficStateString(state: TrafficState): string {
  const parts: string[] = [];
  if (state.replicaSwitched && state.rdonlySwitched) {
    parts.push("All Reads Switched");
  } else if (!state.replicaSwitched && !state.rdonlySwitched) {
    parts.push("Reads Not Switched");
  } else {
    parts.push("Reads partially switched");
    parts.push(state.replicaSwitched ? "All Replica Reads Switched" : "Replica not switched");
    parts.push(state.rdonlySwitched ? "All Rdonly Reads Switched" : "Rdonly not switched");
  }
  parts.push(state.writesSwitched ? "Writes Switched" : "Writes Not Switched");
  return parts.join(". ");
}
