/** Decoders for the events that are not rows or table maps: each takes the header and the body bounds. */
import {
  type MariadbGtid,
  type Mysql56UuidSet,
  mariadbGtid,
  mysql56Gtid,
  mysql56GtidSet,
} from "../replication/index.js";
import { ChecksumAlgorithm, type ChecksumAlgorithmCode, MariadbGtidFlag } from "./constants.js";
import { Cursor, corruptEvent } from "./cursor.js";
import type {
  BinlogCheckpointEvent,
  EventHeader,
  FormatDescriptionEvent,
  GtidEvent,
  GtidListEvent,
  HeartbeatEvent,
  PreviousGtidsEvent,
  QueryEvent,
  RotateEvent,
  XaPrepareEvent,
  XaXid,
  XidEvent,
} from "./events.js";

const SERVER_VERSION_LENGTH = 50;

/** Whether a server of this version writes the checksum-algorithm byte in FORMAT_DESCRIPTION. */
export function versionHasChecksum(serverVersion: string): boolean {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(serverVersion);
  if (!match) return false;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const mariadb = serverVersion.includes("MariaDB");
  const minimum = mariadb ? [5, 3, 0] : [5, 6, 1];
  if (major !== minimum[0]) return major > minimum[0]!;
  if (minor !== minimum[1]) return minor > minimum[1]!;
  return patch >= minimum[2]!;
}

/**
 * FORMAT_DESCRIPTION: `end` is the end of the event (checksum included): the algorithm byte and the
 * checksum after the post-header lengths depend on the server version.
 */
export function decodeFormatDescription(
  header: EventHeader,
  buf: Buffer,
  start: number,
  end: number,
): FormatDescriptionEvent {
  const cursor = new Cursor(buf, start, end);
  const binlogVersion = cursor.u16();
  const rawVersion = cursor.bytes(SERVER_VERSION_LENGTH);
  const nul = rawVersion.indexOf(0);
  const serverVersion = rawVersion.toString("latin1", 0, nul < 0 ? rawVersion.length : nul);
  const createTimestamp = cursor.u32();
  const headerLength = cursor.u8();
  let checksum: ChecksumAlgorithmCode = ChecksumAlgorithm.UNDEFINED;
  let lengthsEnd = end;
  if (versionHasChecksum(serverVersion)) {
    // ... post-header lengths, 1 byte algorithm, 4 bytes checksum (present even when the algorithm is OFF).
    lengthsEnd = end - 5;
    const algorithm = buf[lengthsEnd]!;
    if (algorithm !== ChecksumAlgorithm.OFF && algorithm !== ChecksumAlgorithm.CRC32) {
      throw corruptEvent(`FORMAT_DESCRIPTION names unknown checksum algorithm ${algorithm}`);
    }
    checksum = algorithm;
  }
  if (lengthsEnd < cursor.pos) throw corruptEvent("FORMAT_DESCRIPTION too short");
  const postHeaderLengths = Uint8Array.from(buf.subarray(cursor.pos, lengthsEnd));
  return {
    kind: "formatDescription",
    header,
    binlogVersion,
    serverVersion,
    createTimestamp,
    headerLength,
    postHeaderLengths,
    checksum,
  };
}

export function decodeRotate(header: EventHeader, buf: Buffer, start: number, end: number): RotateEvent {
  const cursor = new Cursor(buf, start, end);
  const position = cursor.u64Number();
  return { kind: "rotate", header, position, nextFile: cursor.rest() };
}

function readXid(cursor: Cursor, lengthBytes: 1 | 4): XaXid {
  const formatId = cursor.u32();
  const gtridLength = lengthBytes === 1 ? cursor.u8() : cursor.u32();
  const bqualLength = lengthBytes === 1 ? cursor.u8() : cursor.u32();
  const gtrid = Buffer.from(cursor.bytes(gtridLength));
  const bqual = Buffer.from(cursor.bytes(bqualLength));
  return { formatId, gtrid, bqual };
}

/** MariaDB GTID: sequence (8), domain (4), flags2 (1), then commit id or XID by flag. */
export function decodeMariadbGtid(header: EventHeader, buf: Buffer, start: number, end: number): GtidEvent {
  const cursor = new Cursor(buf, start, end);
  const sequence = cursor.u64();
  const domain = cursor.u32();
  const flags = cursor.u8();
  let commitId: bigint | undefined;
  let xid: XaXid | undefined;
  if ((flags & MariadbGtidFlag.GROUP_COMMIT_ID) !== 0) {
    commitId = cursor.u64();
  } else if ((flags & (MariadbGtidFlag.PREPARED_XA | MariadbGtidFlag.COMPLETED_XA)) !== 0) {
    xid = readXid(cursor, 1);
  }
  return {
    kind: "gtid",
    header,
    gtid: mariadbGtid(domain, header.serverId, sequence),
    standalone: (flags & MariadbGtidFlag.STANDALONE) !== 0,
    mariadbFlags: flags,
    commitId,
    xid,
  };
}

