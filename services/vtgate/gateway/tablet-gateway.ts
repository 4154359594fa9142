import type { HealthCheck, TabletHealth } from "../../../libs/discovery/index.js";
import { tabletTypeName } from "../../../libs/discovery/index.js";
import type { QueryResult, Target } from "../../../libs/proto/query.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import { Code, fromRpcError, isVtError, unavailable, VtError } from "../../../libs/vterrors/index.js";
import type { FailoverBuffer } from "./failover-buffer.js";
import { causedByFailover, isRetryable } from "./failover-errors.js";
import type {
  BeginExecuteCall,
  BeginExecuteOutcome,
  QueryGateway,
  ShardCall,
  TransactionCall,
} from "./query-gateway.js";

export type GatewayOperation = "Execute" | "StreamExecute" | "BeginExecute" | "Commit" | "Rollback";

/** Told about every call that reached a tablet (for /debug/status and /metrics). */
export interface GatewayStats {
  tabletCall(tablet: TabletHealth, operation: GatewayOperation, durationMs: number, error: unknown): void;
}

export interface TabletGatewayOptions {
  /** Extra attempts on other tablets for a call refused before it ran (Vitess's --retry-count, default 2). */
  retryCount: number;
  /** Buffers PRIMARY calls during a failover; undefined disables buffering. */
  buffer?: FailoverBuffer;
  stats?: GatewayStats;
}

/** `commerce.0.primary`, as Vitess names a target in errors. */
export function targetLabel(target: Target): string {
  return `${target.keyspace}.${target.shard}.${tabletTypeName(target.tabletType).toLowerCase()}`;
}

