import type { Gtid, MariadbGtid, Mysql56GtidSet } from "../replication/index.js";
import type { ChecksumAlgorithmCode } from "./constants.js";
import type { RowImage } from "./row-image.js";
import type { TableMap } from "./table-map.js";

/** The common header every event starts with (binlog format v4). */
export interface EventHeader {
  /** Seconds since the epoch when the statement started on the server that first wrote the event. */
  readonly timestamp: number;
  readonly typeCode: number;
  readonly serverId: number;
  /** Whole event length, header and checksum included. */
  readonly eventSize: number;
  /** Position of the next event in the binlog file; 0 for artificial events. */
  readonly logPos: number;
  readonly flags: number;
}

interface EventBase {
  readonly header: EventHeader;
}

export interface FormatDescriptionEvent extends EventBase {
  readonly kind: "formatDescription";
  readonly binlogVersion: number;
  readonly serverVersion: string;
  readonly createTimestamp: number;
  readonly headerLength: number;
  /** Post-header length of each event type, indexed by type code - 1. */
  readonly postHeaderLengths: Uint8Array;
  /** The checksum algorithm of the events that follow (and of this one). */
  readonly checksum: ChecksumAlgorithmCode;
}

export interface RotateEvent extends EventBase {
  readonly kind: "rotate";
  /** The binlog file the events that follow come from. */
  readonly nextFile: string;
  /** Where in `nextFile` they start (4 for a file's beginning). */
  readonly position: number;
}

/**
 * The start of a transaction (event group). MariaDB: `gtid` is domain-server-sequence and `mariadbFlags`
 * carries FL_STANDALONE (a DDL or other statement without BEGIN/COMMIT), FL_DDL, the XA flags and, with
 * FL_GROUP_COMMIT_ID, `commitId`. MySQL: `gtid` is uuid:gno and `lastCommitted`/`sequenceNumber` give the
 * logical clock.
 */
export interface GtidEvent extends EventBase {
  readonly kind: "gtid";
  readonly gtid: Gtid;
  /** MariaDB FL_STANDALONE: no BEGIN; the group is this event and one statement (usually DDL). */
  readonly standalone: boolean;
  readonly mariadbFlags?: number;
  readonly commitId?: bigint;
  /** MariaDB XA transactions (FL_PREPARED_XA / FL_COMPLETED_XA): the XID. */
  readonly xid?: XaXid;
  readonly lastCommitted?: bigint;
  readonly sequenceNumber?: bigint;
}

/** MySQL: a transaction without a GTID (gtid_mode=OFF). */
export interface AnonymousGtidEvent extends EventBase {
  readonly kind: "anonymousGtid";
}

/** MariaDB: the binlog state (last GTID per domain and server) at the start of a file or of a GTID connect. */
export interface GtidListEvent extends EventBase {
  readonly kind: "gtidList";
  readonly gtids: readonly MariadbGtid[];
}

/** MySQL: gtid_executed at the start of a binlog file. */
export interface PreviousGtidsEvent extends EventBase {
  readonly kind: "previousGtids";
  readonly gtidSet: Mysql56GtidSet;
}

export interface QueryEvent extends EventBase {
  readonly kind: "query";
  /** The default database of the session (`USE db`), "" when none. */
  readonly database: string;
  /** The statement text, decoded as UTF-8: BEGIN, COMMIT, DDL, or (statement/mixed format) DML. */
  readonly sql: string;
  readonly threadId: number;
  readonly executionTime: number;
  readonly errorCode: number;
  /** Q_CHARSET_CODE: the session's character_set_client, collation_connection and collation_server ids. */
  readonly charset?: { readonly client: number; readonly connection: number; readonly server: number };
  /** Q_SQL_MODE_CODE. */
  readonly sqlMode?: bigint;
}

export interface XidEvent extends EventBase {
  readonly kind: "xid";
  readonly xid: bigint;
}

export interface TableMapEvent extends EventBase {
  readonly kind: "tableMap";
  readonly table: TableMap;
}

export type RowsAction = "insert" | "update" | "delete";

/** One changed row: inserts have only `after`, deletes only `before`, updates both. */
export interface RowChange {
  readonly before: RowImage | undefined;
  readonly after: RowImage | undefined;
}

export interface RowsEvent extends EventBase {
  readonly kind: "rows";
  readonly action: RowsAction;
  readonly table: TableMap;
  /** RowsFlag bits; STMT_END marks the last rows event of a statement. */
  readonly flags: number;
  /**
   * Which columns the before image (deletes, updates) or the only image (inserts) holds, one bit per column
   * (LSB first); undefined when it holds every column (binlog_row_image=FULL). A column left out has
   * length -1 in the image, like NULL.
   */
  readonly columnsPresent: Uint8Array | undefined;
  /** The same for an update's after image. */
  readonly columnsPresentAfter: Uint8Array | undefined;
  readonly rows: readonly RowChange[];
}

/** MariaDB: the statement that produced the following rows events (binlog_annotate_row_events). */
export interface AnnotateRowsEvent extends EventBase {
  readonly kind: "annotateRows";
  readonly sql: string;
}

/** Sent by the server when it had no event for `@master_heartbeat_period`; says where it is. */
export interface HeartbeatEvent extends EventBase {
  readonly kind: "heartbeat";
  readonly file: string;
  readonly position: number;
}

export interface StopEvent extends EventBase {
  readonly kind: "stop";
}

export interface XaXid {
  readonly formatId: number;
  readonly gtrid: Buffer;
  readonly bqual: Buffer;
}

/** The end of the first phase of an XA transaction (XA PREPARE, or XA COMMIT ... ONE PHASE). */
export interface XaPrepareEvent extends EventBase {
  readonly kind: "xaPrepare";
  readonly onePhase: boolean;
  readonly xid: XaXid;
}

/** MariaDB: the oldest binlog file still needed for crash recovery. */
export interface BinlogCheckpointEvent extends EventBase {
  readonly kind: "binlogCheckpoint";
  readonly file: string;
}

/** Any other event (INTVAR, RAND, USER_VAR, INCIDENT...): its header and raw body. */
export interface OtherEvent extends EventBase {
  readonly kind: "other";
  readonly typeName: string;
  readonly body: Buffer;
}

export type BinlogEvent =
  | FormatDescriptionEvent
  | RotateEvent
  | GtidEvent
  | AnonymousGtidEvent
  | GtidListEvent
  | PreviousGtidsEvent
  | QueryEvent
  | XidEvent
  | TableMapEvent
  | RowsEvent
  | AnnotateRowsEvent
  | HeartbeatEvent
  | StopEvent
  | XaPrepareEvent
  | BinlogCheckpointEvent
  | OtherEvent;

export type BinlogEventKind = BinlogEvent["kind"];
