import type { TabletHealth } from "../../../libs/discovery/index.js";
import { rowsOf } from "../../../libs/mysql/query-result.js";
import {
  type BindVariable,
  type BoundQuery,
  type ExecuteOptions_TransactionIsolation,
  ExecuteOptions_Workload,
  type QueryResult,
  type Target,
  Type,
  type VTGateCallerID,
} from "../../../libs/proto/query.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import { CommitOrder } from "../../../libs/proto/vtgate.js";
import { parse } from "../../../libs/sqlparser/index.js";
import {
  type BindVariables,
  type CommitOrder as LookupCommitOrder,
  type LookupRows,
  type LookupStatementOptions,
  NULL_VALUE,
  type SqlValue,
} from "../../../libs/vindexes/index.js";
import type { VSchema } from "../../../libs/vschema/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { PlanCursor, ResolvedShard, ShardExecuteOptions } from "../engine/cursor.js";
import type { RouteDestination } from "../engine/destination.js";
import type { ResultCallback } from "../engine/primitive.js";
import { buildPlan } from "../planbuilder/builder.js";
import { unknownDatabase } from "../planbuilder/errors.js";
import { type SafeSession, shardSessionAlias } from "../session/safe-session.js";
import { parseTarget } from "../session/target.js";
import type { ExecContext, ExecutorServices } from "./context.js";
import { resolveDestination } from "./resolver.js";
import { commitSession, rollbackSession } from "./tx-conn.js";

/** The shard sessions a lookup statement of each commit order joins (autocommit lookups: see README). */
const LOOKUP_COMMIT_ORDERS: Readonly<Record<LookupCommitOrder, CommitOrder>> = {
  normal: CommitOrder.NORMAL,
  pre: CommitOrder.PRE,
  post: CommitOrder.POST,
  autocommit: CommitOrder.NORMAL,
};

const WORKLOADS: Readonly<Record<string, ExecuteOptions_Workload>> = {
  oltp: ExecuteOptions_Workload.OLTP,
  olap: ExecuteOptions_Workload.OLAP,
  dba: ExecuteOptions_Workload.DBA,
};

function savepointMissing(name: string): VtError {
  return new VtError(Code.NOT_FOUND, `SAVEPOINT ${name} does not exist`, {
    mysql: { errno: 1305, sqlstate: "42000" },
  });
}

/** May `user` use `keyspace`? PERMISSION_DENIED (1044) when its keyspace list leaves it out. */
export function checkKeyspaceAccess(context: ExecContext, keyspace: string): void {
  const allowed = context.user?.keyspaces;
  if (allowed === undefined || allowed.includes(keyspace)) return;
  throw new VtError(
    Code.PERMISSION_DENIED,
    `Access denied for user '${context.user?.user ?? ""}' to database '${keyspace}'`,
    { mysql: { errno: 1044, sqlstate: "42000" } },
  );
}

/**
 * The cursor one statement of one session runs with (Vitess's vcursorImpl): implements every capability
 * plan operators may ask for (engine/cursor.ts) over the gateway, the topology and the session.
 *
 * Transactions: a statement for a PRIMARY joins the session's transaction when there is one (BEGIN, or
 * autocommit off): the first statement on a shard begins there (BeginExecute, queued savepoints first)
 * and the shard session keeps the transaction id and tablet; later ones run on that tablet. Replica and
 * rdonly reads run outside the transaction. DDL commits an open transaction first.
 *
 * A cursor has a commit order (Vitess's SafeSession.commitOrder): the statements it runs in the
 * transaction use the shard sessions of that order. The statement's cursor is `normal`; consistent
 * lookups run their inserts through a `pre` cursor and their deletes through a `post` one, so those
 * commit before/after the statement's rows (executor/tx-conn.ts).
 */
export class VCursor implements PlanCursor {
  private readonly callerId: VTGateCallerID | undefined;

  constructor(
    private readonly services: ExecutorServices,
    readonly session: SafeSession,
    private readonly context: ExecContext,
    private readonly commitOrder: CommitOrder = CommitOrder.NORMAL,
  ) {
    this.callerId = context.user ? { username: context.user.user, groups: [] } : undefined;
  }

  // ShardResolver

  resolveShards(keyspace: string, destination: RouteDestination, tabletType?: TabletType): ResolvedShard[] {
    checkKeyspaceAccess(this.context, keyspace);
    const ks = this.services.topology.vschema.keyspaces.get(keyspace);
    if (!ks) throw unknownDatabase(keyspace);
    const type = tabletType ?? this.session.target.tabletType;
    return resolveDestination(
      { shardNames: (k) => this.services.topology.shardNames(k, type), isSharded: () => ks.keyspace.sharded },
      keyspace,
      destination,
      type,
    );
  }

