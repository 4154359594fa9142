/**
 * MySQL column type codes (`enum_field_types`) and the collation ids that tell text from bytes: one table
 * for the protocol's column definitions and binary-protocol parameters, the binlog's TABLE_MAP and the
 * query.Type mapping (mysql-types.ts).
 */

/**
 * MYSQL_TYPE_*. Result sets and parameters use a subset; TYPED_ARRAY and MariaDB's *_COMPRESSED occur
 * only in binlog TABLE_MAP events, where ENUM and SET travel as STRING with the real type in metadata.
 */
export const MysqlColumnType = {
  DECIMAL: 0x00,
  TINY: 0x01,
  SHORT: 0x02,
  LONG: 0x03,
  FLOAT: 0x04,
  DOUBLE: 0x05,
  NULL: 0x06,
  TIMESTAMP: 0x07,
  LONGLONG: 0x08,
  INT24: 0x09,
  DATE: 0x0a,
  TIME: 0x0b,
  DATETIME: 0x0c,
  YEAR: 0x0d,
  NEWDATE: 0x0e,
  VARCHAR: 0x0f,
  BIT: 0x10,
  TIMESTAMP2: 0x11,
  DATETIME2: 0x12,
  TIME2: 0x13,
  /** Binlog only (MySQL multi-valued indexes). */
  TYPED_ARRAY: 0x14,
  /** MariaDB binlog only: BLOB/TEXT ... COMPRESSED. */
  BLOB_COMPRESSED: 0x8c,
  /** MariaDB binlog only: VARCHAR ... COMPRESSED. */
  VARCHAR_COMPRESSED: 0x8d,
  VECTOR: 0xf2,
  JSON: 0xf5,
  NEWDECIMAL: 0xf6,
  ENUM: 0xf7,
  SET: 0xf8,
  TINY_BLOB: 0xf9,
  MEDIUM_BLOB: 0xfa,
  LONG_BLOB: 0xfb,
  BLOB: 0xfc,
  VAR_STRING: 0xfd,
  STRING: 0xfe,
  GEOMETRY: 0xff,
} as const;

export type MysqlColumnTypeCode = (typeof MysqlColumnType)[keyof typeof MysqlColumnType];

/** The collation id of the `binary` character set: BINARY, VARBINARY and BLOB columns carry it. */
export const BINARY_COLLATION_ID = 63;

/** The collation ids the MySQL protocol server announces and defaults to. */
export const Collation = {
  /** utf8mb4_general_ci: the default for text columns whose Field carries no charset. */
  UTF8MB4_GENERAL_CI: 45,
  BINARY: BINARY_COLLATION_ID,
} as const;