function inContext(err: unknown, target: Target): VtError {
  const label = `target: ${targetLabel(target)}`;
  if (isVtError(err)) return err.message.startsWith("target: ") ? err : err.withContext(label);
  return new VtError(Code.UNKNOWN, `${label}: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
  });
}

/**
 * QueryGateway over the health check (Vitess's TabletGateway): each call goes to a serving tablet of its
 * target through that tablet's one gRPC connection; calls in a transaction go to the tablet that began it.
 * A call refused before it ran (not serving, wrong type, unreachable, read-only) is retried on another
 * tablet, up to retryCount times; a PRIMARY call outside a transaction first waits in the failover buffer
 * for a new primary, once.
 */
export class TabletGateway implements QueryGateway {
  constructor(
    private readonly healthCheck: HealthCheck,
    private readonly options: TabletGatewayOptions,
  ) {}

  async execute(call: ShardCall): Promise<QueryResult> {
    const request = {
      effectiveCallerId: undefined,
      immediateCallerId: call.callerId,
      target: call.target,
      query: call.query,
      transactionId: call.transactionId ?? 0,
      options: call.options,
      reservedId: 0,
    };
    const run = async (th: TabletHealth) => {
      const response = await this.timed(th, "Execute", () =>
        th.conn.execute(request, { signal: call.signal }),
      );
      return response.result ?? emptyResult();
    };
    try {
      if (call.transactionId) return await run(this.pinned(call.tabletAlias, call.target));
      return await this.withRetry(call.target, call.signal, run);
    } catch (err) {
      throw inContext(err, call.target);
    }
  }

  async *streamExecute(call: ShardCall): AsyncIterable<QueryResult> {
    const open = async (th: TabletHealth) => {
      const started = Date.now();
      const iterator = th.conn
        .streamExecute(
          {
            effectiveCallerId: undefined,
            immediateCallerId: call.callerId,
            target: call.target,
            query: call.query,
            options: call.options,
            transactionId: call.transactionId ?? 0,
            reservedId: 0,
          },
          { signal: call.signal },
        )
        [Symbol.asyncIterator]();
      try {
        const first = await iterator.next();
        return { th, iterator, first, started };
      } catch (err) {
        this.options.stats?.tabletCall(th, "StreamExecute", Date.now() - started, err);
        throw err;
      }
    };
    let opened: Awaited<ReturnType<typeof open>>;
    try {
      opened = call.transactionId
        ? await open(this.pinned(call.tabletAlias, call.target))
        : await this.withRetry(call.target, call.signal, open);
    } catch (err) {
      throw inContext(err, call.target);
    }
    const { th, iterator, started } = opened;
    let error: unknown;
    try {
      let next = opened.first;
      while (!next.done) {
        if (next.value.result) yield next.value.result;
        next = await iterator.next();
      }
    } catch (err) {
      error = err;
      throw inContext(err, call.target);
    } finally {
      await iterator.return?.();
      this.options.stats?.tabletCall(th, "StreamExecute", Date.now() - started, error);
    }
  }

  async beginExecute(call: BeginExecuteCall): Promise<BeginExecuteOutcome> {
    const run = async (th: TabletHealth): Promise<BeginExecuteOutcome> => {
      const response = await this.timed(th, "BeginExecute", () =>
        th.conn.beginExecute(
          {
            effectiveCallerId: undefined,
            immediateCallerId: call.callerId,
            target: call.target,
            query: call.query,
            options: call.options,
            reservedId: 0,
            preQueries: [...(call.preQueries ?? [])],
          },
          { signal: call.signal },
        ),
      );
      const error = fromRpcError(response.error);
      return {
        transactionId: response.transactionId,
        tabletAlias: th.alias,
        result: response.result,
        error: error ? inContext(error, call.target) : undefined,
      };
    };
    try {
      return await this.withRetry(call.target, call.signal, run);
    } catch (err) {
      throw inContext(err, call.target);
    }
  }

  async commit(call: TransactionCall): Promise<void> {
    await this.endTransaction(call, "Commit");
  }

  async rollback(call: TransactionCall): Promise<void> {
    await this.endTransaction(call, "Rollback");
  }

  private async endTransaction(call: TransactionCall, operation: "Commit" | "Rollback"): Promise<void> {
    try {
      const th = this.pinned(call.tabletAlias, call.target);
      const request = {
        effectiveCallerId: undefined,
        immediateCallerId: call.callerId,
        target: call.target,
        transactionId: call.transactionId,
      };
      await this.timed(th, operation, () =>
        operation === "Commit" ? th.conn.commit(request) : th.conn.rollback(request),
      );
    } catch (err) {
      throw inContext(err, call.target);
    }
  }

  /** The tablet a transaction lives on; ABORTED when the health check no longer knows it. */
  private pinned(alias: string | undefined, target: Target): TabletHealth {
    const th = alias === undefined ? undefined : this.healthCheck.tablet(alias);
    if (!th) {
      throw new VtError(
        Code.ABORTED,
        `transaction on ${targetLabel(target)} is lost: tablet ${alias ?? "(none)"} is no longer known`,
      );
    }
    return th;
  }

  private async timed<T>(th: TabletHealth, operation: GatewayOperation, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const result = await fn();
      this.options.stats?.tabletCall(th, operation, Date.now() - started, undefined);
      return result;
    } catch (err) {
      this.options.stats?.tabletCall(th, operation, Date.now() - started, err);
      throw err;
    }
  }

  /** Runs `fn` on a serving tablet of the target: retries refusals elsewhere, buffers PRIMARY failovers. */
  private async withRetry<T>(
    target: Target,
    signal: AbortSignal | undefined,
    fn: (th: TabletHealth) => Promise<T>,
  ): Promise<T> {
    const { keyspace, shard, tabletType } = target;
    const buffer = tabletType === TabletType.PRIMARY ? this.options.buffer : undefined;
    let bufferedOnce = buffer === undefined;
    const tried = new Set<string>();
    let attempts = 0;
    let lastError: unknown;
    for (;;) {
      if (signal?.aborted) throw new VtError(Code.CANCELED, "the query was cancelled");
      const th = this.healthCheck.pickTablet(keyspace, shard, tabletType, tried);
      if (!th) {
        if (!bufferedOnce && buffer) {
          bufferedOnce = true;
          if (await buffer.waitForFailoverEnd(keyspace, shard, undefined, signal)) {
            tried.clear();
            continue;
          }
        }
        throw lastError ?? unavailable(`no healthy tablet available for '${targetLabel(target)}'`);
      }
      attempts++;
      try {
        return await fn(th);
      } catch (err) {
        lastError = err;
        if (!isRetryable(err)) throw err;
        tried.add(th.alias);
        if (!bufferedOnce && buffer && causedByFailover(err)) {
          bufferedOnce = true;
          if (await buffer.waitForFailoverEnd(keyspace, shard, th, signal)) {
            tried.clear();
            continue;
          }
        }
        if (attempts > this.options.retryCount) throw err;
      }
    }
  }
}

function emptyResult(): QueryResult {
  return {
    fields: [],
    rowsAffected: 0,
    insertId: "0",
    rows: [],
    info: "",
    sessionStateChanges: "",
    insertIdChanged: false,
  };
}
