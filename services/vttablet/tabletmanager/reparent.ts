import type { CallContext } from "../../../libs/grpc/index.js";
import type { ReplicationSourceParams } from "../../../libs/mysql/flavor/index.js";
import { isIoRunning, isSqlRunning, primaryStatusToProto } from "../../../libs/mysql/flavor/index.js";
import { encodePosition } from "../../../libs/mysql/replication/index.js";
import { type Tablet, type TabletAlias, TabletType } from "../../../libs/proto/topodata.js";
import { getTablet, isTopoError, TopoErrorCode, tabletAliasString } from "../../../libs/topo/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import { runLockedAction, type TabletManagerContext, type TabletManagerHandlers } from "./context.js";
import { positionArgument, waitOptionsOf } from "./deadline.js";
import {
  journalTime,
  populateReparentJournal,
  reparentJournalLength,
  waitForReparentJournal,
} from "./reparent-journal.js";

/** Where to replicate from: the parent tablet's mysqld, as the repl user. */
async function sourceParams(
  tm: TabletManagerContext,
  parent: TabletAlias | undefined,
  heartbeat = 0,
): Promise<ReplicationSourceParams> {
  if (!parent) throw new VtError(Code.INVALID_ARGUMENT, "parent tablet alias is required");
  let tablet: Tablet;
  try {
    ({ tablet } = await getTablet(tm.ts, parent));
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) {
      throw new VtError(Code.NOT_FOUND, `parent tablet ${tabletAliasString(parent)} does not exist`, {
        cause: err,
      });
    }
    throw err;
  }
  if (tablet.mysqlHostname === "" || tablet.mysqlPort === 0) {
    throw new VtError(
      Code.FAILED_PRECONDITION,
      `parent tablet ${tabletAliasString(parent)} has no MySQL address in its record (mysql_hostname/mysql_port)`,
    );
  }
  const { user, password } = tm.mysqld.roles.repl;
  return {
    host: tablet.mysqlHostname,
    port: tablet.mysqlPort,
    user,
    password,
    connectRetrySeconds: tm.replicationConnectRetrySeconds,
    heartbeatIntervalSeconds: heartbeat,
  };
}

/** A former (or would-be) primary that is told to replicate becomes a read-only REPLICA first. */
async function becomeReplica(tm: TabletManagerContext): Promise<void> {
  if (tm.state.type === TabletType.PRIMARY) await tm.state.changeType(TabletType.REPLICA, "read-only");
  else await tm.mysqld.setReadOnly(true);
}

async function setReplicationSource(
  tm: TabletManagerContext,
  request: {
    parent: TabletAlias | undefined;
    timeCreatedNs: string;
    forceStartReplication: boolean;
    waitPosition: string;
    heartbeatInterval: number;
  },
  context: CallContext,
): Promise<void> {
  const params = await sourceParams(tm, request.parent, request.heartbeatInterval);
  const waitTime = journalTime(request.timeCreatedNs);
  const waitPosition =
    request.waitPosition === "" ? undefined : positionArgument(request.waitPosition, "wait_position");
  const status = await tm.mysqld.replicationStatus();
  // No replication configured: we used to be a primary, so we start replicating once told from whom.
  const wasReplicating = status !== undefined && (isIoRunning(status) || isSqlRunning(status));
  const shouldReplicate = status === undefined || wasReplicating || request.forceStartReplication;
  await becomeReplica(tm);
  const moved =
    status === undefined || status.sourceHost !== params.host || status.sourcePort !== params.port;
  if (moved || request.heartbeatInterval !== 0) {
    await tm.mysqld.setReplicationSource(params, { stopBefore: wasReplicating, startAfter: shouldReplicate });
  } else if (shouldReplicate) {
    await tm.mysqld.stopReplication();
    await tm.mysqld.startReplication();
  }
  tm.logger.info(
    {
      parent: request.parent && tabletAliasString(request.parent),
      source: `${params.host}:${params.port}`,
      shouldReplicate,
    },
    "replication source set",
  );
  if (!shouldReplicate) return;
  const wait = waitOptionsOf(context);
  if (waitPosition) await tm.mysqld.waitForPosition(waitPosition, wait);
  if (waitTime !== undefined) await waitForReparentJournal(tm.mysqld, waitTime, wait);
}

