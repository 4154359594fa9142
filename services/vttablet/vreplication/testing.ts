import pino from "pino";
import { packRows, type RawValue } from "../../../libs/mysql/query-result.js";
import {
  BinlogSource,
  type VEvent,
  VEvent as VEventMessage,
  type VEventType,
  type VStreamRequest,
  type VStreamResponse,
  type VStreamRowsRequest,
  type VStreamRowsResponse,
} from "../../../libs/proto/binlogdata.js";
import { Field, QueryResult, type Row, Type } from "../../../libs/proto/query.js";
import type { PlayContext } from "./player.js";
import type { SourceStreamer } from "./source.js";
import type { TargetDb } from "./stream-record.js";
import { NO_THROTTLE_LIMIT, StreamThrottler, SYSTEM_CLOCK } from "./throttler.js";

/** Test doubles for the vreplication unit tests: a recording target and a scripted source. */

export const silentLogger = pino({ level: "silent" });

export function field(name: string, type: Type = Type.INT64): Field {
  return Field.fromPartial({ name, type });
}

export function row(...values: (string | null)[]): Row {
  return packRows([values.map((v): RawValue => (v === null ? null : Buffer.from(v)))])[0] as Row;
}

/** Records every statement; answers selects from `answers` (first matching prefix) or empty. */
export class RecordingDb implements TargetDb {
  readonly statements: string[] = [];
  constructor(readonly answers: [RegExp, QueryResult][] = []) {}

  async execute(sql: string): Promise<QueryResult> {
    this.statements.push(sql);
    for (const [pattern, result] of this.answers) if (pattern.test(sql)) return result;
    return QueryResult.fromPartial({ rowsAffected: 1 });
  }

  close(): void {}
}

export function textResult(names: string[], rows: (string | null)[][]): QueryResult {
  return QueryResult.fromPartial({
    fields: names.map((name) => field(name, Type.VARBINARY)),
    rows: packRows(rows.map((r) => r.map((v) => (v === null ? null : Buffer.from(v))))),
  });
}

export function vevent(type: VEventType, parts: Partial<VEvent> = {}): VEvent {
  return VEventMessage.fromPartial({ type, ...parts });
}

/** A source whose VStream yields `events` (then waits until aborted) and VStreamRows yields `rows`. */
export class ScriptedSource implements SourceStreamer {
  readonly alias = "zone1-0000000100";
  readonly target = { keyspace: "commerce", shard: "0", tabletType: 1, cell: "zone1" };
  readonly vstreamRequests: VStreamRequest[] = [];
  readonly rowsRequests: VStreamRowsRequest[] = [];
  lagSeconds = 0;
  constructor(
    public events: VEvent[] = [],
    public rows: VStreamRowsResponse[] = [],
  ) {}

  async *vstream(request: VStreamRequest, signal: AbortSignal): AsyncIterable<VStreamResponse> {
    this.vstreamRequests.push(request);
    yield { events: this.events };
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  }

  async *vstreamRows(request: VStreamRowsRequest): AsyncIterable<VStreamRowsResponse> {
    this.rowsRequests.push(request);
    for (const response of this.rows) yield response;
  }

  async replicationLagSeconds(): Promise<number> {
    return this.lagSeconds;
  }

  close(): void {}
}

export function playContext(db: TargetDb, source: SourceStreamer, onDdl = 0): PlayContext {
  const bls = BinlogSource.fromPartial({
    keyspace: "commerce",
    shard: "0",
    filter: { rules: [{ match: "customer", filter: "select * from `customer`" }] },
  });
  return {
    id: 1,
    db,
    source,
    filter: bls.filter ?? { rules: [], fieldEventMode: 0, workflowType: 0, workflowName: "" },
    routes: [{ target: "customer", source: "customer", query: "select * from `customer`" }],
    targetKeys: new Map([["customer", ["customer_id"]]]),
    onDdl,
    logger: silentLogger,
    signal: new AbortController().signal,
    throttler: new StreamThrottler(
      { maxTps: NO_THROTTLE_LIMIT, maxReplicationLag: NO_THROTTLE_LIMIT },
      { clock: SYSTEM_CLOCK, lag: async () => undefined, record: async () => undefined },
    ),
    onProgress: () => undefined,
  };
}
