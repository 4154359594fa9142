import type { GrpcClientHandle } from "../../libs/grpc/index.js";
import { unpackRow } from "../../libs/mysql/query-result.js";
import {
  type VEvent,
  VEventType,
  VStreamRequest,
  type VStreamResponse,
} from "../../libs/proto/binlogdata.js";
import type { Row } from "../../libs/proto/query.js";
import type { QueryService } from "../../libs/proto/queryservice.js";

export type QueryClient = GrpcClientHandle<typeof QueryService>;

/**
 * A VStream read in the background: every event in order, the responses' sizes, and how it ended.
 * `until(predicate)` waits for the events to satisfy a condition (failing early if the stream ends).
 */
export class VStreamReader {
  readonly events: VEvent[] = [];
  /** Per response: how many events, and how many bytes of row values it carried. */
  readonly responses: number[] = [];
  readonly responseRowBytes: number[] = [];
  error: unknown;
  ended = false;
  readonly done: Promise<void>;
  private readonly controller = new AbortController();
  private readonly waiters = new Set<() => void>();

  constructor(client: QueryClient, request: Partial<VStreamRequest>) {
    const stream = client.rpc.vStream(VStreamRequest.fromPartial(request), {
      signal: this.controller.signal,
    });
    this.done = (async () => {
      try {
        for await (const response of stream as AsyncIterable<VStreamResponse>) {
          this.responses.push(response.events.length);
          this.responseRowBytes.push(rowBytes(response.events));
          this.events.push(...response.events);
          this.notify();
        }
      } catch (err) {
        if (!this.controller.signal.aborted) this.error = err;
      } finally {
        this.ended = true;
        this.notify();
      }
    })();
  }

  /** Waits until `predicate(events)` holds; rejects when the stream ends first or after `timeoutMs`. */
  async until(what: string, predicate: (events: VEvent[]) => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (predicate(this.events)) return;
      if (this.ended) {
        throw new Error(
          `stream ended before ${what}: ${this.error instanceof Error ? this.error.message : "no error"}`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} (${this.events.length} events)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 1000));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(() => {
          done();
        });
      });
    }
  }

  /** Waits for the stream to fail; resolves with its error. */
  async failure(timeoutMs = 30_000): Promise<unknown> {
    await this.until("an error", () => false, timeoutMs).catch(() => undefined);
    if (!this.ended) throw new Error("the stream did not end");
    return this.error;
  }

  stop(): Promise<void> {
    this.controller.abort();
    return this.done;
  }

  count(type: VEventType): number {
    return this.events.filter((event) => event.type === type).length;
  }

  private notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}

function rowBytes(events: readonly VEvent[]): number {
  let bytes = 0;
  for (const event of events) {
    for (const change of event.rowEvent?.rowChanges ?? []) {
      bytes += (change.before?.values.length ?? 0) + (change.after?.values.length ?? 0);
    }
  }
  return bytes;
}

/** A row's values as strings (latin1 keeps bytes 1:1), null for NULL. */
export function rowText(row: Row | undefined): (string | null)[] | undefined {
  return row === undefined
    ? undefined
    : unpackRow(row).map((value) => (value === null ? null : value.toString("latin1")));
}

/** The events without heartbeats, as short labels (`BEGIN`, `FIELD t`, `ROW t`, `GTID`, `COMMIT`, `DDL`). */
export function labels(events: readonly VEvent[]): string[] {
  const out: string[] = [];
  for (const event of events) {
    switch (event.type) {
      case VEventType.HEARTBEAT:
        break;
      case VEventType.FIELD:
        out.push(`FIELD ${event.fieldEvent?.tableName}`);
        break;
      case VEventType.ROW:
        out.push(`ROW ${event.rowEvent?.tableName}`);
        break;
      default:
        out.push(VEventType[event.type] ?? String(event.type));
    }
  }
  return out;
}
