import { getRoutingRules, saveRoutingRules } from "../../topo/index.js";
import type { VtctlEnv } from "../env.js";
import { rebuildSrvVSchema } from "../srv-vschema.js";
import type { WorkflowInfo } from "./load.js";
import { type ReadType, ruleList, ruleMap, switchReadRules } from "./routing-rules.js";

/** What switching reads does, for --dry-run. */
export function describeSwitchReads(
  info: WorkflowInfo,
  types: readonly ReadType[],
  backward: boolean,
): string[] {
  const to = backward ? info.sourceKeyspace : info.targetKeyspace;
  return [
    `Lock keyspace ${info.sourceKeyspace}`,
    `Switch reads for tables [${info.tables.join(",")}] to keyspace ${to} for tablet types [${types.map((t) => t.toUpperCase()).join(",")}]`,
    "Routing rules for tables will be updated",
    `Unlock keyspace ${info.sourceKeyspace}`,
  ];
}

/**
 * Routes reads of `types` for the moved tables to the target (or back to the source): the three rules per
 * table and type are rewritten, then the SrvVSchema rebuilt. Writes are untouched.
 */
export async function switchReads(
  env: VtctlEnv,
  info: WorkflowInfo,
  types: readonly ReadType[],
  backward: boolean,
): Promise<void> {
  const rules = ruleMap(await getRoutingRules(env.ts));
  const to = backward ? info.sourceKeyspace : info.targetKeyspace;
  switchReadRules(rules, info.tables, types, info.sourceKeyspace, info.targetKeyspace, to);
  await saveRoutingRules(env.ts, ruleList(rules));
  await rebuildSrvVSchema(env.ts, []);
}
