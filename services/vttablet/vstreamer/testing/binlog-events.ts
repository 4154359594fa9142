/** Decoded binlog events built by hand, and a fake binlog server, for the vstreamer's unit tests. */

import { planColumns } from "../../../../libs/mysql/binlog/column-plan.js";
import type {
  BinlogEvent,
  BinlogStart,
  ColumnMeta,
  EventHeader,
  RowImage,
  RowsAction,
  TableMap,
} from "../../../../libs/mysql/binlog/index.js";
import { MysqlColumnType } from "../../../../libs/mysql/binlog/index.js";
import {
  appendGtid,
  type MariadbGtid,
  mariadbGtid,
  type Position,
  positionAtLeast,
  ZERO_POSITION,
} from "../../../../libs/mysql/replication/index.js";
import type { BinlogEventStream } from "../binlog-tail.js";

export function header(eventSize = 100, timestamp = 1_700_000_000): EventHeader {
  return { timestamp, typeCode: 0, serverId: 100, eventSize, logPos: 0, flags: 0 };
}

export function gtidEvent(sequence: number, standalone = false): BinlogEvent {
  return { kind: "gtid", header: header(), gtid: mariadbGtid(0, 100, BigInt(sequence)), standalone };
}

export function xidEvent(): BinlogEvent {
  return { kind: "xid", header: header(), xid: 1n };
}

export function queryEvent(sql: string, database = "vt_ks"): BinlogEvent {
  return { kind: "query", header: header(), database, sql, threadId: 1, executionTime: 0, errorCode: 0 };
}

export function heartbeatEvent(): BinlogEvent {
  return { kind: "heartbeat", header: header(0), file: "bin.000001", position: 4 };
}

export function rotateEvent(): BinlogEvent {
  return { kind: "rotate", header: header(0), nextFile: "bin.000001", position: 4 };
}

export interface ColumnSpec {
  name: string;
  type: number;
  unsigned?: boolean;
  collation?: number;
  nullable?: boolean;
  enumValues?: string[];
}

export const INT = MysqlColumnType.LONG;
export const BIGINT = MysqlColumnType.LONGLONG;
export const VARCHAR = MysqlColumnType.VARCHAR;
export const UTF8MB4 = 45;

export function tableMap(tableId: number, table: string, specs: ColumnSpec[], database = "vt_ks"): TableMap {
  const columns: ColumnMeta[] = specs.map((spec, index) => ({
    index,
    type: spec.type,
    metadata: spec.type === VARCHAR ? 1020 : 0,
    nullable: spec.nullable ?? true,
    name: spec.name,
    unsigned: spec.unsigned ?? false,
    collation: spec.collation ?? (spec.type === VARCHAR ? UTF8MB4 : undefined),
    enumValues: spec.enumValues,
    setValues: undefined,
    geometryType: undefined,
    visible: true,
  }));
  return {
    tableId,
    flags: 0,
    database,
    table,
    columns,
    primaryKey: [{ column: 0, prefix: 0 }],
    plan: planColumns(columns),
  };
}

export function tableMapEvent(table: TableMap): BinlogEvent {
  return { kind: "tableMap", header: header(), table };
}

/** A row image from text values (null for NULL). */
export function image(values: readonly (string | null)[]): RowImage {
  const lengths: number[] = [];
  const parts: Buffer[] = [];
  for (const value of values) {
    if (value === null) {
      lengths.push(-1);
    } else {
      const buffer = Buffer.from(value);
      lengths.push(buffer.length);
      parts.push(buffer);
    }
  }
  return { lengths, values: Buffer.concat(parts) };
}

export function rowsEvent(
  action: RowsAction,
  table: TableMap,
  rows: { before?: (string | null)[]; after?: (string | null)[] }[],
  eventSize = 100,
): BinlogEvent {
  return {
    kind: "rows",
    header: header(eventSize),
    action,
    table,
    flags: 0,
    columnsPresent: undefined,
    columnsPresentAfter: undefined,
    rows: rows.map((row) => ({
      before: row.before === undefined ? undefined : image(row.before),
      after: row.after === undefined ? undefined : image(row.after),
    })),
  };
}

/** A transaction of the fake binlog: its GTID and its events (GTID first, XID last). */
export interface FakeTransaction {
  readonly gtid: MariadbGtid;
  readonly events: readonly BinlogEvent[];
}

/** One insert into `t` (id, v) as a transaction: GTID, TABLE_MAP, WRITE_ROWS, XID. */
export function insertTransaction(
  sequence: number,
  table: TableMap,
  rows: (string | null)[][],
): FakeTransaction {
  const gtid = gtidEvent(sequence);
  return {
    gtid: mariadbGtid(0, 100, BigInt(sequence)),
    events: [
      gtid,
      tableMapEvent(table),
      rowsEvent(
        "insert",
        table,
        rows.map((after) => ({ after })),
      ),
      xidEvent(),
    ],
  };
}

/**
 * A binlog server in memory: transactions appended by the test; streams opened at a position deliver the
 * preamble (ROTATE), every transaction not in the position, then a HEARTBEAT whenever they have nothing
 * left, and wait for more.
 */
export class FakeBinlog {
  readonly transactions: FakeTransaction[] = [];
  readonly streams: FakeStream[] = [];
  private readonly waiters = new Set<() => void>();

  append(transaction: FakeTransaction): void {
    this.transactions.push(transaction);
    for (const wake of [...this.waiters]) wake();
  }

  get position(): Position {
    let position: Position = ZERO_POSITION;
    for (const transaction of this.transactions) position = appendGtid(position, transaction.gtid);
    return position;
  }

  open = (start: BinlogStart): FakeStream => {
    const stream = new FakeStream(this, start.kind === "gtid" ? start.position : this.position);
    this.streams.push(stream);
    return stream;
  };

  /** @internal */
  wait(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }
}

export class FakeStream implements BinlogEventStream {
  position: Position = ZERO_POSITION;
  closed = false;
  delivered = 0;
  private queue: BinlogEvent[] = [rotateEvent()];
  private index = 0;
  private idleSent = false;
  private connected = false;

  constructor(
    private readonly binlog: FakeBinlog,
    private readonly start: Position,
  ) {}

  async next(): Promise<IteratorResult<BinlogEvent>> {
    if (!this.connected) {
      this.connected = true;
      this.position = this.start;
      // Skip what the start position already has.
      while (
        this.index < this.binlog.transactions.length &&
        positionAtLeast(this.start, appendGtid(ZERO_POSITION, this.binlog.transactions[this.index]!.gtid))
      ) {
        this.index++;
      }
    }
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      const queued = this.queue.shift();
      if (queued !== undefined) {
        if (queued.kind === "xid") {
          const transaction = this.binlog.transactions[this.index - 1]!;
          this.position = appendGtid(this.position, transaction.gtid);
        }
        this.delivered++;
        return { done: false, value: queued };
      }
      if (this.index < this.binlog.transactions.length) {
        this.queue.push(...this.binlog.transactions[this.index++]!.events);
        this.idleSent = false;
        continue;
      }
      if (!this.idleSent) {
        this.idleSent = true;
        this.queue.push(heartbeatEvent());
        continue;
      }
      await new Promise<void>((resolve) => {
        const stop = this.binlog.wait(() => {
          stop();
          resolve();
        });
        this.wakeClosed = () => {
          stop();
          resolve();
        };
      });
    }
  }

  private wakeClosed: (() => void) | undefined;

  async close(): Promise<void> {
    this.closed = true;
    this.wakeClosed?.();
  }
}
