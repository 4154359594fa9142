/**
 * A fake tablet for discovery, gateway and executor unit tests (Vitess's sandboxconn): it records every
 * call, answers from canned results, checks targets and serving state like a real vttablet, keeps
 * transaction ids, streams health changes, and can be told to fail.
 */
import type { ClientCallOptions } from "../../grpc/index.js";
import type {
  BeginExecuteRequest,
  BeginExecuteResponse,
  BeginRequest,
  BeginResponse,
  BindVariable,
  CommitRequest,
  CommitResponse,
  ExecuteRequest,
  ExecuteResponse,
  QueryResult,
  RollbackRequest,
  RollbackResponse,
  StreamExecuteRequest,
  StreamExecuteResponse,
  StreamHealthRequest,
  StreamHealthResponse,
  Target,
} from "../../proto/query.js";
import { type Tablet, type TabletAlias, TabletType } from "../../proto/topodata.js";
import { parseTabletAlias, tabletAliasString } from "../../topo/index.js";
import { Code, toRpcError, VtError } from "../../vterrors/index.js";
import type { TabletConn, TabletDialer } from "../tablet-conn.js";
import { tabletTypeName } from "../tablet-health.js";

export type FakeMethod = "execute" | "streamExecute" | "begin" | "commit" | "rollback" | "beginExecute";

export interface RecordedCall {
  readonly method: FakeMethod;
  readonly target: Target | undefined;
  readonly sql: string | undefined;
  readonly bindVariables: Readonly<Record<string, BindVariable>>;
  readonly transactionId: number;
  readonly preQueries: readonly string[];
}

/** An answer for a statement: a result, or a function of the SQL (throw to fail). */
export type FakeAnswer =
  | QueryResult
  | ((sql: string, bindVariables: Record<string, BindVariable>) => QueryResult);

export function fakeResult(rowsAffected = 0, insertId = "0"): QueryResult {
  return {
    fields: [],
    rowsAffected,
    insertId,
    rows: [],
    info: "",
    sessionStateChanges: "",
    insertIdChanged: insertId !== "0",
  };
}

interface InjectedFailure {
  methods: ReadonlySet<FakeMethod> | undefined;
  error: VtError;
  remaining: number;
}

let nextTransactionId = 1000;

export class FakeTablet {
  readonly alias: TabletAlias;
  readonly aliasString: string;
  readonly calls: RecordedCall[] = [];
  readonly record: Tablet;
  target: Target;
  serving = true;
  primaryTermStartTime = 0;
  healthError = "";
  /** Answers by exact SQL; anything else gets `defaultAnswer`. */
  readonly answers = new Map<string, FakeAnswer>();
  defaultAnswer: FakeAnswer = fakeResult();
  /** Open transactions (ids this tablet handed out and has not ended). */
  readonly transactions = new Set<number>();
  private readonly failures: InjectedFailure[] = [];
  private readonly healthWaiters = new Set<() => void>();
  private healthVersion = 0;
  private healthBreak: { error: VtError; version: number } | undefined;

  constructor(alias: string, keyspace: string, shard: string, type: TabletType, grpcPort = 0) {
    this.alias = parseTabletAlias(alias);
    this.aliasString = tabletAliasString(this.alias);
    this.target = { keyspace, shard, tabletType: type, cell: this.alias.cell };
    this.record = {
      alias: this.alias,
      hostname: `host-${this.alias.uid}`,
      portMap: { grpc: grpcPort || 16000 + this.alias.uid, vt: 15000 + this.alias.uid },
      keyspace,
      shard,
      keyRange: undefined,
      type,
      dbNameOverride: "",
      tags: {},
      mysqlHostname: "127.0.0.1",
      mysqlPort: 17000 + this.alias.uid,
      primaryTermStartTime: undefined,
      defaultConnCollation: 0,
      tabletStartTime: undefined,
    };
    if (type === TabletType.PRIMARY) this.primaryTermStartTime = 1;
  }

  get address(): string {
    return `${this.record.hostname}:${this.record.portMap.grpc}`;
  }

