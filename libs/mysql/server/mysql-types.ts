/**
 * The mapping between Vitess's query.Type and the MySQL protocol's column types and flags, both ways
 * (Vitess go/sqltypes/type.go: TypeToMySQL and MySQLToType).
 */
import { MySqlFlag, Type } from "../../proto/query.js";
import { Collation } from "./constants.js";

/** MySQL protocol column/parameter type codes (enum_field_types). */
export const MysqlType = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  TIMESTAMP2: 17,
  DATETIME2: 18,
  TIME2: 19,
  VECTOR: 242,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;

export interface MysqlColumnType {
  /** The MySQL type code sent in column definitions. */
  mysqlType: number;
  /** Flags implied by the type (UNSIGNED, BINARY, ENUM, SET), used when the Field carries none. */
  flags: number;
}

const UNSIGNED = MySqlFlag.UNSIGNED_FLAG;
const BINARY = MySqlFlag.BINARY_FLAG;

const TYPE_TO_MYSQL = new Map<Type, MysqlColumnType>([
  [Type.NULL_TYPE, { mysqlType: MysqlType.NULL, flags: BINARY }],
  [Type.INT8, { mysqlType: MysqlType.TINY, flags: 0 }],
  [Type.UINT8, { mysqlType: MysqlType.TINY, flags: UNSIGNED }],
  [Type.INT16, { mysqlType: MysqlType.SHORT, flags: 0 }],
  [Type.UINT16, { mysqlType: MysqlType.SHORT, flags: UNSIGNED }],
  [Type.INT24, { mysqlType: MysqlType.INT24, flags: 0 }],
  [Type.UINT24, { mysqlType: MysqlType.INT24, flags: UNSIGNED }],
  [Type.INT32, { mysqlType: MysqlType.LONG, flags: 0 }],
  [Type.UINT32, { mysqlType: MysqlType.LONG, flags: UNSIGNED }],
  [Type.INT64, { mysqlType: MysqlType.LONGLONG, flags: 0 }],
  [Type.UINT64, { mysqlType: MysqlType.LONGLONG, flags: UNSIGNED }],
  [Type.FLOAT32, { mysqlType: MysqlType.FLOAT, flags: 0 }],
  [Type.FLOAT64, { mysqlType: MysqlType.DOUBLE, flags: 0 }],
  [Type.TIMESTAMP, { mysqlType: MysqlType.TIMESTAMP, flags: 0 }],
  [Type.DATE, { mysqlType: MysqlType.DATE, flags: BINARY }],
  [Type.TIME, { mysqlType: MysqlType.TIME, flags: BINARY }],
  [Type.DATETIME, { mysqlType: MysqlType.DATETIME, flags: BINARY }],
  [Type.YEAR, { mysqlType: MysqlType.YEAR, flags: UNSIGNED }],
  [Type.DECIMAL, { mysqlType: MysqlType.NEWDECIMAL, flags: 0 }],
  [Type.TEXT, { mysqlType: MysqlType.BLOB, flags: 0 }],
  [Type.BLOB, { mysqlType: MysqlType.BLOB, flags: BINARY }],
  [Type.VARCHAR, { mysqlType: MysqlType.VAR_STRING, flags: 0 }],
  [Type.VARBINARY, { mysqlType: MysqlType.VAR_STRING, flags: BINARY }],
  [Type.CHAR, { mysqlType: MysqlType.STRING, flags: 0 }],
  [Type.BINARY, { mysqlType: MysqlType.STRING, flags: BINARY }],
  [Type.BIT, { mysqlType: MysqlType.BIT, flags: UNSIGNED }],
  [Type.ENUM, { mysqlType: MysqlType.STRING, flags: MySqlFlag.ENUM_FLAG }],
  [Type.SET, { mysqlType: MysqlType.STRING, flags: MySqlFlag.SET_FLAG }],
  [Type.GEOMETRY, { mysqlType: MysqlType.GEOMETRY, flags: 0 }],
  [Type.JSON, { mysqlType: MysqlType.JSON, flags: 0 }],
  [Type.VECTOR, { mysqlType: MysqlType.VECTOR, flags: 0 }],
  // Literal-only types are sent as their text.
  [Type.HEXNUM, { mysqlType: MysqlType.VAR_STRING, flags: BINARY }],
  [Type.HEXVAL, { mysqlType: MysqlType.VAR_STRING, flags: BINARY }],
  [Type.BITNUM, { mysqlType: MysqlType.VAR_STRING, flags: BINARY }],
]);