/** MariaDB GTID_LIST: count (low 28 bits), then domain (4), server (4), sequence (8) each. */
export function decodeGtidList(header: EventHeader, buf: Buffer, start: number, end: number): GtidListEvent {
  const cursor = new Cursor(buf, start, end);
  const count = cursor.u32() & 0x0fffffff;
  const gtids: MariadbGtid[] = [];
  for (let i = 0; i < count; i++) {
    const domain = cursor.u32();
    const server = cursor.u32();
    gtids.push(mariadbGtid(domain, server, cursor.u64()));
  }
  return { kind: "gtidList", header, gtids };
}

function formatSid(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** MySQL GTID: flags (1), sid (16), gno (8), then the logical clock when present. */
export function decodeMysqlGtid(header: EventHeader, buf: Buffer, start: number, end: number): GtidEvent {
  const cursor = new Cursor(buf, start, end);
  cursor.u8();
  const sid = formatSid(cursor.bytes(16));
  const gno = cursor.u64();
  let lastCommitted: bigint | undefined;
  let sequenceNumber: bigint | undefined;
  // LOGICAL_TIMESTAMP_TYPECODE = 2, then last_committed and sequence_number.
  if (cursor.remaining >= 17 && cursor.u8() === 2) {
    lastCommitted = cursor.u64();
    sequenceNumber = cursor.u64();
  }
  return {
    kind: "gtid",
    header,
    gtid: mysql56Gtid(sid, gno),
    standalone: false,
    lastCommitted,
    sequenceNumber,
  };
}

/** MySQL PREVIOUS_GTIDS: n_sids (8), then sid (16), n_intervals (8), [start, end) pairs (8 + 8). */
export function decodePreviousGtids(
  header: EventHeader,
  buf: Buffer,
  start: number,
  end: number,
): PreviousGtidsEvent {
  const cursor = new Cursor(buf, start, end);
  const sidCount = cursor.u64Number();
  const uuidSets: Mysql56UuidSet[] = [];
  for (let i = 0; i < sidCount; i++) {
    const sid = formatSid(cursor.bytes(16));
    const intervalCount = cursor.u64Number();
    const intervals = [];
    for (let j = 0; j < intervalCount; j++) {
      const from = cursor.u64();
      const to = cursor.u64();
      intervals.push({ start: from, end: to - 1n });
    }
    uuidSets.push({ sid, intervals });
  }
  return { kind: "previousGtids", header, gtidSet: mysql56GtidSet(uuidSets) };
}

/** Status variable codes of QUERY events (MySQL's Q_* and MariaDB's additions). */
const StatusVar = {
  FLAGS2: 0,
  SQL_MODE: 1,
  CATALOG: 2,
  AUTO_INCREMENT: 3,
  CHARSET: 4,
  TIME_ZONE: 5,
  CATALOG_NZ: 6,
  LC_TIME_NAMES: 7,
  CHARSET_DATABASE: 8,
  TABLE_MAP_FOR_UPDATE: 9,
  MASTER_DATA_WRITTEN: 10,
  INVOKER: 11,
  UPDATED_DB_NAMES: 12,
  MICROSECONDS: 13,
  COMMIT_TS: 14,
  COMMIT_TS2: 15,
  EXPLICIT_DEFAULTS_FOR_TIMESTAMP: 16,
  DDL_LOGGED_WITH_XID: 17,
  DEFAULT_COLLATION_FOR_UTF8MB4: 18,
  SQL_REQUIRE_PRIMARY_KEY: 19,
  DEFAULT_TABLE_ENCRYPTION: 20,
  MARIADB_HRNOW: 128,
  MARIADB_XID: 129,
  MARIADB_GTID_FLAGS3: 130,
} as const;

/** Fixed sizes of the status variables that have one. */
const FIXED_STATUS_SIZE: Record<number, number> = {
  [StatusVar.FLAGS2]: 4,
  [StatusVar.SQL_MODE]: 8,
  [StatusVar.AUTO_INCREMENT]: 4,
  [StatusVar.CHARSET]: 6,
  [StatusVar.LC_TIME_NAMES]: 2,
  [StatusVar.CHARSET_DATABASE]: 2,
  [StatusVar.TABLE_MAP_FOR_UPDATE]: 8,
  [StatusVar.MASTER_DATA_WRITTEN]: 4,
  [StatusVar.MICROSECONDS]: 3,
  [StatusVar.COMMIT_TS]: 0,
  [StatusVar.EXPLICIT_DEFAULTS_FOR_TIMESTAMP]: 1,
  [StatusVar.DDL_LOGGED_WITH_XID]: 8,
  [StatusVar.DEFAULT_COLLATION_FOR_UTF8MB4]: 2,
  [StatusVar.SQL_REQUIRE_PRIMARY_KEY]: 1,
  [StatusVar.DEFAULT_TABLE_ENCRYPTION]: 1,
  [StatusVar.MARIADB_HRNOW]: 3,
  [StatusVar.MARIADB_XID]: 8,
  [StatusVar.MARIADB_GTID_FLAGS3]: 1,
};

interface StatusVars {
  charset?: { client: number; connection: number; server: number };
  sqlMode?: bigint;
}

/** Reads the status variables we use; stops quietly at one it does not know (they are optional). */
function readStatusVars(cursor: Cursor): StatusVars {
  const vars: StatusVars = {};
  while (cursor.remaining > 0) {
    const code = cursor.u8();
    if (code === StatusVar.CHARSET) {
      vars.charset = { client: cursor.u16(), connection: cursor.u16(), server: cursor.u16() };
    } else if (code === StatusVar.SQL_MODE) {
      vars.sqlMode = cursor.u64();
    } else if (code in FIXED_STATUS_SIZE) {
      cursor.skip(FIXED_STATUS_SIZE[code]!);
    } else if (code === StatusVar.CATALOG) {
      cursor.skip(cursor.u8() + 1);
    } else if (code === StatusVar.TIME_ZONE || code === StatusVar.CATALOG_NZ) {
      cursor.skip(cursor.u8());
    } else if (code === StatusVar.INVOKER) {
      cursor.skip(cursor.u8());
      cursor.skip(cursor.u8());
    } else if (code === StatusVar.UPDATED_DB_NAMES) {
      const count = cursor.u8();
      // 254 (OVER_MAX_DBS_IN_EVENT_MTS) means no names follow.
      for (let i = 0; i < count && count !== 254; i++) {
        const nul = cursor.buf.indexOf(0, cursor.pos);
        if (nul < 0 || nul >= cursor.end) break;
        cursor.pos = nul + 1;
      }
    } else if (code === StatusVar.COMMIT_TS2) {
      cursor.skip(Math.min(cursor.remaining, 7));
    } else {
      break;
    }
  }
  return vars;
}

/**
 * QUERY: thread id (4), execution time (4), database length (1), error code (2), status vars length (2),
 * [more post-header], status vars, database, NUL, statement. `sqlOverride` replaces the statement (for
 * MariaDB's QUERY_COMPRESSED, whose statement is compressed).
 */
export function decodeQuery(
  header: EventHeader,
  buf: Buffer,
  start: number,
  end: number,
  postHeaderLength: number,
  decompress?: (data: Buffer) => Buffer,
): QueryEvent {
  const cursor = new Cursor(buf, start, end);
  const threadId = cursor.u32();
  const executionTime = cursor.u32();
  const databaseLength = cursor.u8();
  const errorCode = cursor.u16();
  const statusLength = postHeaderLength >= 13 ? cursor.u16() : 0;
  if (postHeaderLength > 13) cursor.skip(postHeaderLength - 13);
  const status = new Cursor(buf, cursor.pos, cursor.pos + statusLength);
  cursor.skip(statusLength);
  const vars = readStatusVars(status);
  const database = cursor.string(databaseLength);
  cursor.skip(1);
  const sql = decompress ? decompress(cursor.restBytes()).toString("utf8") : cursor.rest();
  return { kind: "query", header, database, sql, threadId, executionTime, errorCode, ...vars };
}

export function decodeXid(header: EventHeader, buf: Buffer, start: number, end: number): XidEvent {
  return { kind: "xid", header, xid: new Cursor(buf, start, end).u64() };
}

/** MySQL XA_PREPARE: one_phase (1), format id (4), gtrid length (4), bqual length (4), data. */
export function decodeXaPrepare(
  header: EventHeader,
  buf: Buffer,
  start: number,
  end: number,
): XaPrepareEvent {
  const cursor = new Cursor(buf, start, end);
  const onePhase = cursor.u8() !== 0;
  return { kind: "xaPrepare", header, onePhase, xid: readXid(cursor, 4) };
}

export function decodeHeartbeat(
  header: EventHeader,
  buf: Buffer,
  start: number,
  end: number,
): HeartbeatEvent {
  return { kind: "heartbeat", header, file: buf.toString("utf8", start, end), position: header.logPos };
}

/** MySQL HEARTBEAT_V2: TLV fields, 1 = log file name, 2 = position (packed integer). */
export function decodeHeartbeatV2(
  header: EventHeader,
  buf: Buffer,
  start: number,
  end: number,
): HeartbeatEvent {
  const cursor = new Cursor(buf, start, end);
  let file = "";
  let position = header.logPos;
  while (cursor.remaining > 0) {
    const type = cursor.u8();
    const length = cursor.lenenc();
    if (type === 1) file = cursor.string(length);
    else if (type === 2 && length <= 8)
      position = Number(cursor.bytes(length).readUIntLE(0, Math.min(length, 6)));
    else cursor.skip(length);
  }
  return { kind: "heartbeat", header, file, position };
}

export function decodeBinlogCheckpoint(
  header: EventHeader,
  buf: Buffer,
  start: number,
  end: number,
): BinlogCheckpointEvent {
  const cursor = new Cursor(buf, start, end);
  const length = cursor.u32();
  return { kind: "binlogCheckpoint", header, file: cursor.string(length) };
}