  /** Changes what the tablet reports on its health stream (and how it checks targets). */
  setHealth(change: {
    serving?: boolean;
    type?: TabletType;
    primaryTermStartTime?: number;
    healthError?: string;
  }): void {
    if (change.serving !== undefined) this.serving = change.serving;
    if (change.type !== undefined) this.target = { ...this.target, tabletType: change.type };
    if (change.primaryTermStartTime !== undefined) this.primaryTermStartTime = change.primaryTermStartTime;
    if (change.healthError !== undefined) this.healthError = change.healthError;
    this.healthVersion++;
    for (const wake of [...this.healthWaiters]) wake();
  }

  /** Open health streams fail with `error` (as when the connection drops); new ones work again. */
  breakHealthStreams(error: VtError): void {
    this.healthBreak = { error, version: this.healthVersion + 1 };
    this.setHealth({});
  }

  /** The next `count` calls (of `methods`, or any) fail with `error`. */
  failNext(error: VtError, count = 1, methods?: readonly FakeMethod[]): void {
    this.failures.push({ error, remaining: count, methods: methods ? new Set(methods) : undefined });
  }

  answer(sql: string, answer: FakeAnswer): void {
    this.answers.set(sql, answer);
  }

  /** Calls of one method, or the SQL of every statement executed. */
  callsOf(method: FakeMethod): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  queries(): string[] {
    return this.calls.filter((c) => c.sql !== undefined).map((c) => c.sql as string);
  }

  healthResponse(): StreamHealthResponse {
    return {
      target: { ...this.target },
      serving: this.serving,
      primaryTermStartTimestamp:
        this.target.tabletType === TabletType.PRIMARY ? this.primaryTermStartTime : 0,
      realtimeStats: {
        healthError: this.healthError,
        replicationLagSeconds: 0,
        binlogPlayersCount: 0,
        filteredReplicationLagSeconds: 0,
        cpuUsage: 0,
        qps: 0,
        tableSchemaChanged: [],
        viewSchemaChanged: [],
        udfsChanged: false,
        txUnresolved: false,
      },
      tabletAlias: this.alias,
    };
  }

  readonly conn: TabletConn = {
    execute: async (request: ExecuteRequest): Promise<ExecuteResponse> => {
      this.record_("execute", request.target, request.query, request.transactionId);
      this.admit("execute", request.target, request.transactionId);
      return { result: this.run(request.query?.sql ?? "", request.query?.bindVariables ?? {}) };
    },
    streamExecute: (request: StreamExecuteRequest, options?: ClientCallOptions) =>
      this.stream(request, options),
    begin: async (request: BeginRequest): Promise<BeginResponse> => {
      this.record_("begin", request.target, undefined, 0);
      this.admit("begin", request.target, 0);
      const transactionId = nextTransactionId++;
      this.transactions.add(transactionId);
      return { transactionId, tabletAlias: this.alias, sessionStateChanges: "" };
    },
    commit: async (request: CommitRequest): Promise<CommitResponse> => {
      this.record_("commit", request.target, undefined, request.transactionId);
      this.fail("commit");
      this.endTransaction(request.transactionId);
      return { reservedId: 0 };
    },
    rollback: async (request: RollbackRequest): Promise<RollbackResponse> => {
      this.record_("rollback", request.target, undefined, request.transactionId);
      this.fail("rollback");
      this.endTransaction(request.transactionId);
      return { reservedId: 0 };
    },
    beginExecute: async (request: BeginExecuteRequest): Promise<BeginExecuteResponse> => {
      this.record_("beginExecute", request.target, request.query, 0, request.preQueries);
      this.admit("beginExecute", request.target, 0);
      const transactionId = nextTransactionId++;
      this.transactions.add(transactionId);
      const base = { transactionId, tabletAlias: this.alias, sessionStateChanges: "" };
      try {
        return {
          ...base,
          error: undefined,
          result: this.run(request.query?.sql ?? "", request.query?.bindVariables ?? {}),
        };
      } catch (err) {
        return { ...base, error: toRpcError(err), result: undefined };
      }
    },
    streamHealth: (_request: StreamHealthRequest, options?: ClientCallOptions) =>
      this.health(options?.signal),
  };

