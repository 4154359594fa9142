import type { RowDataPacket } from "mysql2/promise";
import {
  isIoRunning,
  isSqlRunning,
  primaryStatusToProto,
  type ReplicationStatus,
  replicationStatusToProto,
} from "../../../libs/mysql/flavor/index.js";
import { encodePosition } from "../../../libs/mysql/replication/index.js";
import type { FullStatus } from "../../../libs/proto/replicationdata.js";
import { StopReplicationMode } from "../../../libs/proto/replicationdata.js";
import { notReplicaError } from "../mysql-daemon.js";
import { runLockedAction, type TabletManagerContext, type TabletManagerHandlers } from "./context.js";
import { positionArgument, waitOptionsOf } from "./deadline.js";

async function requireReplicationStatus(tm: TabletManagerContext): Promise<ReplicationStatus> {
  const status = await tm.mysqld.replicationStatus();
  if (!status) throw notReplicaError().withContext(tm.state.aliasString);
  return status;
}

async function fullStatus(tm: TabletManagerContext): Promise<FullStatus> {
  const { mysqld } = tm;
  const replication = await mysqld.replicationStatus();
  const primary = await mysqld.primaryStatus();
  const vars = await mysqld.withDba(async (conn) => {
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT @@GLOBAL.server_id AS server_id, @@GLOBAL.version AS version,
              @@GLOBAL.version_comment AS version_comment, @@GLOBAL.read_only AS read_only,
              @@GLOBAL.binlog_format AS binlog_format, @@GLOBAL.binlog_row_image AS binlog_row_image,
              @@GLOBAL.log_bin AS log_bin, @@GLOBAL.log_slave_updates AS log_replica_updates,
              @@GLOBAL.slave_net_timeout AS net_timeout`,
    );
    return rows[0] ?? {};
  });
  const flag = (value: unknown) => Number(value) === 1 || String(value).toUpperCase() === "ON";
  return {
    serverId: Number(vars.server_id ?? 0),
    serverUuid: primary.serverUuid,
    replicationStatus: replication ? replicationStatusToProto(replication) : undefined,
    primaryStatus: primaryStatusToProto(primary),
    gtidPurged: "",
    version: String(vars.version ?? ""),
    versionComment: String(vars.version_comment ?? ""),
    readOnly: flag(vars.read_only),
    gtidMode: mysqld.flavor.name === "MariaDB" ? "ON" : "",
    binlogFormat: String(vars.binlog_format ?? ""),
    binlogRowImage: String(vars.binlog_row_image ?? ""),
    logBinEnabled: flag(vars.log_bin),
    logReplicaUpdates: flag(vars.log_replica_updates),
    semiSyncPrimaryEnabled: false,
    semiSyncReplicaEnabled: false,
    semiSyncPrimaryStatus: false,
    semiSyncReplicaStatus: false,
    semiSyncPrimaryClients: 0,
    semiSyncPrimaryTimeout: 0,
    semiSyncWaitForReplicaCount: 0,
    superReadOnly: false,
    replicationConfiguration: { heartbeatInterval: 0, replicaNetTimeout: Number(vars.net_timeout ?? 0) },
    primaryVttabletUnreachable: false,
  };
}

/**
 * Replication status and control: ReplicationStatus, PrimaryStatus, PrimaryPosition, WaitForPosition,
 * Stop/Start/RestartReplication, StopReplicationMinimum, StopReplicationAndGetStatus, ResetReplication,
 * ResetReplicationParameters, GetReplicas, FullStatus.
 */
export function replicationHandlers(tm: TabletManagerContext): TabletManagerHandlers {
  return {
    replicationStatus: async () => ({ status: replicationStatusToProto(await requireReplicationStatus(tm)) }),

    primaryStatus: async () => ({ status: primaryStatusToProto(await tm.mysqld.primaryStatus()) }),

    primaryPosition: async () => ({ position: encodePosition(await tm.mysqld.primaryPosition()) }),

    waitForPosition: async ({ position }, context) => {
      await tm.mysqld.waitForPosition(positionArgument(position, "position"), waitOptionsOf(context));
      return {};
    },

    stopReplication: async (_request, { signal }) => {
      await runLockedAction(tm, "StopReplication", signal, () => tm.mysqld.stopReplication());
      return {};
    },

    startReplication: async (_request, { signal }) => {
      await runLockedAction(tm, "StartReplication", signal, () => tm.mysqld.startReplication());
      return {};
    },

    restartReplication: async (_request, { signal }) => {
      await runLockedAction(tm, "RestartReplication", signal, async () => {
        await tm.mysqld.stopReplication();
        await tm.mysqld.startReplication();
      });
      return {};
    },

    stopReplicationMinimum: async ({ position, waitTimeout }, context) =>
      runLockedAction(tm, "StopReplicationMinimum", context.signal, async () => {
        const target = positionArgument(position, "position");
        await tm.mysqld.waitForPosition(target, waitOptionsOf(context, waitTimeout / 1e6));
        await tm.mysqld.stopReplication();
        return { position: encodePosition(await tm.mysqld.currentPosition()) };
      }),

    stopReplicationAndGetStatus: async ({ stopReplicationMode }, { signal }) =>
      runLockedAction(tm, "StopReplicationAndGetStatus", signal, async () => {
        const before = await requireReplicationStatus(tm);
        const ioOnly = stopReplicationMode === StopReplicationMode.IOTHREADONLY;
        const running = ioOnly ? isIoRunning(before) : isIoRunning(before) || isSqlRunning(before);
        if (!running) {
          const proto = replicationStatusToProto(before);
          return { status: { before: proto, after: proto } };
        }
        if (ioOnly) await tm.mysqld.stopIoThread();
        else await tm.mysqld.stopReplication();
        const after = await requireReplicationStatus(tm);
        return {
          status: { before: replicationStatusToProto(before), after: replicationStatusToProto(after) },
        };
      }),

    resetReplication: async (_request, { signal }) => {
      await runLockedAction(tm, "ResetReplication", signal, () => tm.mysqld.resetReplication());
      return {};
    },

    resetReplicationParameters: async (_request, { signal }) => {
      await runLockedAction(tm, "ResetReplicationParameters", signal, () =>
        tm.mysqld.executeSuperQueryList([
          tm.mysqld.flavor.stopReplicationCommand(),
          ...tm.mysqld.flavor.resetReplicationParametersCommands(),
        ]),
      );
      return {};
    },

    getReplicas: async () => {
      const addrs = await tm.mysqld.withDba(async (conn) => {
        const [rows] = await conn.query<RowDataPacket[]>(
          "SELECT HOST FROM information_schema.PROCESSLIST WHERE COMMAND IN ('Binlog Dump', 'Binlog Dump GTID')",
        );
        return rows.map((row) => String(row.HOST ?? "").replace(/:\d+$/, ""));
      });
      return { addrs };
    },

    fullStatus: async () => ({ status: await fullStatus(tm) }),
  };
}
