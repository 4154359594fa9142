import { type Shard, TabletType } from "../../proto/topodata.js";
import { updateShardFields } from "../../topo/index.js";
import type { VtctlEnv } from "../env.js";

/**
 * Adds (or removes) `tables` to the PRIMARY tablet control's denied_tables of a shard, as Vitess's
 * UpdateSourceDeniedTables; the control is dropped once it denies nothing.
 */
export async function setDeniedTables(
  env: VtctlEnv,
  keyspace: string,
  shard: string,
  tables: readonly string[],
  deny: boolean,
): Promise<void> {
  await updateShardFields(env.ts, keyspace, shard, (record: Shard) => {
    const controls = record.tabletControls;
    let control = controls.find((c) => c.tabletType === TabletType.PRIMARY);
    if (!control) {
      if (!deny) return false;
      control = { tabletType: TabletType.PRIMARY, cells: [], deniedTables: [], frozen: false };
      controls.push(control);
    }
    const denied = new Set(control.deniedTables);
    for (const table of tables) {
      if (deny) denied.add(table);
      else denied.delete(table);
    }
    control.deniedTables = [...denied].sort();
    if (control.deniedTables.length === 0) {
      record.tabletControls = controls.filter((c) => c !== control);
    }
    return true;
  });
}

/** The tables denied to PRIMARY on a shard record. */
export function deniedTables(shard: Shard): string[] {
  return shard.tabletControls.find((c) => c.tabletType === TabletType.PRIMARY)?.deniedTables ?? [];
}
