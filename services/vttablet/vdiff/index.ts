/**
 * VDiff, target side (Vitess go/vt/vttablet/tabletmanager/vdiff): the VDiff RPC's actions (action.ts) store
 * VDiffs in `_vt.vdiff`/`_vt.vdiff_table` (schema.ts, record.ts); the engine on the primary runs them one at a
 * time (engine.ts, workflow-differ.ts). Each table (table-differ.ts) is diffed at one synchronised position:
 * the streams stop, the sources' snapshots are opened, the streams run exactly to them (stream-sync.ts), the
 * target's snapshot is opened and the streams restart; then both sides' rows (row-stream.ts, row-cursor.ts)
 * are merged in key order (key-order.ts) and compared byte by byte (row-differ.ts).
 */
export { VDiffActions } from "./action.js";
export { VDiffEngine, type VDiffEngineConfig } from "./engine.js";
export { VDIFF_SIDECAR_STATEMENTS } from "./schema.js";
