/**
 * The mapping between Vitess's query.Type and the MySQL protocol's column types and flags, both ways
 * (Vitess go/sqltypes/type.go: TypeToMySQL and MySQLToType).
 */
import { MySqlFlag, Type } from "../../proto/query.js";
import { Collation, MysqlColumnType } from "../column-type.js";

export interface MysqlTypeAndFlags {
  /** The MySQL type code sent in column definitions. */
  mysqlType: number;
  /** Flags implied by the type (UNSIGNED, BINARY, ENUM, SET), used when the Field carries none. */
  flags: number;
}

const UNSIGNED = MySqlFlag.UNSIGNED_FLAG;
const BINARY = MySqlFlag.BINARY_FLAG;

const TYPE_TO_MYSQL = new Map<Type, MysqlTypeAndFlags>([
  [Type.NULL_TYPE, { mysqlType: MysqlColumnType.NULL, flags: BINARY }],
  [Type.INT8, { mysqlType: MysqlColumnType.TINY, flags: 0 }],
  [Type.UINT8, { mysqlType: MysqlColumnType.TINY, flags: UNSIGNED }],
  [Type.INT16, { mysqlType: MysqlColumnType.SHORT, flags: 0 }],
  [Type.UINT16, { mysqlType: MysqlColumnType.SHORT, flags: UNSIGNED }],
  [Type.INT24, { mysqlType: MysqlColumnType.INT24, flags: 0 }],
  [Type.UINT24, { mysqlType: MysqlColumnType.INT24, flags: UNSIGNED }],
  [Type.INT32, { mysqlType: MysqlColumnType.LONG, flags: 0 }],
  [Type.UINT32, { mysqlType: MysqlColumnType.LONG, flags: UNSIGNED }],
  [Type.INT64, { mysqlType: MysqlColumnType.LONGLONG, flags: 0 }],
  [Type.UINT64, { mysqlType: MysqlColumnType.LONGLONG, flags: UNSIGNED }],
  [Type.FLOAT32, { mysqlType: MysqlColumnType.FLOAT, flags: 0 }],
  [Type.FLOAT64, { mysqlType: MysqlColumnType.DOUBLE, flags: 0 }],
  [Type.TIMESTAMP, { mysqlType: MysqlColumnType.TIMESTAMP, flags: 0 }],
  [Type.DATE, { mysqlType: MysqlColumnType.DATE, flags: BINARY }],
  [Type.TIME, { mysqlType: MysqlColumnType.TIME, flags: BINARY }],
  [Type.DATETIME, { mysqlType: MysqlColumnType.DATETIME, flags: BINARY }],
  [Type.YEAR, { mysqlType: MysqlColumnType.YEAR, flags: UNSIGNED }],
  [Type.DECIMAL, { mysqlType: MysqlColumnType.NEWDECIMAL, flags: 0 }],
  [Type.TEXT, { mysqlType: MysqlColumnType.BLOB, flags: 0 }],
  [Type.BLOB, { mysqlType: MysqlColumnType.BLOB, flags: BINARY }],
  [Type.VARCHAR, { mysqlType: MysqlColumnType.VAR_STRING, flags: 0 }],
  [Type.VARBINARY, { mysqlType: MysqlColumnType.VAR_STRING, flags: BINARY }],
  [Type.CHAR, { mysqlType: MysqlColumnType.STRING, flags: 0 }],
  [Type.BINARY, { mysqlType: MysqlColumnType.STRING, flags: BINARY }],
  [Type.BIT, { mysqlType: MysqlColumnType.BIT, flags: UNSIGNED }],
  [Type.ENUM, { mysqlType: MysqlColumnType.STRING, flags: MySqlFlag.ENUM_FLAG }],
  [Type.SET, { mysqlType: MysqlColumnType.STRING, flags: MySqlFlag.SET_FLAG }],
  [Type.GEOMETRY, { mysqlType: MysqlColumnType.GEOMETRY, flags: 0 }],
  [Type.JSON, { mysqlType: MysqlColumnType.JSON, flags: 0 }],
  [Type.VECTOR, { mysqlType: MysqlColumnType.VECTOR, flags: 0 }],
  // Literal-only types are sent as their text.
  [Type.HEXNUM, { mysqlType: MysqlColumnType.VAR_STRING, flags: BINARY }],
  [Type.HEXVAL, { mysqlType: MysqlColumnType.VAR_STRING, flags: BINARY }],
  [Type.BITNUM, { mysqlType: MysqlColumnType.VAR_STRING, flags: BINARY }],
]);

const FALLBACK: MysqlTypeAndFlags = { mysqlType: MysqlColumnType.VAR_STRING, flags: BINARY };

/** The MySQL column type and implied flags for a Vitess type (VARBINARY for types with no column form). */
export function typeToMysql(type: Type): MysqlTypeAndFlags {
  return TYPE_TO_MYSQL.get(type) ?? FALLBACK;
}

/** The Vitess type for a MySQL column type and its flags (UNSIGNED, BINARY, ENUM, SET are honoured). */
export function mysqlToType(mysqlType: number, flags = 0): Type {
  const unsigned = (flags & UNSIGNED) !== 0;
  const binary = (flags & BINARY) !== 0;
  switch (mysqlType) {
    case MysqlColumnType.DECIMAL:
    case MysqlColumnType.NEWDECIMAL:
      return Type.DECIMAL;
    case MysqlColumnType.TINY:
      return unsigned ? Type.UINT8 : Type.INT8;
    case MysqlColumnType.SHORT:
      return unsigned ? Type.UINT16 : Type.INT16;
    case MysqlColumnType.LONG:
      return unsigned ? Type.UINT32 : Type.INT32;
    case MysqlColumnType.INT24:
      return unsigned ? Type.UINT24 : Type.INT24;
    case MysqlColumnType.LONGLONG:
      return unsigned ? Type.UINT64 : Type.INT64;
    case MysqlColumnType.FLOAT:
      return Type.FLOAT32;
    case MysqlColumnType.DOUBLE:
      return Type.FLOAT64;
    case MysqlColumnType.NULL:
      return Type.NULL_TYPE;
    case MysqlColumnType.TIMESTAMP:
    case MysqlColumnType.TIMESTAMP2:
      return Type.TIMESTAMP;
    case MysqlColumnType.DATE:
    case MysqlColumnType.NEWDATE:
      return Type.DATE;
    case MysqlColumnType.TIME:
    case MysqlColumnType.TIME2:
      return Type.TIME;
    case MysqlColumnType.DATETIME:
    case MysqlColumnType.DATETIME2:
      return Type.DATETIME;
    case MysqlColumnType.YEAR:
      return Type.YEAR;
    case MysqlColumnType.BIT:
      return Type.BIT;
    case MysqlColumnType.VECTOR:
      return Type.VECTOR;
    case MysqlColumnType.JSON:
      return Type.JSON;
    case MysqlColumnType.ENUM:
      return Type.ENUM;
    case MysqlColumnType.SET:
      return Type.SET;
    case MysqlColumnType.GEOMETRY:
      return Type.GEOMETRY;
    case MysqlColumnType.TINY_BLOB:
    case MysqlColumnType.MEDIUM_BLOB:
    case MysqlColumnType.LONG_BLOB:
    case MysqlColumnType.BLOB:
      return binary ? Type.BLOB : Type.TEXT;
    case MysqlColumnType.VARCHAR:
    case MysqlColumnType.VAR_STRING:
      return binary ? Type.VARBINARY : Type.VARCHAR;
    case MysqlColumnType.STRING:
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
