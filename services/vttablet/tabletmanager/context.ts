import type { Logger } from "pino";
import type { ServiceHandlers } from "../../../libs/grpc/index.js";
import type { TabletManagerService } from "../../../libs/proto/tabletmanagerservice.js";
import type { TopoServer } from "../../../libs/topo/index.js";
import type { MysqlDaemon } from "../mysql-daemon.js";
import type { SchemaCache } from "../schema-cache.js";
import type { TabletState } from "../tablet-state.js";
import type { VDiffActions } from "../vdiff/action.js";
import type { VReplicationEngine } from "../vreplication/engine.js";
import type { ActionLock } from "./action-lock.js";

/** What every tablet manager RPC group works with. */
export interface TabletManagerContext {
  readonly ts: TopoServer;
  readonly state: TabletState;
  readonly mysqld: MysqlDaemon;
  readonly schema: SchemaCache;
  /** Serializes actions that change the tablet's type, replication or read-only state. */
  readonly lock: ActionLock;
  readonly logger: Logger;
  /** Seconds a replica waits between attempts to reach its source (MASTER_CONNECT_RETRY). */
  readonly replicationConnectRetrySeconds: number;
  /** Runs a health check now, so the serving state follows a replication change without waiting a tick. */
  checkHealthNow(): Promise<void>;
  /** Re-reads the tablet and shard records and applies them (RefreshState). */
  refreshFromTopo(): Promise<void>;
  /** The VReplication engine (target side); the vreplication RPCs answer UNIMPLEMENTED without it. */
  readonly vreplication?: VReplicationEngine;
  /** The VDiff actions on this tablet's VDiff engine; the VDiff RPC answers UNIMPLEMENTED without them. */
  readonly vdiff?: VDiffActions;
}

export type TabletManagerHandlers = Partial<ServiceHandlers<TabletManagerService>>;

/**
 * Runs `fn` under the action lock, then (whether it failed or not) a health check, so the serving state
 * follows what the action changed in replication or the tablet type.
 */
export function runLockedAction<T>(
  tm: TabletManagerContext,
  action: string,
  signal: AbortSignal,
  fn: () => Promise<T>,
): Promise<T> {
  return tm.lock.run(
    action,
    async () => {
      try {
        return await fn();
      } finally {
        await tm.checkHealthNow();
      }
    },
    signal,
  );
}
