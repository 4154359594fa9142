import type { BinlogEvent } from "../../../libs/mysql/binlog/index.js";
import { TransactionTracker } from "../../../libs/mysql/binlog/index.js";
import { appendGtid, formatGtid, type Gtid, type Position } from "../../../libs/mysql/replication/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { BinlogEventStream, OpenBinlogStream, TailRegistry, TailSubscription } from "./binlog-tail.js";

/** What `next()` returns when `poke()` interrupted the wait (heartbeat due, stream cancelled). */
export const TICK: unique symbol = Symbol("tick");
export type SourceItem = BinlogEvent | typeof TICK;

export type SourceStart =
  | { readonly kind: "current" }
  | { readonly kind: "position"; readonly position: Position };

export interface EventSourceDeps {
  readonly tails: TailRegistry;
  /** A binlog connection of the stream's own. */
  readonly openStream: OpenBinlogStream;
  /** Join or start the shared tail when possible (default true). */
  readonly share?: boolean;
}

/** Events of a transaction already delivered, to skip when its events are read again on a new connection. */
interface Skip {
  readonly gtid: Gtid;
  remaining: number;
  matched: boolean;
}

type Mode =
  | { readonly kind: "own"; readonly stream: BinlogEventStream }
  | { readonly kind: "tail"; readonly subscription: TailSubscription };

/**
 * The binlog events of one VStream, in order, exactly once, from its start position: from the shared tail
 * or from a connection of its own, switching between them between transactions (or, when the tail detaches
 * it mid-transaction, resuming on its own connection and skipping what it already delivered). Keeps the
 * position after the last complete transaction delivered, which the GTID events carry.
 */
export class EventSource {
  private mode: Mode | undefined;
  private readonly tracker = new TransactionTracker();
  private committed: Position | undefined;
  private openGtid: Gtid | undefined;
  private deliveredInTransaction = 0;
  private skip: Skip | undefined;
  private pending: Promise<IteratorResult<BinlogEvent>> | undefined;
  private wake: (() => void) | undefined;
  private caughtUp = false;
  private closed = false;
  private switches = 0;

  constructor(
    private readonly deps: EventSourceDeps,
    private readonly start: SourceStart,
  ) {}

  /** The position after the last complete transaction delivered (the start position before any). */
  get position(): Position {
    if (this.committed === undefined) throw new VtError(Code.INTERNAL, "event source is not open");
    return this.committed;
  }

  /** Whether the stream currently reads from the shared tail. */
  get onTail(): boolean {
    return this.mode?.kind === "tail";
  }

  /** How many times the stream moved between the tail and a connection of its own. */
  get switchCount(): number {
    return this.switches;
  }

  /** Attaches to the tail or prepares an own connection; resolves with the start position. */
  async open(): Promise<Position> {
    const share = this.deps.share ?? true;
    if (this.start.kind === "current") {
      if (share) {
        const tail = this.deps.tails.current ?? this.deps.tails.start({ kind: "current" });
        const subscription = tail.subscribe();
        this.mode = { kind: "tail", subscription };
        this.committed = await subscription.attached;
        return this.committed;
      }
      const stream = this.deps.openStream({ kind: "current" });
      this.mode = { kind: "own", stream };
      // The position is known once connected: read the first event ahead.
      this.pending = stream.next();
      await this.pending;
      this.committed = stream.position;
      return this.committed;
    }
    const position = this.start.position;
    this.committed = position;
    const tail = share ? this.deps.tails.current : undefined;
    if (tail?.canAttachAt(position)) {
      this.mode = { kind: "tail", subscription: tail.subscribe(position) };
    } else {
      this.mode = { kind: "own", stream: this.deps.openStream({ kind: "gtid", position }) };
    }
    return position;
  }

