import { setTimeout as sleep } from "node:timers/promises";
import { type Logger, pino } from "pino";
import { Code, VtError } from "../../vterrors/index.js";
import type { MysqlAddress } from "../connect.js";
import { appendGtid, encodePosition, type Position, ZERO_POSITION } from "../replication/index.js";
import { BinlogClient, type DumpStart, type ResolvedStart } from "./client.js";
import { EventFlag, EventType } from "./constants.js";
import { BinlogDecoder, readEventHeader } from "./decoder.js";
import type { BinlogEvent } from "./events.js";
import { TransactionTracker } from "./transaction-tracker.js";

/** Where a stream starts: the server's current position, a GTID position (zero: all it has), or a file. */
export type BinlogStart = DumpStart;

export interface ReconnectOptions {
  /** Consecutive failed attempts before the stream gives up with UNAVAILABLE (default 10). */
  attempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface BinlogStreamOptions {
  address: MysqlAddress;
  /** A user with REPLICATION SLAVE (vt_repl) or more. */
  user: string;
  password?: string;
  /** The replica server id to register with; unique among the servers and replicas of the source. */
  serverId: number;
  start: BinlogStart;
  /** Heartbeat period asked of the server; a connection silent for 3 periods is dropped. 0 disables. */
  heartbeatIntervalMs?: number;
  /** MariaDB: also deliver ANNOTATE_ROWS events. */
  annotateRows?: boolean;
  /** End the stream at the end of the binlog instead of waiting for new events. */
  nonBlocking?: boolean;
  /** Reconnect and resume after a lost connection (default on); false to fail at the first loss. */
  reconnect?: ReconnectOptions | false;
  /** Received bytes buffered before the socket is paused (default 16 MiB). */
  bufferBytes?: number;
  verifyChecksums?: boolean;
  logger?: Logger;
}

const EMPTY = Buffer.alloc(0);

/** Errors that a new connection may cure: lost connections, a killed dump thread, a server restart. */
const RETRIABLE_ERRNOS = new Set([1040, 1053, 1152, 1158, 1159, 1160, 1161, 1927, 2006, 2013]);
/** ER_MASTER_FATAL_ERROR_READING_BINLOG: the position is not in the binlog (purged, unknown domain...). */
export const ER_MASTER_FATAL_ERROR_READING_BINLOG = 1236;

function isRetriable(err: VtError): boolean {
  if (err.mysql) return RETRIABLE_ERRNOS.has(err.mysql.errno);
  return err.code === Code.UNAVAILABLE;
}

/** Events the server sends at the start of every dump, before the first transaction. */
function isPreamble(typeCode: number, flags: number): boolean {
  switch (typeCode) {
    case EventType.ROTATE:
    case EventType.FORMAT_DESCRIPTION:
    case EventType.MARIADB_GTID_LIST:
    case EventType.MARIADB_BINLOG_CHECKPOINT:
    case EventType.PREVIOUS_GTIDS:
    case EventType.HEARTBEAT:
    case EventType.HEARTBEAT_V2:
      return true;
    default:
      return (flags & EventFlag.ARTIFICIAL) !== 0;
  }
}

/** File and offset of the next event to read. */
export interface FilePosition {
  readonly file: string;
  readonly position: number;
}

/**
 * A binlog event stream from a MySQL/MariaDB server: `for await (const event of stream)`. Events come
 * decoded, in order; `close()` (or leaving the loop) ends it. Received events are buffered up to
 * `bufferBytes`, then the socket is paused until the consumer catches up.
 *
 * A lost connection (network error, killed dump thread, server restart, no heartbeat for three periods)
 * is re-established with backoff and the dump restarts after the last complete transaction delivered
 * (GTID mode: `position`; file mode: `filePosition`). The events of a partly delivered transaction are
 * received again and skipped (checked by their log positions), so the consumer sees every event exactly
 * once; when the loss fell between transactions, the server's preamble (ROTATE, FORMAT_DESCRIPTION,
 * GTID_LIST...) is delivered again.
 *
 * Errors thrown by the iterator are VtErrors: FAILED_PRECONDITION with MySQL errno 1236 for a start
 * position the server no longer has (purged), never had (a domain unknown under gtid_strict_mode) or is
 * ahead of it; DATA_LOSS for a checksum mismatch or a corrupt event; UNAVAILABLE when reconnecting
 * failed `attempts` times in a row; the server's own error (errno kept) otherwise. The first connection
 * is made by the first `next()` and its errors are thrown as they are, without retries.
 */
export class BinlogStream implements AsyncIterable<BinlogEvent>, AsyncIterator<BinlogEvent> {
  private readonly log: Logger;
  private readonly tracker = new TransactionTracker();
  private decoder: BinlogDecoder | undefined;
  private client: BinlogClient | undefined;
  private start: BinlogStart;
  private queue: Buffer[] = [];
  private queueHead = 0;
  private queuedBytes = 0;
  private paused = false;
  private pendingError: VtError | undefined;
  private ended = false;
  private closed = false;
  private wake: (() => void) | undefined;
  private failures = 0;
  private lastReceived = Date.now();
  private watchdog: NodeJS.Timeout | undefined;
  private gtidMode = true;
  private completed: Position = ZERO_POSITION;
  private file = "";
  private committedOffset = 4;
  /** logPos of each event delivered of the open transaction: what a resume must skip. */
  private openTransaction: number[] = [];
  /** While resuming inside a transaction: the positions still to skip. */
  private skipping: number[] | undefined;
  private reconnectCount = 0;
  private skippedCount = 0;