  // ShardExecutor

  async executeShard(
    shard: ResolvedShard,
    query: BoundQuery,
    options: ShardExecuteOptions,
  ): Promise<QueryResult> {
    const target = shard.target;
    if (options.isDDL && this.session.inTransaction) await this.commit();
    let result: QueryResult;
    if (this.joinsTransaction(target, options)) {
      result = await this.executeInTransaction(target, query);
    } else {
      result = await this.services.gateway.execute({
        target,
        query,
        options: this.session.options,
        callerId: this.callerId,
        signal: this.context.signal,
      });
    }
    this.noteResult(result);
    return result;
  }

  async streamShard(
    shard: ResolvedShard,
    query: BoundQuery,
    options: ShardExecuteOptions,
    onResult: ResultCallback,
  ): Promise<void> {
    if (options.isDDL || this.joinsTransaction(shard.target, options)) {
      await onResult(await this.executeShard(shard, query, options));
      return;
    }
    const stream = this.services.gateway.streamExecute({
      target: shard.target,
      query,
      options: this.session.options,
      callerId: this.callerId,
      signal: this.context.signal,
    });
    for await (const result of stream) await onResult(result);
  }

  private joinsTransaction(target: Target, options: ShardExecuteOptions): boolean {
    if (options.isDDL || target.tabletType !== TabletType.PRIMARY) return false;
    if (!this.session.inTransaction && !this.session.autocommit) this.session.beginTransaction();
    return this.session.inTransaction;
  }

  private async executeInTransaction(target: Target, query: BoundQuery): Promise<QueryResult> {
    const shardSession = this.session.findShardSession(target, this.commitOrder);
    if (shardSession) {
      return this.services.gateway.execute({
        target,
        query,
        transactionId: shardSession.transactionId,
        tabletAlias: shardSessionAlias(shardSession),
        options: this.session.options,
        callerId: this.callerId,
        signal: this.context.signal,
      });
    }
    const outcome = await this.services.gateway.beginExecute({
      target,
      query,
      preQueries: this.session.savepoints,
      options: this.session.options,
      callerId: this.callerId,
      signal: this.context.signal,
    });
    this.session.appendShardSession(target, outcome.transactionId, outcome.tabletAlias, this.commitOrder);
    if (outcome.error) throw outcome.error;
    return (
      outcome.result ?? {
        fields: [],
        rowsAffected: 0,
        insertId: "0",
        rows: [],
        info: "",
        sessionStateChanges: "",
        insertIdChanged: false,
      }
    );
  }

  private noteResult(result: QueryResult): void {
    if (result.insertId !== "0" && result.insertId !== "") this.session.lastInsertId = result.insertId;
  }

  // SessionReader

  get keyspace(): string {
    return this.session.target.keyspace;
  }

  get targetString(): string {
    return this.session.targetString;
  }

  get lastInsertId(): string {
    return this.session.lastInsertId;
  }

  get autocommit(): boolean {
    return this.session.autocommit;
  }

  get inTransaction(): boolean {
    return this.session.inTransaction;
  }

  get transactionIsolation(): ExecuteOptions_TransactionIsolation {
    return this.session.options.transactionIsolation;
  }

  get serverVersion(): string {
    return this.services.serverVersion;
  }

  systemVariable(name: string): string | undefined {
    return this.session.systemVariable(name);
  }

  userVariable(name: string): BindVariable | undefined {
    return this.session.proto.userDefinedVariables[name];
  }

  // LookupExecutor: the queries of lookup vindexes, planned and run like any statement of this session,
  // in the shard sessions of their commit order.

  async execute(
    keyspace: string | undefined,
    sql: string,
    bindVars: BindVariables,
    options: LookupStatementOptions,
  ): Promise<LookupRows> {
    const order = LOOKUP_COMMIT_ORDERS[options.commitOrder];
    const cursor =
      order === this.commitOrder ? this : new VCursor(this.services, this.session, this.context, order);
    const topology = this.services.topology;
    const plan = buildPlan(parse(sql), sql, {
      vschema: topology.vschema,
      target: { keyspace: keyspace ?? "", shard: undefined, tabletType: this.session.target.tabletType },
      dbName: (ks) => topology.dbName(ks),
    });
    return lookupRows(await plan.instructions.execute(cursor, bindVars));
  }

