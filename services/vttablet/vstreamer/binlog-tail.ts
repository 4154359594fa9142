/**
 * One binlog decode shared by every stream that has caught up with the server.
 *
 * Each VStream starts on a binlog connection of its own (from its position) or, when it starts at
 * "current" or exactly where the shared tail is, on the tail. A stream on its own connection joins the tail
 * as soon as it is between transactions at the tail's position; when it catches up (the server sends a
 * heartbeat: nothing left to send) and no tail runs, its position becomes the start of a new tail. So every
 * stream that has caught up shares one connection and one decode, and streams that are behind (catching up
 * from an old position) read on their own, without holding the others back.
 *
 * The tail never waits for a subscriber: each has a queue of at most `subscriberBufferBytes`; one that falls
 * further behind is detached, drains what it has, and goes on on a connection of its own from there
 * (event-source.ts), joining again once it has caught up. Subscribers receive the same decoded event
 * objects and must treat them as read-only.
 */
import type { Logger } from "pino";
import type { BinlogEvent, BinlogStart } from "../../../libs/mysql/binlog/index.js";
import { TransactionTracker } from "../../../libs/mysql/binlog/index.js";
import { type Position, positionEqual } from "../../../libs/mysql/replication/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";

/** What a binlog stream (BinlogStream) offers the vstreamer; a seam for tests. */
export interface BinlogEventStream {
  next(): Promise<IteratorResult<BinlogEvent>>;
  /** Every transaction delivered completely, on top of the start position (valid once connected). */
  readonly position: Position;
  close(): Promise<void>;
}

export type OpenBinlogStream = (start: BinlogStart) => BinlogEventStream;

export interface TailOptions {
  /** Decoded bytes (binlog event sizes) queued for one subscriber before it is detached (default 8 MiB). */
  subscriberBufferBytes?: number;
  logger?: Logger;
}

const DEFAULT_SUBSCRIBER_BUFFER = 8 * 1024 * 1024;

/** A stream's place on the tail: a queue it drains with `shift()`. */
export class TailSubscription {
  private queue: BinlogEvent[] = [];
  private head = 0;
  private bytes = 0;
  private onReady: (() => void) | undefined;
  private detachedFlag = false;
  /** Why the tail let go (undefined: the subscriber was too slow, or closed it). */
  failure: VtError | undefined;
  /** Set when attached: the position before the first event it receives. */
  attachedAt: Position | undefined;
  readonly attached: Promise<Position>;
  private resolveAttached!: (position: Position) => void;
  private rejectAttached!: (err: VtError) => void;

  constructor(private readonly tail: SharedTail) {
    this.attached = new Promise<Position>((resolve, reject) => {
      this.resolveAttached = resolve;
      this.rejectAttached = reject;
    });
    this.attached.catch(() => undefined);
  }

  /** The next queued event, or undefined when none is queued now. */
  shift(): BinlogEvent | undefined {
    if (this.head >= this.queue.length) return undefined;
    const event = this.queue[this.head]!;
    this.queue[this.head++] = undefined as unknown as BinlogEvent;
    this.bytes -= event.header.eventSize;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return event;
  }

  /** Detached (too slow, or the tail failed) and nothing left to shift: go on elsewhere. */
  get detached(): boolean {
    return this.detachedFlag && this.head >= this.queue.length;
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  /** Calls `callback` once, when an event is queued or the subscription is detached. */
  whenReady(callback: () => void): void {
    if (this.head < this.queue.length || this.detachedFlag) callback();
    else this.onReady = callback;
  }

  /** Leaves the tail (idempotent). */
  close(): void {
    this.tail.unsubscribe(this);
    this.queue = [];
    this.head = 0;
    this.bytes = 0;
  }

  /** @internal The tail's side. */
  attach(position: Position): void {
    this.attachedAt = position;
    this.resolveAttached(position);
  }

  /** @internal */
  push(event: BinlogEvent): void {
    this.queue.push(event);
    this.bytes += event.header.eventSize;
    this.notify();
  }

  /** @internal */
  detach(failure?: VtError): void {
    this.detachedFlag = true;
    this.failure = failure;
    if (this.attachedAt === undefined) {
      this.rejectAttached(failure ?? new VtError(Code.UNAVAILABLE, "the shared binlog tail stopped"));
    }
    this.notify();
  }

  private notify(): void {
    const ready = this.onReady;
    this.onReady = undefined;
    ready?.();
  }
}

/**
 * One binlog connection whose decoded events go to every attached subscriber. Subscribers attach between
 * transactions only, so each sees whole transactions from its attach position on. Closes itself when the
 * last subscriber leaves, and fails (detaching everyone) when its stream fails.
 */
export class SharedTail {
  private readonly subscribers = new Set<TailSubscription>();
  private pending: TailSubscription[] = [];
  private readonly tracker = new TransactionTracker();
  private knownPosition: Position | undefined;
  private pumping = false;
  private closed = false;
  private readonly limit: number;

