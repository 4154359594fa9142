import type { Logger } from "pino";
import {
  type Filter,
  type ShardGtid,
  type TableLastPK,
  VEventType,
  type VStreamResponse,
} from "../../../libs/proto/binlogdata.js";
import type { TabletType } from "../../../libs/proto/topodata.js";
import { Code, errorMessage, VtError } from "../../../libs/vterrors/index.js";
import { EMPTY_EVENT, ShardEventAssembler, type ShardUnit } from "./shard-events.js";
import { VGtidTracker } from "./vgtid.js";

/** What a shard's tablet stream is asked for. */
export interface ShardStreamRequest {
  readonly keyspace: string;
  readonly shard: string;
  readonly tabletType: TabletType;
  /** A flavored position, "current", or "" with tableLastPKs to copy first. */
  readonly position: string;
  readonly filter: Filter;
  readonly tableLastPKs: readonly TableLastPK[];
}

/**
 * Opens one tablet VStream for a shard (a serving tablet of the type, from the health check). Errors: the
 * tablet's, as VtError; UNAVAILABLE when no tablet serves the shard. `avoid` names the tablet whose stream
 * just failed, to try another one first when there is one.
 */
export interface ShardStreamSource {
  open(
    request: ShardStreamRequest,
    signal: AbortSignal,
    avoid: string | undefined,
  ): { readonly tablet: string; readonly responses: AsyncIterable<VStreamResponse> };
}

export interface RetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Failed attempts in a row (without an event delivered in between) before the stream fails. */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 200, maxDelayMs: 5_000, maxAttempts: 12 };

export interface VStreamOptions {
  readonly tabletType: TabletType;
  readonly filter: Filter;
  /** HEARTBEAT to the client after this long without events (0: never). */
  readonly heartbeatIntervalMs: number;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
}

/** Responses queued for the client before the shards' streams wait. */
const QUEUE_LIMIT = 16;

/** Errors that are the caller's: retrying elsewhere cannot help (bad filter or position, purged binlog). */
export function isPermanentStreamError(err: unknown): boolean {
  if (!(err instanceof VtError)) return false;
  if (err.mysql?.errno === 1236) return true;
  return (
    err.code === Code.INVALID_ARGUMENT ||
    err.code === Code.UNIMPLEMENTED ||
    err.code === Code.PERMISSION_DENIED ||
    err.code === Code.UNAUTHENTICATED ||
    err.code === Code.OUT_OF_RANGE
  );
}

/** The tables to copy when a shard starts without a position: each rule's table (or /regexp/). */
export function copyTablesOf(filter: Filter): TableLastPK[] {
  return filter.rules.map((rule) => ({ tableName: rule.match, lastpk: undefined }));
}

/**
 * vtgate's VStream (Vitess's vstream_manager): one tablet stream per shard, merged into one stream of
 * responses. Each shard's transactions arrive whole; each GTID is replaced by a VGTID event holding every
 * shard's position as delivered so far. A shard whose tablet stream fails for a reason that is not the
 * caller's is reopened (on the same or another serving tablet) from its last delivered position, with
 * backoff, so nothing is lost or repeated; a permanent error, or too many failures in a row, ends the
 * whole stream with that error. Ends when `signal` aborts.
 */