  private async *stream(
    request: StreamExecuteRequest,
    _options?: ClientCallOptions,
  ): AsyncGenerator<StreamExecuteResponse> {
    this.record_("streamExecute", request.target, request.query, request.transactionId);
    this.admit("streamExecute", request.target, request.transactionId);
    const result = this.run(request.query?.sql ?? "", request.query?.bindVariables ?? {});
    yield { result: { ...result, rows: [] } };
    if (result.rows.length > 0) yield { result: { ...fakeResult(), rows: result.rows } };
  }

  private async *health(signal: AbortSignal | undefined): AsyncGenerator<StreamHealthResponse> {
    let seen = -1;
    const opened = this.healthVersion;
    while (!signal?.aborted) {
      const broken = this.healthBreak;
      if (broken && broken.version > opened && broken.version <= this.healthVersion) throw broken.error;
      if (seen !== this.healthVersion) {
        seen = this.healthVersion;
        yield this.healthResponse();
        continue;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.healthWaiters.delete(wake);
          signal?.removeEventListener("abort", wake);
          resolve();
        };
        this.healthWaiters.add(wake);
        signal?.addEventListener("abort", wake, { once: true });
      });
    }
    throw new VtError(Code.CANCELED, "health stream cancelled");
  }

  private record_(
    method: FakeMethod,
    target: Target | undefined,
    query: { sql: string; bindVariables: Record<string, BindVariable> } | undefined,
    transactionId: number,
    preQueries: readonly string[] = [],
  ): void {
    this.calls.push({
      method,
      target,
      sql: query?.sql,
      bindVariables: query?.bindVariables ?? {},
      transactionId,
      preQueries,
    });
  }

  private fail(method: FakeMethod): void {
    const failure = this.failures.find((f) => f.remaining > 0 && (!f.methods || f.methods.has(method)));
    if (!failure) return;
    failure.remaining--;
    if (failure.remaining === 0) this.failures.splice(this.failures.indexOf(failure), 1);
    throw failure.error;
  }

  /** Like vttablet: injected failures, then the serving state and the target, then the transaction. */
  private admit(method: FakeMethod, target: Target | undefined, transactionId: number): void {
    this.fail(method);
    if (transactionId !== 0) {
      if (!this.transactions.has(transactionId)) {
        throw new VtError(Code.ABORTED, `transaction ${transactionId}: not found`);
      }
      return;
    }
    if (!this.serving) {
      throw new VtError(
        Code.UNAVAILABLE,
        `operation not allowed in state NOT_SERVING: tablet ${this.aliasString}`,
      );
    }
    if (
      target &&
      (target.keyspace !== this.target.keyspace ||
        target.shard !== this.target.shard ||
        target.tabletType !== this.target.tabletType)
    ) {
      throw new VtError(
        Code.FAILED_PRECONDITION,
        `invalid target: wanted ${tabletTypeName(target.tabletType)}, tablet ${this.aliasString} serves ${tabletTypeName(this.target.tabletType)}`,
      );
    }
  }

  private endTransaction(transactionId: number): void {
    if (!this.transactions.delete(transactionId)) {
      throw new VtError(Code.ABORTED, `transaction ${transactionId}: not found`);
    }
  }

  private run(sql: string, bindVariables: Record<string, BindVariable>): QueryResult {
    const answer = this.answers.get(sql) ?? this.defaultAnswer;
    return typeof answer === "function" ? answer(sql, bindVariables) : answer;
  }
}

/** A dialer that connects to the fake tablets by address; unknown addresses fail to dial. */
export function fakeDialer(tablets: readonly FakeTablet[]): TabletDialer & { closed: string[] } {
  const closed: string[] = [];
  const dial: TabletDialer = (record) => {
    const address = `${record.hostname}:${record.portMap.grpc}`;
    const tablet = tablets.find((t) => t.address === address);
    if (!tablet) throw new VtError(Code.UNAVAILABLE, `no fake tablet at ${address}`);
    return { conn: tablet.conn, address, close: () => closed.push(address) };
  };
  return Object.assign(dial, { closed });
}
