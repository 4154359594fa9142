/**
 * The capabilities plan operators use, each a small interface (Vitess's VCursor split up). An operator
 * names the ones it needs in its `Primitive<C>` type; the executor's cursor (executor/vcursor.ts)
 * implements them all for one statement of one session.
 */
import type { TabletHealth } from "../../../libs/discovery/index.js";
import type {
  BindVariable,
  BoundQuery,
  ExecuteOptions_TransactionIsolation,
  QueryResult,
  Target,
} from "../../../libs/proto/query.js";
import type { TabletType } from "../../../libs/proto/topodata.js";
import type { LookupExecutor } from "../../../libs/vindexes/index.js";
import type { VSchema } from "../../../libs/vschema/index.js";
import type { RouteDestination } from "./destination.js";
import type { ResultCallback } from "./primitive.js";

/** A shard a statement goes to, with the tablet type to use. */
export interface ResolvedShard {
  readonly target: Target;
}

export interface ShardResolver {
  /**
   * The shards of `keyspace` the destination covers, for the session's tablet type or `tabletType`.
   * Throws NOT_FOUND for an unknown keyspace, PERMISSION_DENIED when the user may not use it.
   */
  resolveShards(keyspace: string, destination: RouteDestination, tabletType?: TabletType): ResolvedShard[];
}

export interface ShardExecuteOptions {
  /** The statement changes data or schema: it must go to a PRIMARY and joins the session's transaction. */
  readonly isDML: boolean;
  /** DDL: commits the open transaction first and never runs inside one (MySQL's implicit commit). */
  readonly isDDL?: boolean;
}

/** Runs a statement on one shard, in the session's transaction when it has one. */
export interface ShardExecutor {
  executeShard(shard: ResolvedShard, query: BoundQuery, options: ShardExecuteOptions): Promise<QueryResult>;
  streamShard(
    shard: ResolvedShard,
    query: BoundQuery,
    options: ShardExecuteOptions,
    onResult: ResultCallback,
  ): Promise<void>;
}

/** What operators may read of the session. */
export interface SessionReader {
  /** The keyspace of the session's target ("" when none). */
  readonly keyspace: string;
  readonly targetString: string;
  readonly lastInsertId: string;
  readonly autocommit: boolean;
  readonly inTransaction: boolean;
  /** System variables set in this session (`sql_mode` -> `'STRICT_TRANS_TABLES'`), as SQL text. */
  systemVariable(name: string): string | undefined;
  /** `@name` set in this session. */
  userVariable(name: string): BindVariable | undefined;
  readonly transactionIsolation: ExecuteOptions_TransactionIsolation;
  /** The version vtgate announces (`8.0.40-Vitess`). */
  readonly serverVersion: string;
}

/** INSERTs that fill ids from a sequence set the session's last insert id (LAST_INSERT_ID()). */
export interface InsertIdWriter {
  setLastInsertId(id: string): void;
}

/** What SET and USE change. */
export interface SessionWriter {
  /** Turning autocommit on commits an open transaction (as MySQL does). */
  setAutocommit(on: boolean): Promise<void>;
  setSystemVariable(name: string, sqlValue: string): void;
  setUserVariable(name: string, value: BindVariable): void;
  setTransactionIsolation(level: ExecuteOptions_TransactionIsolation): void;
  setWorkload(workload: string): void;
  setSqlSelectLimit(limit: number): void;
  /** `use ks@replica`: validates the keyspace (and the user's access) and changes the target. */
  useTarget(target: string): void;
}

/** BEGIN, COMMIT, ROLLBACK and savepoints of the session's transaction. */
export interface TransactionController {
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** `savepoint x`, `release savepoint x`, `rollback to x`: sent to each shard of the transaction (or queued). */
  savepointStatement(kind: "savepoint" | "release" | "rollback", name: string, sql: string): Promise<void>;
}

/** What vtgate knows of the topology: tablets from the health check, keyspaces and shards. */
export interface TopologyReader {
  tablets(): readonly TabletHealth[];
  keyspaceNames(): readonly string[];
  shardNames(keyspace: string): readonly string[];
  readonly vschema: VSchema;
}

/** Everything a plan may use: the executor's cursor implements it for one statement of one session. */
export type PlanCursor = ShardResolver &
  LookupExecutor &
  ShardExecutor &
  InsertIdWriter &
  SessionReader &
  SessionWriter &
  TransactionController &
  TopologyReader;
