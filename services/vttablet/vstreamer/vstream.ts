import type { Logger } from "pino";
import {
  encodePosition,
  isPositionError,
  type Position,
  parsePosition,
  ZERO_POSITION,
} from "../../../libs/mysql/replication/index.js";
import type { VEvent, VStreamRequest, VStreamResponse } from "../../../libs/proto/binlogdata.js";
import { Code, errorMessage, invalidArgument, VtError } from "../../../libs/vterrors/index.js";
import { EventBatcher } from "./batcher.js";
import { EventSource, type EventSourceDeps, type SourceStart, TICK } from "./event-source.js";
import { type CompiledFilter, compileFilter } from "./filter-rules.js";
import { buildTablePlan } from "./plan-builder.js";
import type { SchemaSource } from "./schema-source.js";
import { VEventBuilder } from "./vevents.js";
import type { VindexResolver } from "./vindex-resolver.js";

/** Vitess's vstreamer HeartbeatTime: a HEARTBEAT after this long without binlog events. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 900;

/** VStreamOptions.config_overrides key for a stream's heartbeat interval ("2s", "500ms" or milliseconds). */
export const HEARTBEAT_OVERRIDE = "vstream-heartbeat-interval";

export interface VStreamContext {
  readonly keyspace: string;
  readonly shard: string;
  readonly dbName: string;
  readonly schema: SchemaSource;
  readonly sources: EventSourceDeps;
  /** Loads the keyspace's vindexes (only when a filter needs them). */
  readonly vindexes: () => Promise<VindexResolver>;
  readonly packetSize: number;
  readonly heartbeatIntervalMs: number;
  readonly logger: Logger;
}

/** A request checked and prepared: where to start, the filter, the vindexes it needs. */
export interface PreparedVStream {
  readonly start: SourceStart;
  readonly filter: CompiledFilter;
  readonly vindexes: VindexResolver;
  readonly heartbeatIntervalMs: number;
}

const NO_VINDEXES: VindexResolver = {
  primaryVindex: () => {
    throw new VtError(Code.INTERNAL, "the filter needs no vindex");
  },
  findOrCreate: () => {
    throw new VtError(Code.INTERNAL, "the filter needs no vindex");
  },
};

/** "current", or a flavored position (`MariaDB/0-100-3`; "" is the start of the binlog, as in Vitess). */
export function parseStartPosition(text: string): SourceStart {
  if (text === "current") return { kind: "current" };
  try {
    const position: Position = text === "" ? ZERO_POSITION : parsePosition(text);
    return { kind: "position", position };
  } catch (err) {
    if (isPositionError(err))
      throw invalidArgument(`invalid VStream position: ${err.message}`, { cause: err });
    throw err;
  }
}

/** A duration override: "1.5s", "500ms", "2m" or a number of milliseconds. */
export function parseDurationMs(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
  if (match === null) throw invalidArgument(`invalid duration "${text}": use e.g. "500ms" or "2s"`);
  const value = Number(match[1]);
  const unit = match[2] ?? "ms";
  return Math.round(value * (unit === "s" ? 1000 : unit === "m" ? 60_000 : 1));
}

/**
 * Checks a VStream request before anything is sent: the position parses, the filter is a list of simple
 * selects (or regexps), each table a rule names exists and the filter fits its columns, the vindexes it
 * names are in the VSchema. Every problem is an INVALID_ARGUMENT for the caller.
 */
export async function prepareVStream(
  context: VStreamContext,
  request: VStreamRequest,
): Promise<PreparedVStream> {
  const start = parseStartPosition(request.position);
  const filter = compileFilter(request.filter);
  const vindexes = filter.needsVSchema ? await context.vindexes() : NO_VINDEXES;
  for (const rule of filter.rules) {
    if (rule.kind !== "table") continue;
    const cached = context.schema.cached(rule.match);
    if (cached !== undefined) {
      try {
        buildTablePlan(rule, cached, vindexes);
        continue;
      } catch {
        // The cache may be stale: check against mysqld.
      }
    }
    const table = await context.schema.fresh(rule.match);
    if (table === undefined) {
      throw invalidArgument(`unknown table ${rule.match} in filter rule: no such table in ${context.dbName}`);
    }
    buildTablePlan(rule, table, vindexes);
  }
  let heartbeatIntervalMs = context.heartbeatIntervalMs;
  const override = request.options?.configOverrides[HEARTBEAT_OVERRIDE];
  if (override !== undefined) heartbeatIntervalMs = Math.max(10, parseDurationMs(override));
  return { start, filter, vindexes, heartbeatIntervalMs };
}

/**
 * Streams binlog events as VStreamResponses until the caller cancels (`signal`) or the stream fails:
 * HEARTBEAT after `heartbeatIntervalMs` without binlog events, transactions batched by EventBatcher.
 * `stopped` tells why the signal was aborted when it was the tablet (the error thrown then).
 */
export async function* runVStream(
  context: VStreamContext,
  prepared: PreparedVStream,
  signal: AbortSignal,
  stopped: () => VtError | undefined,
): AsyncGenerator<VStreamResponse> {
  const source = new EventSource(context.sources, prepared.start);
  const interval = prepared.heartbeatIntervalMs;
  let lastActivity = Date.now();
  const onAbort = () => source.poke();
  signal.addEventListener("abort", onAbort, { once: true });
  const timer = setInterval(
    () => {
      if (Date.now() - lastActivity >= interval) source.poke();
    },
    Math.max(10, Math.floor(interval / 4)),
  );
  timer.unref();
  const ended = (): boolean => {
    if (!signal.aborted) return false;
    const reason = stopped();
    if (reason !== undefined) throw reason;
    return true;
  };
  try {
    const startPosition = await source.open();
    if (ended()) return;
    context.logger.info(
      { start: prepared.start.kind, position: encodePosition(startPosition), onTail: source.onTail },
      "vstream started",
    );
    const builder = new VEventBuilder({
      keyspace: context.keyspace,
      shard: context.shard,
      dbName: context.dbName,
      rules: prepared.filter.rules,
      vindexes: prepared.vindexes,
      schema: context.schema,
      position: () => source.position,
    });
    const batcher = new EventBatcher(context.packetSize);
    const out: VEvent[] = [];
    for (;;) {
      const item = await source.next();
      if (ended()) return;
      if (item === TICK) {
        if (Date.now() - lastActivity < interval) continue;
        lastActivity = Date.now();
        const batch = batcher.add(builder.heartbeat());
        if (batch !== undefined) yield { events: batch };
        continue;
      }
      lastActivity = Date.now();
      out.length = 0;
      const wait = builder.add(item, out);
      if (wait !== undefined) await wait;
      for (const vevent of out) {
        const batch = batcher.add(vevent);
        if (batch !== undefined) yield { events: batch };
      }
    }
  } catch (err) {
    if (signal.aborted) {
      const reason = stopped();
      if (reason !== undefined) throw reason;
      return;
    }
    throw err instanceof VtError ? err : new VtError(Code.UNKNOWN, errorMessage(err), { cause: err });
  } finally {
    clearInterval(timer);
    signal.removeEventListener("abort", onAbort);
    await source.close();
  }
}
