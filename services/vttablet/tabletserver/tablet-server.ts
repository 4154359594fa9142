import type { Registry } from "prom-client";
import type { ServiceHandlers } from "../../../libs/grpc/index.js";
import { IncludedFields } from "../../../libs/mysql/query-result.js";
import {
  type BoundQuery,
  type ExecuteOptions,
  type QueryResult,
  type StreamHealthResponse,
  type Target,
  ExecuteOptions_Workload as Workload,
} from "../../../libs/proto/query.js";
import type { QueryService } from "../../../libs/proto/queryservice.js";
import { type TabletAlias, TabletType } from "../../../libs/proto/topodata.js";
import type { Logger } from "../../../libs/servenv/index.js";
import { Code, fromMysqlError, VtError } from "../../../libs/vterrors/index.js";
import { substituteBindVars } from "./bind-vars.js";
import { DEFAULT_HEALTH_RESEND_INTERVAL_MS, type TabletServerConfig } from "./config.js";
import { DeniedTables } from "./denied-tables.js";
import { HealthBroadcaster } from "./health-broadcaster.js";
import { InFlight } from "./in-flight.js";
import { TabletServerMetrics } from "./metrics.js";
import { QueryEngine, type RunOptions } from "./query-engine.js";
import { queryServiceHandlers } from "./query-service.js";
import { parseNextValues, SequenceCache } from "./sequences.js";
import { classifyStatement, type StatementKind } from "./statement-kind.js";
import { aliasString, checkTarget, notServingError, targetString } from "./target-check.js";

export type { TabletServerConfig } from "./config.js";

export interface ServingState {
  target: Target;
  serving: boolean;
  /** Unix seconds when this tablet became primary; 0 if it is not primary. */
  primaryTermStartTime: number;
}

export interface ReplicationHealth {
  lagSeconds: number;
  error?: string;
}

/** The caller's side of a call: cancellation and deadline (libs/grpc's CallContext fits). */
export interface RequestContext {
  readonly signal?: AbortSignal;
  readonly deadline?: number;
  /** Cheaper than `signal` where offered (framerpc); see CallContext.onCancel. */
  readonly onCancel?: (listener: () => void) => (() => void) | undefined;
}

type Lifecycle = "new" | "opening" | "open" | "closing" | "closed";

interface Admission {
  /** The call works on an existing transaction (allowed while shutting down, as in Vitess). */
  inTransaction: boolean;
  /** Commit/Rollback: also allowed when not serving, so transactions can always be ended. */
  endsTransaction?: boolean;
}

/**
 * vttablet's query service (Vitess's tabletserver.TabletServer): checks every call's target, serving
 * state and denied tables, runs statements through pools and transactions, and broadcasts health.
 * The tablet manager drives it with `setState`, `setDeniedTables` and `setReplicationHealth`.
 */
export class TabletServer {
  private readonly engine: QueryEngine;
  private readonly metrics: TabletServerMetrics;
  private readonly health: HealthBroadcaster;
  private readonly denied = new DeniedTables();
  private readonly inFlight = new InFlight();
  private readonly aliasText: string;
  private lifecycle: Lifecycle = "new";
  private opening: Promise<void> | undefined;
  private state: ServingState;
  private replication: ReplicationHealth = { lagSeconds: 0 };
  /** `select next N values from <sequence table>`, served from memory (sequences.ts). */
  private readonly sequences = new SequenceCache(async (fn) => {
    const txId = await this.engine.begin(undefined);
    try {
      const out = await fn((sql) =>
        this.engine.execute(sql, classifyStatement(sql), txId, this.runOptions(undefined, {})),
      );
      await this.engine.commit(txId);
      return out;
    } catch (err) {
      await this.engine.rollback(txId).catch(() => undefined);
      throw err;
    }
  });

  constructor(
    private readonly config: TabletServerConfig,
    private readonly logger: Logger,
    metrics: Registry,
  ) {
    this.aliasText = aliasString(config.alias);
    this.state = {
      target: { keyspace: "", shard: "", tabletType: TabletType.UNKNOWN, cell: config.alias.cell },
      serving: false,
      primaryTermStartTime: 0,
    };
    this.metrics = new TabletServerMetrics(metrics, () => this.engine.pools());
    this.engine = new QueryEngine(config, logger, this.metrics);
    this.health = new HealthBroadcaster(
      this.currentHealth(),
      config.healthResendIntervalMs ?? DEFAULT_HEALTH_RESEND_INTERVAL_MS,
    );
  }

  get tabletAlias(): TabletAlias {
    return this.config.alias;
  }

