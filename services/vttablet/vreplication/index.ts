/**
 * VReplication, target side (Vitess go/vt/vttablet/tabletmanager/vreplication): the engine runs one
 * controller per `_vt.vreplication` row on a primary (engine.ts, controller.ts); a stream copies its tables
 * (copier.ts: VStreamRows batches with lastpk in `_vt.copy_state`, catch-up and fast-forward in between),
 * then applies the source's transactions with their positions (player.ts), through per-table plans
 * (table-plan.ts); max_tps and max_replication_lag hold both back (throttler.ts, lag-probe.ts). Sources are picked from the topology (source.ts); the rows and their prototext source
 * are read and written by stream-record.ts and binlog-source-text.ts; schema.ts creates the tables.
 */
export { binlogSourceFromText, binlogSourceToText } from "./binlog-source-text.js";
export { type ControllerOptions, isPermanentError, type StreamDb } from "./controller.js";
export { type EngineConfig, VReplicationEngine } from "./engine.js";
export { TopoReplicaLag } from "./lag-probe.js";
export { VREPLICATION_SIDECAR_STATEMENTS } from "./schema.js";
export { parseTabletTypes, type SourcePicker, type SourceStreamer, TopoSourcePicker } from "./source.js";
export { dbStreamOpener } from "./stream-db.js";