  /** Consistent lookups lock the owner row on its shard, inside the statement's transaction. */
  async executeKeyspaceId(
    keyspace: string,
    ksid: Uint8Array,
    sql: string,
    bindVars: BindVariables,
  ): Promise<LookupRows> {
    const [shard] = this.resolveShards(keyspace, { kind: "keyspaceId", id: ksid }, TabletType.PRIMARY);
    if (!shard) throw new VtError(Code.UNAVAILABLE, `no shard of ${keyspace} for a keyspace id`);
    return lookupRows(await this.executeShard(shard, { sql, bindVariables: bindVars }, { isDML: true }));
  }

  setLastInsertId(id: string): void {
    this.session.lastInsertId = id;
  }

  // SessionWriter

  async setAutocommit(on: boolean): Promise<void> {
    if (on && !this.session.autocommit && this.session.inTransaction) await this.commit();
    this.session.autocommit = on;
  }

  setSystemVariable(name: string, sqlValue: string): void {
    this.session.setSystemVariable(name, sqlValue);
  }

  setUserVariable(name: string, value: BindVariable): void {
    this.session.proto.userDefinedVariables[name] = value;
  }

  setTransactionIsolation(level: ExecuteOptions_TransactionIsolation): void {
    this.session.options.transactionIsolation = level;
  }

  setWorkload(workload: string): void {
    this.session.options.workload = WORKLOADS[workload] ?? ExecuteOptions_Workload.OLTP;
  }

  setSqlSelectLimit(limit: number): void {
    this.session.options.sqlSelectLimit = limit;
  }

  useTarget(target: string): void {
    const parsed = parseTarget(target);
    if (parsed.keyspace !== "") {
      if (!this.services.topology.vschema.keyspaces.has(parsed.keyspace))
        throw unknownDatabase(parsed.keyspace);
      checkKeyspaceAccess(this.context, parsed.keyspace);
    }
    this.session.targetString = target;
  }

  // TransactionController

  async begin(): Promise<void> {
    if (this.session.inTransaction) await this.commit();
    this.session.beginTransaction();
  }

  async commit(): Promise<void> {
    if (!this.session.inTransaction) return;
    await commitSession(this.services.gateway, this.session, this.callerId);
  }

  async rollback(): Promise<void> {
    if (!this.session.inTransaction) return;
    await rollbackSession(this.services.gateway, this.session, this.callerId);
  }

  async savepointStatement(
    kind: "savepoint" | "release" | "rollback",
    name: string,
    sql: string,
  ): Promise<void> {
    if (!this.session.inTransaction) {
      if (kind === "savepoint") return;
      throw savepointMissing(name);
    }
    const queued = this.session.savepoints;
    const shardSessions = this.session.allShardSessions();
    if (shardSessions.length === 0) {
      if (kind === "savepoint") {
        queued.push(sql);
        return;
      }
      const index = queued.findIndex((q) => savepointName(q) === name.toLowerCase());
      if (index < 0) throw savepointMissing(name);
      queued.splice(kind === "rollback" ? index + 1 : index);
      return;
    }
    if (kind === "savepoint") queued.push(sql);
    for (const shardSession of shardSessions) {
      await this.services.gateway.execute({
        target: shardSession.target as Target,
        query: { sql, bindVariables: {} },
        transactionId: shardSession.transactionId,
        tabletAlias: shardSessionAlias(shardSession),
        options: this.session.options,
        callerId: this.callerId,
        signal: this.context.signal,
      });
    }
  }

  // TopologyReader

  tablets(): readonly TabletHealth[] {
    return this.services.topology.tablets();
  }

  keyspaceNames(): readonly string[] {
    return this.services.topology.keyspaceNames().filter((ks) => {
      const allowed = this.context.user?.keyspaces;
      return allowed === undefined || allowed.includes(ks);
    });
  }

  shardNames(keyspace: string): readonly string[] {
    return this.services.topology.shardNames(keyspace);
  }

  get vschema(): VSchema {
    return this.services.topology.vschema;
  }
}

function lookupRows(result: QueryResult): LookupRows {
  const rows = rowsOf(result).map((row) =>
    row.map(
      (v, i): SqlValue =>
        v === null ? NULL_VALUE : { type: result.fields[i]?.type ?? Type.VARBINARY, value: v },
    ),
  );
  return { rows };
}

/** The savepoint a queued `savepoint x` statement creates (lower case, unquoted). */
function savepointName(sql: string): string {
  const m = /savepoint\s+`?([^`\s;]+)`?/i.exec(sql);
  return (m?.[1] ?? "").toLowerCase();
}
