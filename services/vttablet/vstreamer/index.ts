/**
 * vttablet's change streams (Vitess go/vt/vttablet/tabletserver/vstreamer):
 * - VStream (vstream.ts, vevents.ts): binlog events from a position ("current" or `MariaDB/...`) as VEvents,
 *   filtered by rules (table name or /regexp/; filter selects with column lists, in_keyrange and simple
 *   comparisons: filter-rules.ts, plan-builder.ts, row-filter.ts), batched by batcher.ts, with heartbeats.
 * - VStreamRows (row-streamer.ts, snapshot.ts): a table's rows in key order from a consistent snapshot
 *   with the snapshot's GTID position, resumable from a last key.
 * - Sharing (binlog-tail.ts, event-source.ts): streams that have caught up read one shared binlog decode.
 * VStreamerEngine (engine.ts) serves both over gRPC and ends them on shutdown.
 */
export { DEFAULT_PACKET_SIZE, EventBatcher } from "./batcher.js";
export { type BinlogEventStream, type OpenBinlogStream, SharedTail, TailRegistry } from "./binlog-tail.js";
export { type VStreamerConfig, VStreamerEngine } from "./engine.js";
export { EventSource, type SourceStart, TICK } from "./event-source.js";
export { type CompiledFilter, compileFilter } from "./filter-rules.js";
export { buildTablePlan, type TablePlan, type TableSchema } from "./plan-builder.js";
export { filterRow } from "./row-filter.js";
export { MysqlSchemaSource, readTable, type SchemaSource, type TabletSchemaCache } from "./schema-source.js";
export { openSnapshot, type Snapshot } from "./snapshot.js";
export { VEventBuilder } from "./vevents.js";
export { KeyspaceVindexes, topoVindexes, type VindexResolver } from "./vindex-resolver.js";
export { DEFAULT_HEARTBEAT_INTERVAL_MS, HEARTBEAT_OVERRIDE } from "./vstream.js";