  /** Makes a waiting `next()` return TICK now (the event it waited for comes with the next call). */
  poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** The next event, or TICK after `poke()`. Throws the binlog's errors (VtError). */
  async next(): Promise<SourceItem> {
    for (;;) {
      if (this.closed) throw new VtError(Code.CANCELED, "the stream was closed");
      const mode = this.mode;
      if (mode === undefined) throw new VtError(Code.INTERNAL, "event source is not open");
      if (mode.kind === "tail") {
        const event = mode.subscription.shift();
        if (event !== undefined) {
          const delivered = this.deliver(event);
          if (delivered !== undefined) return delivered;
          continue;
        }
        if (mode.subscription.detached) {
          this.leaveTail(mode.subscription);
          continue;
        }
        const poked = await new Promise<boolean>((resolve) => {
          this.wake = () => resolve(true);
          mode.subscription.whenReady(() => resolve(false));
        });
        this.wake = undefined;
        if (poked) return TICK;
        continue;
      }
      if (this.maybeJoinTail()) continue;
      this.pending ??= mode.stream.next();
      const pending = this.pending;
      let result: IteratorResult<BinlogEvent> | typeof TICK;
      try {
        result = await new Promise<IteratorResult<BinlogEvent> | typeof TICK>((resolve, reject) => {
          this.wake = () => resolve(TICK);
          pending.then(resolve, reject);
        });
      } finally {
        this.wake = undefined;
      }
      if (result === TICK) return TICK;
      if (this.mode !== mode) continue;
      this.pending = undefined;
      if (result.done) throw new VtError(Code.UNAVAILABLE, "the binlog stream ended");
      const delivered = this.deliver(result.value);
      if (delivered !== undefined) return delivered;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.poke();
    const mode = this.mode;
    this.mode = undefined;
    if (mode?.kind === "tail") mode.subscription.close();
    if (mode?.kind === "own") await mode.stream.close().catch(() => undefined);
  }

  /** Bookkeeping for one event; undefined when it is to be skipped (already delivered before a switch). */
  private deliver(event: BinlogEvent): BinlogEvent | undefined {
    const skip = this.skip;
    if (skip !== undefined) {
      if (!skip.matched) {
        // Events before the transaction's GTID are the new connection's preamble.
        if (event.kind !== "gtid") return undefined;
        if (formatGtid(event.gtid) !== formatGtid(skip.gtid)) {
          throw new VtError(
            Code.DATA_LOSS,
            `after moving to its own binlog connection the stream expected transaction ${formatGtid(skip.gtid)} again, got ${formatGtid(event.gtid)}`,
          );
        }
        skip.matched = true;
      }
      if (--skip.remaining === 0) this.skip = undefined;
      return undefined;
    }
    this.caughtUp = event.kind === "heartbeat";
    switch (this.tracker.observe(event)) {
      case "begin":
        this.openGtid = this.tracker.currentGtid;
        this.deliveredInTransaction = 1;
        break;
      case "inside":
        this.deliveredInTransaction++;
        break;
      case "commit": {
        const gtid = this.tracker.groupGtid;
        if (gtid !== undefined) this.committed = appendGtid(this.committed!, gtid);
        this.openGtid = undefined;
        this.deliveredInTransaction = 0;
        break;
      }
      case "outside":
        break;
    }
    return event;
  }

  /** Between transactions on an own connection: continue on the tail if it is exactly here. */
  private maybeJoinTail(): boolean {
    const mode = this.mode;
    if (mode?.kind !== "own" || this.tracker.inTransaction || this.skip !== undefined) return false;
    if (!(this.deps.share ?? true) || this.committed === undefined) return false;
    let tail = this.deps.tails.current;
    if (tail === undefined) {
      // Nothing left to read (the server sent a heartbeat): this position can start the shared tail.
      if (!this.caughtUp) return false;
      tail = this.deps.tails.start({ kind: "gtid", position: this.committed });
    }
    if (!tail.canAttachAt(this.committed)) return false;
    this.mode = { kind: "tail", subscription: tail.subscribe(this.committed) };
    this.pending = undefined;
    this.switches++;
    void mode.stream.close().catch(() => undefined);
    return true;
  }

  /** Detached by the tail: go on on an own connection from the last complete transaction. */
  private leaveTail(subscription: TailSubscription): void {
    subscription.close();
    if (this.tracker.inTransaction) {
      if (this.openGtid === undefined) {
        throw new VtError(
          Code.UNAVAILABLE,
          "the stream fell behind the shared binlog tail inside a transaction without a GTID and cannot resume",
        );
      }
      this.skip = { gtid: this.openGtid, remaining: this.deliveredInTransaction, matched: false };
    }
    this.caughtUp = false;
    this.switches++;
    this.mode = { kind: "own", stream: this.deps.openStream({ kind: "gtid", position: this.committed! }) };
  }
}
