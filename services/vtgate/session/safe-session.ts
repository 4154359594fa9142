import {
  type ExecuteOptions,
  ExecuteOptions_IncludedFields,
  ExecuteOptions as ExecuteOptionsCodec,
  type Target,
} from "../../../libs/proto/query.js";
import {
  CommitOrder,
  type Session,
  type Session_ShardSession,
  Session as SessionCodec,
} from "../../../libs/proto/vtgate.js";
import { parseTabletAlias, tabletAliasString } from "../../../libs/topo/index.js";
import { parseTarget, type SessionTarget } from "./target.js";

function sameTarget(a: Target | undefined, b: Target): boolean {
  return a !== undefined && a.keyspace === b.keyspace && a.shard === b.shard && a.tabletType === b.tabletType;
}

/**
 * A client's session (Vitess's SafeSession over vtgate.Session): target, autocommit, the open transaction
 * with one shard session per shard and commit order (transaction id + the tablet it lives on), last
 * insert id and the variables SET stored. Shard sessions of the `pre` order (consistent lookup inserts)
 * commit before the normal ones, those of the `post` order (consistent lookup deletes) after them. The proto is what the gRPC API passes back and forth; the MySQL handler keeps
 * one per connection. A session runs one statement at a time.
 */
export class SafeSession {
  private parsedFor: string | undefined;
  private parsed: SessionTarget | undefined;

  constructor(readonly proto: Session) {
    if (!proto.options) proto.options = ExecuteOptionsCodec.fromPartial({});
  }

  /** A new MySQL connection's session: autocommit on, full field metadata. */
  static forMysqlConnection(targetString: string): SafeSession {
    const proto = SessionCodec.fromPartial({ autocommit: true, targetString });
    proto.options = ExecuteOptionsCodec.fromPartial({ includedFields: ExecuteOptions_IncludedFields.ALL });
    return new SafeSession(proto);
  }

  get options(): ExecuteOptions {
    return this.proto.options as ExecuteOptions;
  }

  get targetString(): string {
    return this.proto.targetString;
  }

  set targetString(value: string) {
    this.proto.targetString = value;
  }

  /** The parsed target (INVALID_ARGUMENT for a malformed one). */
  get target(): SessionTarget {
    if (this.parsedFor !== this.proto.targetString || !this.parsed) {
      this.parsed = parseTarget(this.proto.targetString);
      this.parsedFor = this.proto.targetString;
    }
    return this.parsed;
  }

  get autocommit(): boolean {
    return this.proto.autocommit;
  }

  set autocommit(on: boolean) {
    this.proto.autocommit = on;
  }

  get inTransaction(): boolean {
    return this.proto.inTransaction;
  }

  /** BEGIN: the transaction starts on the tablets with the first statement that needs one. */
  beginTransaction(): void {
    this.proto.inTransaction = true;
  }

  get shardSessions(): readonly Session_ShardSession[] {
    return this.proto.shardSessions;
  }

  get preSessions(): readonly Session_ShardSession[] {
    return this.proto.preSessions;
  }

  get postSessions(): readonly Session_ShardSession[] {
    return this.proto.postSessions;
  }

  /** Every shard session of the transaction, in commit order: pre, normal, post. */
  allShardSessions(): Session_ShardSession[] {
    return [...this.proto.preSessions, ...this.proto.shardSessions, ...this.proto.postSessions];
  }

  private sessionsOf(order: CommitOrder): Session_ShardSession[] {
    if (order === CommitOrder.PRE) return this.proto.preSessions;
    if (order === CommitOrder.POST) return this.proto.postSessions;
    return this.proto.shardSessions;
  }

  findShardSession(
    target: Target,
    order: CommitOrder = CommitOrder.NORMAL,
  ): Session_ShardSession | undefined {
    for (const s of this.sessionsOf(order)) if (sameTarget(s.target, target)) return s;
    return undefined;
  }

  appendShardSession(
    target: Target,
    transactionId: number,
    tabletAlias: string,
    order: CommitOrder = CommitOrder.NORMAL,
  ): void {
    this.sessionsOf(order).push({
      target: { ...target },
      transactionId,
      tabletAlias: parseTabletAlias(tabletAlias),
      reservedId: 0,
      vindexOnly: false,
      rowsAffected: false,
    });
  }

  /** After COMMIT/ROLLBACK: no transaction, no shard sessions of any order, no savepoints. */
  resetTransaction(): void {
    this.proto.inTransaction = false;
    this.proto.shardSessions = [];
    this.proto.preSessions = [];
    this.proto.postSessions = [];
    this.proto.savepoints = [];
  }

  get lastInsertId(): string {
    return this.proto.lastInsertId || "0";
  }

  set lastInsertId(id: string) {
    this.proto.lastInsertId = id;
  }

  get savepoints(): string[] {
    return this.proto.savepoints;
  }

  systemVariable(name: string): string | undefined {
    return this.proto.systemVariables[name];
  }

  setSystemVariable(name: string, sqlValue: string): void {
    this.proto.systemVariables[name] = sqlValue;
  }
}

/** `zone1-0000000100` of a shard session's tablet. */
export function shardSessionAlias(shardSession: Session_ShardSession): string | undefined {
  return shardSession.tabletAlias ? tabletAliasString(shardSession.tabletAlias) : undefined;
}