  /** Opens the pools (mysqld must be up). Idempotent; a failed open can be retried. */
  open(): Promise<void> {
    if (this.lifecycle === "open") return Promise.resolve();
    if (this.lifecycle === "closing" || this.lifecycle === "closed") {
      return Promise.reject(
        new VtError(Code.FAILED_PRECONDITION, `tablet server ${this.aliasText} is closed`),
      );
    }
    if (!this.opening) {
      this.lifecycle = "opening";
      this.opening = this.engine.open().then(
        () => {
          if (this.lifecycle !== "opening") return; // closed meanwhile
          this.lifecycle = "open";
          this.publishHealth();
          this.logger.info({ tablet: this.aliasText }, "query service open");
        },
        (err: unknown) => {
          if (this.lifecycle === "opening") this.lifecycle = "new";
          this.opening = undefined;
          throw fromMysqlError(err).withContext(`tablet ${this.aliasText}: cannot open the query service`);
        },
      );
    }
    return this.opening;
  }

  /** The target and serving state from the tablet record; transactions end when the tablet stops being a serving primary. */
  setState(state: ServingState): void {
    const previous = this.state;
    this.state = {
      target: { ...state.target },
      serving: state.serving,
      primaryTermStartTime: state.primaryTermStartTime,
    };
    const wasPrimary = previous.serving && previous.target.tabletType === TabletType.PRIMARY;
    const isPrimary = state.serving && state.target.tabletType === TabletType.PRIMARY;
    if (!isPrimary) this.sequences.reset();
    if (wasPrimary && !isPrimary && this.engine.openTransactions > 0) {
      const reason = `the tablet changed to ${targetString(state.target)}${state.serving ? "" : " not serving"}`;
      void this.engine.rollbackAll(reason);
    }
    this.publishHealth();
  }

  /** Tablet controls of the shard record: statements touching these tables are refused. */
  setDeniedTables(tables: readonly string[]): void {
    this.denied.set(tables);
  }

  setReplicationHealth(health: ReplicationHealth): void {
    this.replication = { lagSeconds: health.lagSeconds, error: health.error };
    this.publishHealth();
  }

  currentHealth(): StreamHealthResponse {
    return {
      target: { ...this.state.target },
      serving: this.isServing(),
      primaryTermStartTimestamp:
        this.state.target.tabletType === TabletType.PRIMARY ? this.state.primaryTermStartTime : 0,
      tabletAlias: { ...this.config.alias },
      realtimeStats: {
        healthError: this.replication.error ?? "",
        replicationLagSeconds: Math.max(0, Math.round(this.replication.lagSeconds)),
        binlogPlayersCount: 0,
        filteredReplicationLagSeconds: 0,
        cpuUsage: 0,
        qps: 0,
        tableSchemaChanged: [],
        viewSchemaChanged: [],
        udfsChanged: false,
        txUnresolved: false,
      },
    };
  }

  handlers(): Partial<ServiceHandlers<typeof QueryService>> {
    return queryServiceHandlers(this);
  }

  /**
   * Goes NOT_SERVING (StreamHealth streams get that, then end), lets running calls finish for up to
   * `graceMs`, rolls back open transactions, cuts what still runs and closes the pools.
   */
  async close(graceMs: number): Promise<void> {
    if (this.lifecycle === "closing" || this.lifecycle === "closed") return;
    const wasOpen = this.lifecycle === "open" || this.lifecycle === "opening";
    this.lifecycle = "closing";
    this.publishHealth();
    await this.health.end(Math.max(100, Math.min(graceMs, 5_000)));
    if (wasOpen) {
      await this.opening?.catch(() => undefined);
      const idle = await this.inFlight.waitIdle(graceMs);
      if (!idle)
        this.logger.warn({ running: this.inFlight.count }, "calls still running after the grace period");
    }
    await this.engine.close();
    this.lifecycle = "closed";
    this.logger.info({ tablet: this.aliasText }, "query service closed");
  }

  // ---- the calls, as Vitess's TabletServer has them; queryServiceHandlers adapts them to gRPC ----

  async execute(
    target: Target | undefined,
    query: BoundQuery | undefined,
    transactionId: number,
    options: ExecuteOptions | undefined,
    context: RequestContext = {},
  ): Promise<QueryResult> {
    return this.call({ inTransaction: transactionId !== 0 }, target, async () => {
      const { sql, kind } = this.prepare(query);
      const next = parseNextValues(sql);
      if (next) return this.sequences.next(next.table, next.count, this.isPrimaryNow());
      const started = process.hrtime.bigint();
      try {
        return await this.engine.execute(sql, kind, transactionId, this.runOptions(options, context));
      } finally {
        this.metrics.query(kind.planType, Number(process.hrtime.bigint() - started) / 1e9);
      }
    });
  }