  constructor(private readonly options: BinlogStreamOptions) {
    this.log = (options.logger ?? pino({ enabled: false })).child({ component: "binlog-stream" });
    this.start = options.start;
  }

  /** Every transaction the stream has delivered completely, on top of its start position. */
  get position(): Position {
    return this.completed;
  }

  /** The file position after the last complete transaction (or other event outside one) delivered. */
  get filePosition(): FilePosition {
    return { file: this.file, position: this.committedOffset };
  }

  /** How many times the stream reconnected after losing its connection. */
  get reconnects(): number {
    return this.reconnectCount;
  }

  /** Events received again after a reconnect and not delivered, because the consumer already had them. */
  get skippedEvents(): number {
    return this.skippedCount;
  }

  /** The dump thread's connection id on the server, 0 before it connects. */
  get threadId(): number {
    return this.client?.threadId ?? 0;
  }

  [Symbol.asyncIterator](): AsyncIterator<BinlogEvent> {
    return this;
  }

  async next(): Promise<IteratorResult<BinlogEvent>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      if (this.client === undefined) {
        await this.connect();
        continue;
      }
      if (this.queueHead < this.queue.length) {
        const raw = this.shift();
        const event = this.process(raw);
        if (event !== undefined) return { done: false, value: event };
        continue;
      }
      if (this.pendingError !== undefined) {
        const err = this.pendingError;
        this.pendingError = undefined;
        await this.recover(err);
        continue;
      }
      if (this.ended) {
        await this.close();
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<BinlogEvent>> {
    await this.close();
    return { done: true, value: undefined };
  }

  /** Stops the stream and drops its connection; a pending `next()` resolves as done. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWatchdog();
    this.client?.close();
    this.queue = [];
    this.queueHead = 0;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private shift(): Buffer {
    const raw = this.queue[this.queueHead]!;
    this.queue[this.queueHead++] = EMPTY;
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    this.queuedBytes -= raw.length;
    if (this.paused && this.queuedBytes < (this.options.bufferBytes ?? 16 * 1024 * 1024) / 2) {
      this.paused = false;
      // The silence while paused was ours, not the server's.
      this.lastReceived = Date.now();
      this.client?.resume();
    }
    return raw;
  }

  /** Connects (first time or after a failure) from the stream's resume point. */
  private async connect(): Promise<void> {
    const start = this.resumeStart();
    this.log.info({ start: describeStart(start), skip: this.skipping?.length ?? 0 }, "starting binlog dump");
    const session = {};
    let current: object = session;
    const client = await BinlogClient.open(
      {
        address: this.options.address,
        user: this.options.user,
        password: this.options.password,
        serverId: this.options.serverId,
        heartbeatPeriodMs: this.options.heartbeatIntervalMs ?? 5000,
        annotateRows: this.options.annotateRows ?? false,
        nonBlocking: this.options.nonBlocking ?? false,
      },
      start,
      {
        onEvent: (event) => {
          if (current !== session) return;
          this.lastReceived = Date.now();
          this.queue.push(event);
          this.queuedBytes += event.length;
          if (!this.paused && this.queuedBytes > (this.options.bufferBytes ?? 16 * 1024 * 1024)) {
            this.paused = true;
            this.client?.pause();
          }
          this.notify();
        },
        onEnd: () => {
          if (current !== session) return;
          this.ended = true;
          this.notify();
        },
        onError: (err) => {
          if (current !== session) return;
          current = {};
          this.pendingError = err;
          this.notify();
        },
      },
    ).catch((err: unknown) => {
      throw err instanceof VtError ? err : new VtError(Code.UNKNOWN, String(err), { cause: err });
    });
    if (this.closed) {
      client.close();
      return;
    }
    this.client = client;
    this.paused = false;
    this.start = client.start;
    this.gtidMode = client.start.kind === "gtid";
    if (this.completed.flavor === undefined && client.start.kind === "gtid")
      this.completed = client.start.position;
    if (client.start.kind === "file" && this.file === "") {
      this.file = client.start.file;
      this.committedOffset = client.start.position;
    }
    // Events before the first FORMAT_DESCRIPTION (the fake ROTATE) carry the session's checksum.
    this.decoder = new BinlogDecoder({
      initialChecksum: client.checksum,
      verifyChecksums: this.options.verifyChecksums,
    });
    this.lastReceived = Date.now();
    this.startWatchdog();
  }

  /** Where to (re)start: the original start, or after the last complete transaction delivered. */
  private resumeStart(): DumpStart {
    if (this.decoder === undefined) return this.start;
    if (this.gtidMode) return { kind: "gtid", position: this.completed };
    return { kind: "file", file: this.file, position: this.committedOffset };
  }

  private async recover(err: VtError): Promise<void> {
    this.stopWatchdog();
    this.client?.close();
    const reconnect = this.options.reconnect === false ? undefined : (this.options.reconnect ?? {});
    if (err.mysql?.errno === ER_MASTER_FATAL_ERROR_READING_BINLOG) {
      await this.close();
      throw new VtError(
        Code.FAILED_PRECONDITION,
        `cannot stream the binlog from ${describeStart(this.resumeStart())}: the server answered: ${err.message}`,
        { cause: err, mysql: err.mysql },
      );
    }
    if (reconnect === undefined || !isRetriable(err)) {
      await this.close();
      throw err;
    }
    const attempts = reconnect.attempts ?? 10;
    // The open transaction is sent again from its GTID: skip what the consumer already has.
    this.skipping = this.openTransaction.length > 0 ? [...this.openTransaction] : undefined;
    this.queue = [];
    this.queueHead = 0;
    this.queuedBytes = 0;
    this.ended = false;
    for (;;) {
      this.failures++;
      if (this.failures > attempts) {
        await this.close();
        throw new VtError(
          Code.UNAVAILABLE,
          `binlog stream lost its connection and could not reconnect: ${err.message}`,
          {
            cause: err,
            mysql: err.mysql,
          },
        );
      }
      const delay = Math.min(
        (reconnect.initialDelayMs ?? 100) * 2 ** (this.failures - 1),
        reconnect.maxDelayMs ?? 5000,
      );
      this.log.warn(
        { err: err.message, attempt: this.failures, delay_ms: delay },
        "binlog connection lost; reconnecting",
      );
      await sleep(delay);
      if (this.closed) return;
      try {
        this.client = undefined;
        await this.connect();
        this.reconnectCount++;
        return;
      } catch (connectError) {
        const vtError =
          connectError instanceof VtError ? connectError : new VtError(Code.UNKNOWN, String(connectError));
        if (vtError.mysql?.errno === ER_MASTER_FATAL_ERROR_READING_BINLOG || !isRetriable(vtError)) {
          return this.recover(vtError);
        }
        err = vtError;
      }
    }
  }

  /** Decodes one raw event, updates positions; undefined for an event not to deliver (resume skipping). */
  private process(raw: Buffer): BinlogEvent | undefined {
    const decoder = this.decoder!;
    if (this.skipping !== undefined) {
      const header = readEventHeader(raw);
      if (header.typeCode === EventType.ROTATE) {
        const rotate = decoder.decode(raw);
        if (rotate.kind === "rotate") this.file = rotate.nextFile;
        return undefined;
      }
      if (this.skipping.length === this.openTransaction.length && isPreamble(header.typeCode, header.flags)) {
        decoder.observe(raw);
        return undefined;
      }
      const expected = this.skipping.shift();
      if (header.logPos !== expected) {
        throw new VtError(
          Code.DATA_LOSS,
          `after reconnecting, the server resent a different transaction: an event ending at ${header.logPos} ` +
            `where the one delivered ended at ${expected}`,
        );
      }
      decoder.observe(raw);
      this.skippedCount++;
      if (this.skipping.length === 0) this.skipping = undefined;
      this.failures = 0;
      return undefined;
    }
    const event = decoder.decode(raw);
    this.failures = 0;
    const header = event.header;
    const boundary = this.tracker.observe(event);
    if (event.kind === "rotate") {
      this.file = event.nextFile;
      if (!this.tracker.inTransaction) this.committedOffset = event.position;
    }
    switch (boundary) {
      case "begin":
        this.openTransaction = [header.logPos];
        break;
      case "inside":
        this.openTransaction.push(header.logPos);
        break;
      case "commit": {
        this.openTransaction = [];
        const gtid = this.tracker.groupGtid;
        if (gtid !== undefined) this.completed = appendGtid(this.completed, gtid);
        if (header.logPos > 0) this.committedOffset = header.logPos;
        break;
      }
      case "outside":
        if (header.logPos > 0 && (header.flags & EventFlag.ARTIFICIAL) === 0 && event.kind !== "rotate") {
          this.committedOffset = header.logPos;
        }
        break;
    }
    return event;
  }

  private startWatchdog(): void {
    const period = this.options.heartbeatIntervalMs ?? 5000;
    if (period <= 0) return;
    this.stopWatchdog();
    this.watchdog = setInterval(() => {
      if (this.paused || this.pendingError !== undefined || this.closed) return;
      if (Date.now() - this.lastReceived > 3 * period) {
        this.pendingError = new VtError(
          Code.UNAVAILABLE,
          `no binlog event or heartbeat for ${Date.now() - this.lastReceived} ms`,
        );
        this.client?.close();
        this.notify();
      }
    }, period);
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }
}

function describeStart(start: DumpStart | ResolvedStart): string {
  switch (start.kind) {
    case "current":
      return "the current position";
    case "file":
      return `${start.file}:${start.position}`;
    case "gtid":
      return encodePosition(start.position) || "the empty GTID position (the server's first transaction)";
  }
}

/** Opens a stream; the connection is made by the first `next()`, whose errors (bad position...) it throws. */
export function openBinlogStream(options: BinlogStreamOptions): BinlogStream {
  return new BinlogStream(options);
}
