import type {
  BoundQuery,
  ExecuteOptions,
  QueryResult,
  Target,
  VTGateCallerID,
} from "../../../libs/proto/query.js";
import type { VtError } from "../../../libs/vterrors/index.js";

/** One call to the tablets of a target. */
export interface ShardCall {
  /** keyspace, shard and tablet type; the gateway picks the tablet. */
  readonly target: Target;
  readonly query: BoundQuery;
  /** Non-zero: run inside this transaction, on `tabletAlias` (the tablet that began it). */
  readonly transactionId?: number;
  readonly tabletAlias?: string;
  readonly options?: ExecuteOptions;
  readonly callerId?: VTGateCallerID;
  readonly signal?: AbortSignal;
}

export interface BeginExecuteCall extends ShardCall {
  /** Statements run in the new transaction before the query (savepoints...). */
  readonly preQueries?: readonly string[];
}

export interface BeginExecuteOutcome {
  /** The transaction began even when the statement failed: the caller must end it. */
  readonly transactionId: number;
  readonly tabletAlias: string;
  readonly result: QueryResult | undefined;
  /** The statement's error, with the transaction still open. */
  readonly error: VtError | undefined;
}

export interface TransactionCall {
  readonly target: Target;
  readonly transactionId: number;
  readonly tabletAlias: string;
  readonly callerId?: VTGateCallerID;
}

/**
 * How vtgate's executor reaches tablets (Vitess's gateway): the implementation chooses a serving tablet
 * of the target (TabletGateway), a test records calls (see executor tests).
 *
 * Error contract: a VtError with the tablet's code, message and MySQL errno/SQLSTATE, prefixed with the
 * target (`target: commerce.0.primary: ...`). Calls in a transaction go to the transaction's tablet only
 * and are never retried; other calls may be retried on another tablet, or wait for a new primary during
 * a failover (buffering), before failing.
 */
export interface QueryGateway {
  execute(call: ShardCall): Promise<QueryResult>;
  /** Fields first, then rows; a failure before the first result may be retried, later ones end the stream. */
  streamExecute(call: ShardCall): AsyncIterable<QueryResult>;
  beginExecute(call: BeginExecuteCall): Promise<BeginExecuteOutcome>;
  commit(call: TransactionCall): Promise<void>;
  rollback(call: TransactionCall): Promise<void>;
}
