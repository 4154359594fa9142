import type { VTGateCallerID } from "../../../libs/proto/query.js";
import type { Session_ShardSession } from "../../../libs/proto/vtgate.js";
import type { QueryGateway } from "../gateway/query-gateway.js";
import { type SafeSession, shardSessionAlias } from "../session/safe-session.js";

function call(shardSession: Session_ShardSession, callerId: VTGateCallerID | undefined) {
  return {
    target: shardSession.target ?? { keyspace: "", shard: "", tabletType: 0, cell: "" },
    transactionId: shardSession.transactionId,
    tabletAlias: shardSessionAlias(shardSession) ?? "",
    callerId,
  };
}

/**
 * Commits the session's transaction shard by shard (Vitess's TxConn in the default, best-effort mode):
 * after the first failure the remaining shards are rolled back and the error is thrown. The session
 * leaves the transaction either way.
 */
export async function commitSession(
  gateway: QueryGateway,
  session: SafeSession,
  callerId?: VTGateCallerID,
): Promise<void> {
  const shardSessions = [...session.shardSessions];
  session.resetTransaction();
  let failure: unknown;
  for (const shardSession of shardSessions) {
    if (failure !== undefined) {
      await gateway.rollback(call(shardSession, callerId)).catch(() => undefined);
      continue;
    }
    try {
      await gateway.commit(call(shardSession, callerId));
    } catch (err) {
      failure = err;
    }
  }
  if (failure !== undefined) throw failure;
}

/** Rolls back every shard of the session's transaction; throws the first failure after trying all. */
export async function rollbackSession(
  gateway: QueryGateway,
  session: SafeSession,
  callerId?: VTGateCallerID,
): Promise<void> {
  const shardSessions = [...session.shardSessions];
  session.resetTransaction();
  let failure: unknown;
  for (const shardSession of shardSessions) {
    try {
      await gateway.rollback(call(shardSession, callerId));
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
}
