import type { TabletManagerContext, TabletManagerHandlers } from "./context.js";
import { fetchHandlers } from "./fetch.js";
import { reparentHandlers } from "./reparent.js";
import { replicationHandlers } from "./replication.js";
import { schemaHandlers } from "./schema.js";
import { stateHandlers } from "./state.js";
import { vdiffHandlers } from "./vdiff.js";
import { vreplicationHandlers } from "./vreplication.js";

export { ActionLock } from "./action-lock.js";
export type { TabletManagerContext, TabletManagerHandlers } from "./context.js";
export { SIDECAR_STATEMENTS } from "./reparent-journal.js";

/** Every TabletManagerService RPC the tablet implements; the others answer UNIMPLEMENTED. */
export function tabletManagerHandlers(tm: TabletManagerContext): TabletManagerHandlers {
  return {
    ...stateHandlers(tm),
    ...schemaHandlers(tm),
    ...fetchHandlers(tm),
    ...replicationHandlers(tm),
    ...reparentHandlers(tm),
    ...vreplicationHandlers(tm),
    ...vdiffHandlers(tm),
  };
}