  constructor(
    private readonly stream: BinlogEventStream,
    start: BinlogStart,
    private readonly onEnd: (tail: SharedTail) => void,
    private readonly options: TailOptions = {},
  ) {
    this.knownPosition = start.kind === "gtid" ? start.position : undefined;
    this.limit = options.subscriberBufferBytes ?? DEFAULT_SUBSCRIBER_BUFFER;
  }

  /** Where the tail is between transactions (undefined while in one, or before a "current" start connects). */
  get position(): Position | undefined {
    return this.tracker.inTransaction ? undefined : this.knownPosition;
  }

  get subscriberCount(): number {
    return this.subscribers.size + this.pending.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether a stream at `position`, between transactions, can continue on this tail right now. */
  canAttachAt(position: Position): boolean {
    const here = this.position;
    return !this.closed && here !== undefined && positionEqual(here, position);
  }

  /**
   * A new subscription. With `at` (which must satisfy `canAttachAt`), it is attached at once; without, it is
   * attached at the tail's next point between transactions (for streams starting at "current").
   */
  subscribe(at?: Position): TailSubscription {
    const subscription = new TailSubscription(this);
    if (this.closed) {
      subscription.detach(new VtError(Code.UNAVAILABLE, "the shared binlog tail is closed"));
      return subscription;
    }
    if (at !== undefined) {
      if (!this.canAttachAt(at)) throw new VtError(Code.INTERNAL, "cannot attach to the binlog tail here");
      this.subscribers.add(subscription);
      subscription.attach(at);
    } else if (this.position !== undefined) {
      this.subscribers.add(subscription);
      subscription.attach(this.position);
    } else {
      this.pending.push(subscription);
    }
    if (!this.pumping) {
      this.pumping = true;
      void this.pump();
    }
    return subscription;
  }

  /** @internal Called by TailSubscription.close. */
  unsubscribe(subscription: TailSubscription): void {
    this.subscribers.delete(subscription);
    this.pending = this.pending.filter((s) => s !== subscription);
    if (this.subscriberCount === 0) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onEnd(this);
    void this.stream.close().catch(() => undefined);
  }

  private async pump(): Promise<void> {
    try {
      while (!this.closed) {
        const result = await this.stream.next();
        if (this.closed) return;
        if (result.done) throw new VtError(Code.UNAVAILABLE, "the binlog stream ended");
        this.dispatch(result.value);
      }
    } catch (err) {
      const failure =
        err instanceof VtError
          ? err
          : new VtError(Code.UNKNOWN, `binlog tail: ${String(err)}`, { cause: err });
      this.options.logger?.warn(
        { err: failure.message },
        "shared binlog tail failed; its streams go on alone",
      );
      for (const subscription of [...this.subscribers, ...this.pending]) subscription.detach(failure);
      this.subscribers.clear();
      this.pending = [];
      this.close();
    }
  }

  private dispatch(event: BinlogEvent): void {
    const wasInTransaction = this.tracker.inTransaction;
    if (!wasInTransaction) this.knownPosition = this.stream.position;
    this.tracker.observe(event);
    if (!wasInTransaction && this.pending.length > 0 && this.knownPosition !== undefined) {
      for (const subscription of this.pending) {
        this.subscribers.add(subscription);
        subscription.attach(this.knownPosition);
      }
      this.pending = [];
    }
    for (const subscription of this.subscribers) {
      subscription.push(event);
      if (subscription.queuedBytes > this.limit) {
        this.subscribers.delete(subscription);
        subscription.detach();
      }
    }
    if (!this.tracker.inTransaction) this.knownPosition = this.stream.position;
    if (this.subscriberCount === 0) this.close();
  }
}

/** The tablet's shared tail, if one runs; started by the first stream that needs it. */
export class TailRegistry {
  private tail: SharedTail | undefined;

  constructor(
    private readonly open: OpenBinlogStream,
    private readonly options: TailOptions = {},
  ) {}

  get current(): SharedTail | undefined {
    return this.tail !== undefined && !this.tail.isClosed ? this.tail : undefined;
  }

  /** Starts the tail at `start`; only when none runs. */
  start(start: BinlogStart): SharedTail {
    if (this.current !== undefined) throw new VtError(Code.INTERNAL, "a shared binlog tail already runs");
    const tail = new SharedTail(
      this.open(start),
      start,
      (ended) => {
        if (this.tail === ended) this.tail = undefined;
      },
      this.options,
    );
    this.tail = tail;
    return tail;
  }
}