  async *streamExecute(
    target: Target | undefined,
    query: BoundQuery | undefined,
    transactionId: number,
    options: ExecuteOptions | undefined,
    context: RequestContext = {},
  ): AsyncGenerator<QueryResult> {
    this.admit({ inTransaction: transactionId !== 0 }, target);
    this.inFlight.begin();
    const started = process.hrtime.bigint();
    let kind: StatementKind | undefined;
    try {
      const prepared = this.prepare(query);
      const next = parseNextValues(prepared.sql);
      if (next) {
        yield await this.sequences.next(next.table, next.count, this.isPrimaryNow());
        return;
      }
      kind = prepared.kind;
      yield* this.engine.stream(
        prepared.sql,
        prepared.kind,
        transactionId,
        this.runOptions(options, context),
      );
    } catch (err) {
      throw this.failed(err);
    } finally {
      if (kind) this.metrics.query(kind.planType, Number(process.hrtime.bigint() - started) / 1e9);
      this.inFlight.end();
    }
  }

  begin(
    target: Target | undefined,
    options: ExecuteOptions | undefined,
    context: RequestContext = {},
  ): Promise<number> {
    return this.call({ inTransaction: false }, target, () => this.engine.begin(options, context.signal));
  }

  commit(target: Target | undefined, transactionId: number): Promise<void> {
    return this.call({ inTransaction: true, endsTransaction: true }, target, () =>
      this.engine.commit(transactionId),
    );
  }

  rollback(target: Target | undefined, transactionId: number): Promise<void> {
    return this.call({ inTransaction: true, endsTransaction: true }, target, () =>
      this.engine.rollback(transactionId),
    );
  }

  streamHealth(signal: AbortSignal): AsyncGenerator<StreamHealthResponse> {
    return this.health.subscribe(signal);
  }

  // ---- internals ----

  private isPrimaryNow(): boolean {
    return this.isServing() && this.state.target.tabletType === TabletType.PRIMARY;
  }

  private isServing(): boolean {
    return this.lifecycle === "open" && this.state.serving;
  }

  private publishHealth(): void {
    this.health.publish(this.currentHealth());
  }

  /** Whether this call may run now (Vitess's StartRequest): lifecycle, serving state, then target. */
  private admit(admission: Admission, target: Target | undefined): void {
    let refusal: VtError | undefined;
    if (this.lifecycle === "closing" && !admission.inTransaction) {
      refusal = notServingError(this.config.alias, this.state.target, "SHUTTING_DOWN");
    } else if (this.lifecycle !== "open" && this.lifecycle !== "closing") {
      refusal = notServingError(this.config.alias, this.state.target, "NOT_SERVING");
    } else if (!this.state.serving && !admission.endsTransaction && this.lifecycle === "open") {
      refusal = notServingError(this.config.alias, this.state.target, "NOT_SERVING");
    } else {
      refusal = checkTarget(target, this.state.target, this.config.alias);
    }
    if (refusal) {
      this.metrics.error(refusal.code);
      throw refusal;
    }
  }

  private async call<T>(admission: Admission, target: Target | undefined, fn: () => Promise<T>): Promise<T> {
    this.admit(admission, target);
    this.inFlight.begin();
    try {
      return await fn();
    } catch (err) {
      throw this.failed(err);
    } finally {
      this.inFlight.end();
    }
  }

  /** The statement to run: checked against denied tables and transaction control, bind variables substituted. */
  private prepare(query: BoundQuery | undefined): { sql: string; kind: StatementKind } {
    if (!query || query.sql.trim() === "") throw new VtError(Code.INVALID_ARGUMENT, "empty query");
    const kind = classifyStatement(query.sql);
    if (kind.transactionControl) {
      throw new VtError(
        Code.INVALID_ARGUMENT,
        `${kind.keyword.toUpperCase()} is not allowed in Execute: use the Begin, Commit and Rollback calls`,
      );
    }
    const denied = this.denied.check(query.sql);
    if (denied) throw denied;
    return { sql: substituteBindVars(query.sql, query.bindVariables), kind };
  }

  private runOptions(options: ExecuteOptions | undefined, context: RequestContext): RunOptions {
    const workload = options?.workload ?? Workload.UNSPECIFIED;
    const timeout = options?.timeout;
    return {
      // Without options a caller gets all field metadata (vtgate always asks for ALL explicitly).
      includedFields: options ? options.includedFields : IncludedFields.ALL,
      unlimited: workload === Workload.OLAP || workload === Workload.DBA,
      timeoutMs: timeout?.$case === "authoritativeTimeout" ? timeout.value : undefined,
      deadline: context.deadline,
      caller: context,
    };
  }

  /** A failure as the caller sees it: a VtError (MySQL errno/SQLSTATE kept) naming this tablet. */
  private failed(err: unknown): VtError {
    const vtError = fromMysqlError(err);
    this.metrics.error(vtError.code);
    if (vtError.code === Code.UNKNOWN && !(err instanceof VtError)) {
      this.logger.error({ err }, "unexpected failure in the query service");
    }
    return vtError.withContext(`vttablet ${this.aliasText}`);
  }
}
