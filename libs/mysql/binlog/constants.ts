/**
 * Binlog event type codes and flags, as MySQL's `binlog_event.h` and MariaDB's `log_event.h` number
 * them. Column type codes are MysqlColumnType (../column-type.ts).
 */

export const EventType = {
  UNKNOWN: 0,
  START_V3: 1,
  QUERY: 2,
  STOP: 3,
  ROTATE: 4,
  INTVAR: 5,
  SLAVE: 7,
  APPEND_BLOCK: 9,
  DELETE_FILE: 11,
  RAND: 13,
  USER_VAR: 14,
  FORMAT_DESCRIPTION: 15,
  XID: 16,
  BEGIN_LOAD_QUERY: 17,
  EXECUTE_LOAD_QUERY: 18,
  TABLE_MAP: 19,
  WRITE_ROWS_V0: 20,
  UPDATE_ROWS_V0: 21,
  DELETE_ROWS_V0: 22,
  WRITE_ROWS_V1: 23,
  UPDATE_ROWS_V1: 24,
  DELETE_ROWS_V1: 25,
  INCIDENT: 26,
  HEARTBEAT: 27,
  IGNORABLE: 28,
  ROWS_QUERY: 29,
  WRITE_ROWS_V2: 30,
  UPDATE_ROWS_V2: 31,
  DELETE_ROWS_V2: 32,
  GTID: 33,
  ANONYMOUS_GTID: 34,
  PREVIOUS_GTIDS: 35,
  TRANSACTION_CONTEXT: 36,
  VIEW_CHANGE: 37,
  XA_PREPARE: 38,
  PARTIAL_UPDATE_ROWS: 39,
  TRANSACTION_PAYLOAD: 40,
  HEARTBEAT_V2: 41,
  // MariaDB's own events.
  MARIADB_ANNOTATE_ROWS: 160,
  MARIADB_BINLOG_CHECKPOINT: 161,
  MARIADB_GTID: 162,
  MARIADB_GTID_LIST: 163,
  MARIADB_START_ENCRYPTION: 164,
  MARIADB_QUERY_COMPRESSED: 165,
  MARIADB_WRITE_ROWS_COMPRESSED_V2: 166,
  MARIADB_UPDATE_ROWS_COMPRESSED_V2: 167,
  MARIADB_DELETE_ROWS_COMPRESSED_V2: 168,
  MARIADB_WRITE_ROWS_COMPRESSED_V1: 169,
  MARIADB_UPDATE_ROWS_COMPRESSED_V1: 170,
  MARIADB_DELETE_ROWS_COMPRESSED_V1: 171,
} as const;

/** The event's name as mysqlbinlog prints it, for messages; `Unknown(n)` for codes we do not know. */
export function eventTypeName(typeCode: number): string {
  for (const [name, code] of Object.entries(EventType)) {
    if (code === typeCode) return name;
  }
  return `Unknown(${typeCode})`;
}

/** Common header length since binlog format v4. */
export const EVENT_HEADER_LENGTH = 19;
/** Length of the CRC32 checksum trailing each event when binlog_checksum=CRC32. */
export const CHECKSUM_LENGTH = 4;
/** The magic number each binlog file starts with: 0xfe 'b' 'i' 'n'. */
export const BINLOG_MAGIC = Buffer.from([0xfe, 0x62, 0x69, 0x6e]);

/** Common-header flags. */
export const EventFlag = {
  BINLOG_IN_USE: 0x1,
  /** Events the server made up for the stream (fake ROTATE, GTID_LIST on connect), not read from a file. */
  ARTIFICIAL: 0x20,
  RELAY_LOG: 0x40,
  IGNORABLE: 0x80,
} as const;

/** MariaDB GTID event flags (flags2). */
export const MariadbGtidFlag = {
  STANDALONE: 1,
  GROUP_COMMIT_ID: 2,
  TRANSACTIONAL: 4,
  ALLOW_PARALLEL: 8,
  WAITED: 16,
  DDL: 32,
  PREPARED_XA: 64,
  COMPLETED_XA: 128,
} as const;

/** ROWS event flags. */
export const RowsFlag = {
  STMT_END: 0x1,
  NO_FOREIGN_KEY_CHECKS: 0x2,
  RELAXED_UNIQUE_CHECKS: 0x4,
  COMPLETE_ROWS: 0x8,
} as const;

/** binlog_checksum algorithms as the FORMAT_DESCRIPTION event records them. */
export const ChecksumAlgorithm = {
  OFF: 0,
  CRC32: 1,
  /** A server older than checksums (pre 5.6.1 / MariaDB 5.3): no algorithm byte at all. */
  UNDEFINED: 255,
} as const;

export type ChecksumAlgorithmCode = (typeof ChecksumAlgorithm)[keyof typeof ChecksumAlgorithm];

/** Optional metadata field types of TABLE_MAP (binlog_row_metadata=MINIMAL/FULL). */
export const OptionalMetadata = {
  SIGNEDNESS: 1,
  DEFAULT_CHARSET: 2,
  COLUMN_CHARSET: 3,
  COLUMN_NAME: 4,
  SET_STR_VALUE: 5,
  ENUM_STR_VALUE: 6,
  GEOMETRY_TYPE: 7,
  SIMPLE_PRIMARY_KEY: 8,
  PRIMARY_KEY_WITH_PREFIX: 9,
  ENUM_AND_SET_DEFAULT_CHARSET: 10,
  ENUM_AND_SET_COLUMN_CHARSET: 11,
  COLUMN_VISIBILITY: 12,
} as const;

/** Protocol command codes of the replication handshake. */
export const Command = {
  BINLOG_DUMP: 0x12,
  REGISTER_SLAVE: 0x15,
  BINLOG_DUMP_GTID: 0x1e,
} as const;

/** COM_BINLOG_DUMP flags. */
export const DumpFlag = {
  /** Send EOF at the end of the binlog instead of waiting for more events. */
  NON_BLOCK: 0x1,
  /** MariaDB: send ANNOTATE_ROWS events (the statement that made each rows event). */
  SEND_ANNOTATE_ROWS: 0x2,
  /** MySQL COM_BINLOG_DUMP_GTID: the SID block follows. */
  THROUGH_GTID: 0x4,
} as const;

/** MariaDB's slave capability level that makes the server send GTID events as they are. */
export const MARIADB_SLAVE_CAPABILITY_GTID = 4;
