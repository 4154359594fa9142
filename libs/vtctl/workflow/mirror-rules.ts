import { TabletType } from "../../proto/topodata.js";
import type { MirrorRule } from "../../proto/vschema.js";
import { getMirrorRules, saveMirrorRules } from "../../topo/index.js";
import { invalidArgument } from "../../vterrors/index.js";
import type { VtctlEnv } from "../env.js";
import type { WorkflowInfo } from "./load.js";

/** The tablet types a workflow's traffic is mirrored (or switched) for. */
export type MirrorType = "primary" | "replica" | "rdonly";
export const MIRROR_TYPES: readonly MirrorType[] = ["primary", "replica", "rdonly"];

/** The requested tablet types as mirror types; every type when none is named (Vitess's default). */
export function mirrorTypes(types: readonly TabletType[]): MirrorType[] {
  if (types.length === 0) return [...MIRROR_TYPES];
  const out = new Set<MirrorType>();
  for (const type of types) {
    if (type === TabletType.PRIMARY) out.add("primary");
    else if (type === TabletType.REPLICA) out.add("replica");
    else if (type === TabletType.RDONLY) out.add("rdonly");
    else
      throw invalidArgument(
        `tablet type ${TabletType[type] ?? type} cannot be mirrored: use primary, replica or rdonly`,
      );
  }
  return [...out];
}

/** `commerce.customer`, `commerce.customer@replica`: the mirror rule source of a table for one type. */
function mirrorSource(keyspace: string, table: string, type: MirrorType): string {
  return type === "primary" ? `${keyspace}.${table}` : `${keyspace}.${table}@${type}`;
}

/**
 * Sets (percent > 0) or removes (percent 0) the mirror rules of the workflow's tables for `types`: queries on
 * `source.table[@type]` are copied to `target.table`. Rules of other tables and workflows are kept. Returns
 * whether the rules changed; the caller then rebuilds the SrvVSchema.
 */
export async function setWorkflowMirrorRules(
  env: VtctlEnv,
  info: Pick<WorkflowInfo, "tables" | "sourceKeyspace" | "targetKeyspace">,
  types: readonly MirrorType[],
  percent: number,
): Promise<boolean> {
  const current = await getMirrorRules(env.ts);
  const replaced = new Set(
    info.tables.flatMap((table) => types.map((type) => mirrorSource(info.sourceKeyspace, table, type))),
  );
  const rules: MirrorRule[] = current.rules.filter((rule) => !replaced.has(rule.fromTable));
  if (percent > 0) {
    for (const table of info.tables) {
      for (const type of types) {
        rules.push({
          fromTable: mirrorSource(info.sourceKeyspace, table, type),
          toTable: `${info.targetKeyspace}.${table}`,
          percent,
        });
      }
    }
  }
  if (rules.length === current.rules.length && percent === 0) return false;
  await saveMirrorRules(env.ts, { rules });
  return true;
}
