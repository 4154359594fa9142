import type { Logger } from "pino";
import { isReplicationRunning, type ReplicationStatus } from "../../libs/mysql/flavor/index.js";
import { TabletType } from "../../libs/proto/topodata.js";
import type { MysqlDaemon } from "./mysql-daemon.js";
import type { QueryServiceControl } from "./query-service-control.js";
import type { ReplicationHealth, TabletState } from "./tablet-state.js";

export interface HealthCheckDeps {
  state: TabletState;
  mysqld: Pick<MysqlDaemon, "ping" | "replicationStatus">;
  queryService: QueryServiceControl;
  logger: Logger;
  intervalMs: number;
  unhealthyThresholdMs: number;
}

/** What the last health check saw, for the status page. */
export interface HealthSnapshot {
  at: Date | undefined;
  mysqlError: string | undefined;
  replication: ReplicationStatus | undefined;
}

/** Why replication is unhealthy, from what SHOW SLAVE STATUS said (undefined: not configured). */
export function replicationHealthOf(
  status: ReplicationStatus | undefined,
  unhealthyThresholdMs: number,
): ReplicationHealth {
  if (!status) return { healthy: false, lagSeconds: 0, error: "replication is not configured" };
  if (!isReplicationRunning(status)) {
    const why = [status.lastIoError, status.lastSqlError].filter((e) => e !== "").join("; ");
    return {
      healthy: false,
      lagSeconds: status.replicationLagSeconds,
      error: `replication is not running${why ? `: ${why}` : ""}`,
    };
  }
  if (status.replicationLagUnknown) return { healthy: true, lagSeconds: 0 };
  if (status.replicationLagSeconds * 1000 > unhealthyThresholdMs) {
    return {
      healthy: false,
      lagSeconds: status.replicationLagSeconds,
      error: `replication lag ${status.replicationLagSeconds}s exceeds the unhealthy threshold of ${unhealthyThresholdMs / 1000}s`,
    };
  }
  return { healthy: true, lagSeconds: status.replicationLagSeconds };
}

/**
 * The periodic health check (Vitess's health and replication trackers): is mysqld answering, and for
 * non-primaries, is replication running and how far behind. The results feed the tablet's serving state and
 * StreamHealth's realtime stats. Checks never overlap: a check asked for while one runs waits for a fresh one.
 */
export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again: Promise<void> | undefined;
  private last: HealthSnapshot = { at: undefined, mysqlError: undefined, replication: undefined };

  constructor(private readonly deps: HealthCheckDeps) {}

  get snapshot(): Readonly<HealthSnapshot> {
    return this.last;
  }

  start(): void {
    const tick = () => {
      void this.checkNow().finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.deps.intervalMs);
      });
    };
    this.timer = setTimeout(tick, this.deps.intervalMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs a check that starts after this call (joining one already queued). */
  checkNow(): Promise<void> {
    if (!this.running) {
      this.running = this.check().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.again ??= this.running.then(() => {
      this.again = undefined;
      return this.checkNow();
    });
    return this.again;
  }

  private async check(): Promise<void> {
    const { state, mysqld, queryService, logger, unhealthyThresholdMs } = this.deps;
    const snapshot: HealthSnapshot = { at: new Date(), mysqlError: undefined, replication: undefined };
    let replication: ReplicationHealth = { healthy: true, lagSeconds: 0 };
    try {
      await mysqld.ping();
      if (state.type !== TabletType.PRIMARY) {
        snapshot.replication = await mysqld.replicationStatus();
        replication = replicationHealthOf(snapshot.replication, unhealthyThresholdMs);
      }
    } catch (err) {
      snapshot.mysqlError = (err as Error).message;
      replication = {
        healthy: false,
        lagSeconds: 0,
        error: `mysqld is not reachable: ${snapshot.mysqlError}`,
      };
    }
    if (snapshot.mysqlError !== this.last.mysqlError) {
      if (snapshot.mysqlError)
        logger.warn({ err: snapshot.mysqlError }, "health check: mysqld is not reachable");
      else if (this.last.at) logger.info("health check: mysqld is reachable again");
    }
    this.last = snapshot;
    state.setMysqlReachable(snapshot.mysqlError === undefined);
    state.setReplicationHealth(replication);
    queryService.setReplicationHealth(
      replication.error === undefined
        ? { lagSeconds: replication.lagSeconds }
        : { lagSeconds: replication.lagSeconds, error: replication.error },
    );
    state.publish();
  }
}
