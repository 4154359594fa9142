import type { VTGateCallerID } from "../../../libs/proto/query.js";
import type { Session_ShardSession } from "../../../libs/proto/vtgate.js";
import { Code, isVtError, VtError } from "../../../libs/vterrors/index.js";
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

function shardName(shardSession: Session_ShardSession): string {
  const t = shardSession.target;
  return t ? `${t.keyspace}/${t.shard}` : "?";
}

/**
 * Commits the session's transaction shard by shard (Vitess's TxConn in the default, best-effort mode):
 * after the first failure the remaining shards are rolled back and the error is thrown. The session
 * leaves the transaction either way. When the transaction spans several shards, the error names the
 * shards that committed, the one that failed and the ones rolled back.
 */
export async function commitSession(
  gateway: QueryGateway,
  session: SafeSession,
  callerId?: VTGateCallerID,
): Promise<void> {
  const shardSessions = [...session.shardSessions];
  session.resetTransaction();
  let failure: unknown;
  const committed: string[] = [];
  const rolledBack: string[] = [];
  let failed = "";
  for (const shardSession of shardSessions) {
    if (failure !== undefined) {
      await gateway.rollback(call(shardSession, callerId)).catch(() => undefined);
      rolledBack.push(shardName(shardSession));
      continue;
    }
    try {
      await gateway.commit(call(shardSession, callerId));
      committed.push(shardName(shardSession));
    } catch (err) {
      failure = err;
      failed = shardName(shardSession);
    }
  }
  if (failure === undefined) return;
  if (shardSessions.length <= 1) throw failure;
  const cause = isVtError(failure) ? failure : undefined;
  throw new VtError(
    cause?.code ?? Code.UNKNOWN,
    `multi-shard commit failed on ${failed} (committed: ${committed.join(", ") || "none"}; rolled back: ${rolledBack.join(", ") || "none"}): ${failure instanceof Error ? failure.message : String(failure)}`,
    { cause: failure, ...(cause?.mysql ? { mysql: cause.mysql } : {}) },
  );
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