const FALLBACK: MysqlColumnType = { mysqlType: MysqlType.VAR_STRING, flags: BINARY };

/** The MySQL column type and implied flags for a Vitess type (VARBINARY for types with no column form). */
export function typeToMysql(type: Type): MysqlColumnType {
  return TYPE_TO_MYSQL.get(type) ?? FALLBACK;
}

/** The Vitess type for a MySQL column type and its flags (UNSIGNED, BINARY, ENUM, SET are honoured). */
export function mysqlToType(mysqlType: number, flags = 0): Type {
  const unsigned = (flags & UNSIGNED) !== 0;
  const binary = (flags & BINARY) !== 0;
  switch (mysqlType) {
    case MysqlType.DECIMAL:
    case MysqlType.NEWDECIMAL:
      return Type.DECIMAL;
    case MysqlType.TINY:
      return unsigned ? Type.UINT8 : Type.INT8;
    case MysqlType.SHORT:
      return unsigned ? Type.UINT16 : Type.INT16;
    case MysqlType.LONG:
      return unsigned ? Type.UINT32 : Type.INT32;
    case MysqlType.INT24:
      return unsigned ? Type.UINT24 : Type.INT24;
    case MysqlType.LONGLONG:
      return unsigned ? Type.UINT64 : Type.INT64;
    case MysqlType.FLOAT:
      return Type.FLOAT32;
    case MysqlType.DOUBLE:
      return Type.FLOAT64;
    case MysqlType.NULL:
      return Type.NULL_TYPE;
    case MysqlType.TIMESTAMP:
    case MysqlType.TIMESTAMP2:
      return Type.TIMESTAMP;
    case MysqlType.DATE:
    case MysqlType.NEWDATE:
      return Type.DATE;
    case MysqlType.TIME:
    case MysqlType.TIME2:
      return Type.TIME;
    case MysqlType.DATETIME:
    case MysqlType.DATETIME2:
      return Type.DATETIME;
    case MysqlType.YEAR:
      return Type.YEAR;
    case MysqlType.BIT:
      return Type.BIT;
    case MysqlType.VECTOR:
      return Type.VECTOR;
    case MysqlType.JSON:
      return Type.JSON;
    case MysqlType.ENUM:
      return Type.ENUM;
    case MysqlType.SET:
      return Type.SET;
    case MysqlType.GEOMETRY:
      return Type.GEOMETRY;
    case MysqlType.TINY_BLOB:
    case MysqlType.MEDIUM_BLOB:
    case MysqlType.LONG_BLOB:
    case MysqlType.BLOB:
      return binary ? Type.BLOB : Type.TEXT;
    case MysqlType.VARCHAR:
    case MysqlType.VAR_STRING:
      return binary ? Type.VARBINARY : Type.VARCHAR;
    case MysqlType.STRING:
      if (flags & MySqlFlag.ENUM_FLAG) return Type.ENUM;
      if (flags & MySqlFlag.SET_FLAG) return Type.SET;
      return binary ? Type.BINARY : Type.CHAR;
    default:
      return Type.UNRECOGNIZED;
  }
}

/** Types whose values are text in a character set (as opposed to numbers, temporals and binary strings). */
export function isTextType(type: Type): boolean {
  switch (type) {
    case Type.TEXT:
    case Type.VARCHAR:
    case Type.CHAR:
    case Type.ENUM:
    case Type.SET:
    case Type.JSON:
      return true;
    default:
      return false;
  }
}

/** The collation sent for a column whose Field has charset 0: utf8mb4 for text, binary for everything else. */
export function defaultCollation(type: Type): number {
  return isTextType(type) ? Collation.UTF8MB4_GENERAL_CI : Collation.BINARY;
}
