import type { StreamHealthResponse, Target } from "../../libs/proto/query.js";

/** What the tablet manager needs from the query service (the TabletServer); a fake in unit tests. */
export interface QueryServiceControl {
  /** The target queries must name, whether to serve them, and the primary term start (seconds, 0 if none). */
  setState(state: { target: Target; serving: boolean; primaryTermStartTime: number }): void;
  /** Tables the shard's tablet controls deny for this tablet type (MoveTables). */
  setDeniedTables(tables: readonly string[]): void;
  /** Replication lag and, when replication is unhealthy, why; reported in StreamHealth. */
  setReplicationHealth(health: { lagSeconds: number; error?: string }): void;
  currentHealth(): StreamHealthResponse;
}
