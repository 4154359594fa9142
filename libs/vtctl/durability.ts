import { type Tablet, TabletType } from "../proto/topodata.js";
import { invalidArgument } from "../vterrors/index.js";

/**
 * Keyspace durability policies (Vitess's reparentutil/policy): which tablets acknowledge semi-sync writes and
 * which may become primary. "" is treated as "none", as Vitess does for keyspaces created without one.
 */
export const DURABILITY_POLICIES = ["none", "semi_sync", "cross_cell"] as const;
export type DurabilityPolicy = (typeof DURABILITY_POLICIES)[number];

export function parseDurabilityPolicy(name: string): DurabilityPolicy {
  const policy = name === "" ? "none" : name;
  if (!(DURABILITY_POLICIES as readonly string[]).includes(policy)) {
    throw invalidArgument(
      `durability policy <${name}> is not a valid policy; known policies: ${DURABILITY_POLICIES.join(", ")}`,
    );
  }
  return policy as DurabilityPolicy;
}

const PROMOTABLE = new Set([TabletType.PRIMARY, TabletType.REPLICA]);

/** Only PRIMARY and REPLICA tablets may be promoted (RDONLY and others are "MustNot" in every policy). */
export function isPromotable(tablet: Tablet): boolean {
  return PROMOTABLE.has(tablet.type);
}

/** How many semi-sync acknowledgements a primary waits for. */
export function semiSyncAckers(policy: DurabilityPolicy): number {
  return policy === "none" ? 0 : 1;
}

/** Whether `replica` should be a semi-sync replica of `primary`. */
export function isReplicaSemiSync(policy: DurabilityPolicy, primary: Tablet, replica: Tablet): boolean {
  if (!PROMOTABLE.has(replica.type)) return false;
  switch (policy) {
    case "none":
      return false;
    case "semi_sync":
      return true;
    case "cross_cell":
      return primary.alias?.cell !== replica.alias?.cell;
  }
}