/**
 * Reparenting: InitPrimary, InitReplica, SetReplicationSource, DemotePrimary, UndoDemotePrimary, PromoteReplica,
 * ReplicaWasPromoted, ReplicaWasRestarted, PopulateReparentJournal, ReadReparentJournalInfo. Each runs under
 * the action lock; type changes go through TabletState (topo record, then mysqld, then query service).
 */
export function reparentHandlers(tm: TabletManagerContext): TabletManagerHandlers {
  const locked = <T>(action: string, signal: AbortSignal, fn: () => Promise<T>) =>
    runLockedAction(tm, action, signal, async () => {
      try {
        return await fn();
      } catch (err) {
        throw err instanceof VtError ? err.withContext(`${action} on ${tm.state.aliasString}`) : err;
      }
    });

  return {
    initPrimary: async (_request, { signal }) =>
      locked("InitPrimary", signal, async () => {
        // A new shard's first primary: no replication, an empty binlog, then writable.
        await tm.mysqld.resetReplication();
        const position = await tm.mysqld.primaryPosition();
        await tm.state.changeType(TabletType.PRIMARY, "read-write");
        return { position: encodePosition(position) };
      }),

    initReplica: async (request, context) =>
      locked("InitReplica", context.signal, async () => {
        const position = positionArgument(request.replicationPosition, "replication_position");
        const waitTime = journalTime(request.timeCreatedNs);
        const params = await sourceParams(tm, request.parent);
        await becomeReplica(tm);
        await tm.mysqld.setReplicationPosition(position);
        await tm.mysqld.setReplicationSource(params, { stopBefore: false, startAfter: true });
        if (waitTime !== undefined) await waitForReparentJournal(tm.mysqld, waitTime, waitOptionsOf(context));
        return {};
      }),

    setReplicationSource: async (request, context) =>
      locked("SetReplicationSource", context.signal, async () => {
        await setReplicationSource(tm, request, context);
        return {};
      }),

    demotePrimary: async (_request, { signal }) =>
      locked("DemotePrimary", signal, async () => {
        const wasPrimary = tm.state.type === TabletType.PRIMARY;
        const wasDemoted = tm.state.isDemoted;
        const wasReadOnly = await tm.mysqld.isReadOnly();
        if (wasPrimary && !wasReadOnly) {
          // Stop taking queries first, then writes at the MySQL level: after this nothing more is written.
          tm.state.setDemoted(true);
          tm.state.publish();
        }
        try {
          await tm.mysqld.setReadOnly(true);
          const status = await tm.mysqld.primaryStatus();
          return { primaryStatus: primaryStatusToProto(status) };
        } catch (err) {
          if (wasPrimary && !wasReadOnly && !wasDemoted) {
            tm.state.setDemoted(false);
            tm.state.publish();
          }
          throw err;
        }
      }),

    undoDemotePrimary: async (_request, { signal }) =>
      locked("UndoDemotePrimary", signal, async () => {
        await tm.mysqld.setReadOnly(false);
        tm.state.setDemoted(false);
        tm.state.publish();
        return {};
      }),

    promoteReplica: async (_request, { signal }) =>
      locked("PromoteReplica", signal, async () => {
        const position = await tm.mysqld.promote();
        await tm.state.changeType(TabletType.PRIMARY, "read-write");
        return { position: encodePosition(position) };
      }),

    replicaWasPromoted: async (_request, { signal }) =>
      locked("ReplicaWasPromoted", signal, async () => {
        await tm.state.changeType(TabletType.PRIMARY, "none");
        return {};
      }),

    replicaWasRestarted: async (_request, { signal }) =>
      locked("ReplicaWasRestarted", signal, async () => {
        if (tm.state.type === TabletType.PRIMARY) await tm.state.changeType(TabletType.REPLICA, "read-only");
        return {};
      }),

    populateReparentJournal: async (request) => {
      const timeCreatedNs = journalTime(request.timeCreatedNs);
      if (timeCreatedNs === undefined)
        throw new VtError(Code.INVALID_ARGUMENT, "time_created_ns is required");
      if (!request.primaryAlias) throw new VtError(Code.INVALID_ARGUMENT, "primary_alias is required");
      await populateReparentJournal(tm.mysqld, {
        timeCreatedNs,
        actionName: request.actionName,
        primaryAlias: tabletAliasString(request.primaryAlias),
        replicationPosition: request.replicationPosition,
      });
      return {};
    },

    readReparentJournalInfo: async () => ({ length: await reparentJournalLength(tm.mysqld) }),
  };
}
