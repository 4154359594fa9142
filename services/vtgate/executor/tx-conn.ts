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
 * Commits the session's transaction shard by shard (Vitess's TxConn in the default, best-effort mode), in
 * commit order: the pre sessions (consistent lookup inserts), the normal ones, then the post sessions
 * (consistent lookup deletes), so every committed row has its committed lookup row. After the first
 * failure among pre and normal sessions the remaining ones (post included) are rolled back and the error
 * is thrown; when the transaction spans several shard sessions it names the shards that committed, the
 * one that failed and the ones rolled back. A post session failing after the rows committed only leaves
 * lookup rows behind that consistent lookups ignore: as in Vitess, the COMMIT succeeds with a warning on
 * the session. The session leaves the transaction either way.
 */
export async function commitSession(
  gateway: QueryGateway,
  session: SafeSession,
  callerId?: VTGateCallerID,
): Promise<void> {
  const leading = [...session.preSessions, ...session.shardSessions];
  const post = [...session.postSessions];
  session.resetTransaction();
  const failure = await commitInOrder(gateway, leading, post, callerId);
  if (failure !== undefined) throw failure;
  const postFailure = await commitInOrder(gateway, post, [], callerId);
  if (postFailure !== undefined) {
    const message = postFailure instanceof Error ? postFailure.message : String(postFailure);
    session.proto.warnings.push({ code: 0, message: `post-operation transaction had an error: ${message}` });
  }
}

/**
 * Commits `shardSessions` one by one; after the first failure rolls back the rest and `alsoRollBack`.
 * Returns the failure (undefined when all committed).
 */
async function commitInOrder(
  gateway: QueryGateway,
  shardSessions: readonly Session_ShardSession[],
  alsoRollBack: readonly Session_ShardSession[],
  callerId: VTGateCallerID | undefined,
): Promise<unknown> {
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
  if (failure === undefined) return undefined;
  for (const shardSession of alsoRollBack) {
    await gateway.rollback(call(shardSession, callerId)).catch(() => undefined);
    rolledBack.push(shardName(shardSession));
  }
  if (committed.length + rolledBack.length === 0) return failure;
  const cause = isVtError(failure) ? failure : undefined;
  return new VtError(
    cause?.code ?? Code.UNKNOWN,
    `multi-shard commit failed on ${failed} (committed: ${committed.join(", ") || "none"}; rolled back: ${rolledBack.join(", ") || "none"}): ${failure instanceof Error ? failure.message : String(failure)}`,
    { cause: failure, ...(cause?.mysql ? { mysql: cause.mysql } : {}) },
  );
}

/**
 * Rolls back every shard session of the session's transaction (pre, normal and post); throws the first
 * failure after trying all.
 */
export async function rollbackSession(
  gateway: QueryGateway,
  session: SafeSession,
  callerId?: VTGateCallerID,
): Promise<void> {
  const shardSessions = session.allShardSessions();
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