export async function* mergeVStreams(
  source: ShardStreamSource,
  start: readonly ShardGtid[],
  options: VStreamOptions,
  signal: AbortSignal,
): AsyncGenerator<VStreamResponse> {
  const tracker = new VGtidTracker(start);
  const copying = new Set(
    start.filter((s) => s.gtid === "" || s.tablePKs.length > 0).map((s) => `${s.keyspace}/${s.shard}`),
  );
  const queue: VStreamResponse[] = [];
  let failure: unknown;
  let wakeConsumer: (() => void) | undefined;
  const wakeProducers: (() => void)[] = [];
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener("abort", onAbort, { once: true });
  const wake = () => {
    wakeConsumer?.();
    wakeConsumer = undefined;
  };

  const deliver = async (keyspace: string, shard: string, unit: ShardUnit): Promise<void> => {
    tracker.commit(keyspace, shard, unit.gtid, unit.tablePKs);
    const events = unit.events;
    for (const slot of unit.vgtidSlots) {
      events[slot] = { ...EMPTY_EVENT, type: VEventType.VGTID, vgtid: tracker.snapshot() };
    }
    const last = events[events.length - 1];
    if (
      last?.type === VEventType.COPY_COMPLETED &&
      copying.delete(`${keyspace}/${shard}`) &&
      copying.size === 0
    ) {
      // Every shard has copied: the stream's own COPY_COMPLETED (no keyspace or shard), as in Vitess.
      events.push({ ...EMPTY_EVENT, type: VEventType.COPY_COMPLETED });
    }
    queue.push({ events });
    wake();
    while (queue.length >= QUEUE_LIMIT && !controller.signal.aborted) {
      await new Promise<void>((resolve) => wakeProducers.push(resolve));
    }
  };

  const runShard = async (keyspace: string, shard: string): Promise<void> => {
    const log = options.logger.child({ keyspace, shard });
    let attempts = 0;
    let avoid: string | undefined;
    for (;;) {
      if (controller.signal.aborted) return;
      const at = tracker.position(keyspace, shard);
      const assembler = new ShardEventAssembler(keyspace, shard, at.gtid, at.tablePKs);
      const copyFirst = at.gtid === "" && at.tablePKs.length === 0;
      const request: ShardStreamRequest = {
        keyspace,
        shard,
        tabletType: options.tabletType,
        position: at.gtid,
        filter: options.filter,
        tableLastPKs: copyFirst ? copyTablesOf(options.filter) : at.tablePKs,
      };
      let error: unknown;
      let tablet: string | undefined;
      try {
        const opened = source.open(request, controller.signal, avoid);
        tablet = opened.tablet;
        log.info({ tablet, position: at.gtid, attempt: attempts }, "vstream: shard stream opened");
        for await (const response of opened.responses) {
          const units = assembler.add(response.events);
          for (const unit of units) {
            attempts = 0;
            await deliver(keyspace, shard, unit);
          }
          if (controller.signal.aborted) return;
        }
        error = new VtError(Code.UNAVAILABLE, `tablet ${tablet} ended the stream`);
      } catch (err) {
        if (controller.signal.aborted) return;
        if (isPermanentStreamError(err)) throw err;
        error = err;
      }
      attempts++;
      avoid = tablet;
      if (attempts > options.retry.maxAttempts) {
        throw new VtError(
          error instanceof VtError ? error.code : Code.UNAVAILABLE,
          `vstream ${keyspace}/${shard}: giving up after ${attempts} attempts: ${errorMessage(error)}`,
          { cause: error },
        );
      }
      const delay = Math.min(options.retry.maxDelayMs, options.retry.initialDelayMs * 2 ** (attempts - 1));
      log.warn(
        { err: errorMessage(error), attempt: attempts, delayMs: delay },
        "vstream: shard stream failed; retrying",
      );
      await sleep(delay, controller.signal);
    }
  };

  const running = tracker.positions.map(({ keyspace, shard }) =>
    runShard(keyspace, shard).catch((err: unknown) => {
      if (failure === undefined) {
        failure = err instanceof VtError ? err.withContext(`vstream ${keyspace}/${shard}`) : err;
      }
      controller.abort(failure);
      wake();
    }),
  );
  const interval = options.heartbeatIntervalMs;
  try {
    for (;;) {
      const next = queue.shift();
      if (next !== undefined) {
        for (const resolve of wakeProducers.splice(0)) resolve();
        yield next;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (controller.signal.aborted) return;
      const woken = await new Promise<boolean>((resolve) => {
        wakeConsumer = () => resolve(true);
        if (interval > 0) setTimeout(() => resolve(false), interval).unref();
      });
      if (!woken && queue.length === 0 && failure === undefined && !controller.signal.aborted) {
        yield {
          events: [{ ...EMPTY_EVENT, type: VEventType.HEARTBEAT, timestamp: Math.floor(Date.now() / 1000) }],
        };
      }
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    controller.abort(new VtError(Code.CANCELED, "vstream ended"));
    for (const resolve of wakeProducers.splice(0)) resolve();
    await Promise.all(running);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
