/**
 * The mapping between Vitess's query.Type and MySQL column types with their flags, both ways (Vitess
 * go/sqltypes/type.go: MySQLToType and TypeToMySQL). The query-result conversion (vttablet) reads result
 * columns with `mysqlToType`; the MySQL protocol server writes column definitions with `typeToMysql`.
 */
import { MySqlFlag, Type } from "../proto/query.js";
import { BINARY_COLLATION_ID, Collation, MysqlColumnType, type MysqlColumnTypeCode } from "./column-type.js";

const UNSIGNED = MySqlFlag.UNSIGNED_FLAG;
const BINARY = MySqlFlag.BINARY_FLAG;

/**
 * Vitess's table from MySQL column type to its type before flags refine it (`sqltypes.mysqlToType`), plus
 * NEWDATE, which servers never send in results but binary-protocol parameters may carry.
 */
const BASE_TYPES: ReadonlyMap<number, Type> = new Map([
  [MysqlColumnType.DECIMAL, Type.DECIMAL],
  [MysqlColumnType.TINY, Type.INT8],
  [MysqlColumnType.SHORT, Type.INT16],
  [MysqlColumnType.LONG, Type.INT32],
  [MysqlColumnType.FLOAT, Type.FLOAT32],
  [MysqlColumnType.DOUBLE, Type.FLOAT64],
  [MysqlColumnType.NULL, Type.NULL_TYPE],
  [MysqlColumnType.TIMESTAMP, Type.TIMESTAMP],
  [MysqlColumnType.LONGLONG, Type.INT64],
  [MysqlColumnType.INT24, Type.INT24],
  [MysqlColumnType.DATE, Type.DATE],
  [MysqlColumnType.TIME, Type.TIME],
  [MysqlColumnType.DATETIME, Type.DATETIME],
  [MysqlColumnType.YEAR, Type.YEAR],
  [MysqlColumnType.NEWDATE, Type.DATE],
  [MysqlColumnType.VARCHAR, Type.VARCHAR],
  [MysqlColumnType.BIT, Type.BIT],
  [MysqlColumnType.TIMESTAMP2, Type.TIMESTAMP],
  [MysqlColumnType.DATETIME2, Type.DATETIME],
  [MysqlColumnType.TIME2, Type.TIME],
  [MysqlColumnType.VECTOR, Type.VECTOR],
  [MysqlColumnType.JSON, Type.JSON],
  [MysqlColumnType.NEWDECIMAL, Type.DECIMAL],
  [MysqlColumnType.ENUM, Type.ENUM],
  [MysqlColumnType.SET, Type.SET],
  [MysqlColumnType.TINY_BLOB, Type.TEXT],
  [MysqlColumnType.MEDIUM_BLOB, Type.TEXT],
  [MysqlColumnType.LONG_BLOB, Type.TEXT],
  [MysqlColumnType.BLOB, Type.TEXT],
  [MysqlColumnType.VAR_STRING, Type.VARCHAR],
  [MysqlColumnType.STRING, Type.CHAR],
  [MysqlColumnType.GEOMETRY, Type.GEOMETRY],
]);

const UNSIGNED_OF: ReadonlyMap<Type, Type> = new Map([
  [Type.INT8, Type.UINT8],
  [Type.INT16, Type.UINT16],
  [Type.INT24, Type.UINT24],
  [Type.INT32, Type.UINT32],
  [Type.INT64, Type.UINT64],
]);

const BINARY_OF: ReadonlyMap<Type, Type> = new Map([
  [Type.TEXT, Type.BLOB],
  [Type.VARCHAR, Type.VARBINARY],
  [Type.CHAR, Type.BINARY],
]);

/**
 * The Vitess type of a column: the column type refined by its flags, as `sqltypes.MySQLToType` does
 * (UNSIGNED for integers; BINARY for text types, then ENUM/SET on CHAR). UNRECOGNIZED for a type code
 * Vitess has no type for (where Vitess returns an error).
 *
 * One deliberate difference: MySQL also raises BINARY_FLAG on text columns with a `_bin` collation
 * (utf8mb4_bin), which Vitess then reports as VARBINARY. When the collation is known we only call a text
 * column binary if its collation is `binary` (63), so a utf8mb4_bin VARCHAR stays VARCHAR; without one
 * (0) the flag decides, as in Vitess.
 * `extendedFormat` is MariaDB's extended metadata: its JSON columns are LONGTEXT tagged `json`.
 */
export function mysqlToType(columnType: number, flags = 0, collationId = 0, extendedFormat?: string): Type {
  const base = BASE_TYPES.get(columnType);
  if (base === undefined) return Type.UNRECOGNIZED;
  if ((flags & UNSIGNED) !== 0) {
    const unsigned = UNSIGNED_OF.get(base);
    if (unsigned !== undefined) return unsigned;
  }
  const binaryVariant = BINARY_OF.get(base);
  if (binaryVariant === undefined) return base;
  if (base === Type.TEXT && extendedFormat === "json") return Type.JSON;
  const binaryFlag = (flags & BINARY) !== 0;
  const binaryCollation = collationId === 0 || collationId === BINARY_COLLATION_ID;
  if (binaryFlag && binaryCollation) return binaryVariant;
  if (base === Type.CHAR) {
    if ((flags & MySqlFlag.ENUM_FLAG) !== 0) return Type.ENUM;
    if ((flags & MySqlFlag.SET_FLAG) !== 0) return Type.SET;
  }
  return base;
}

/** Whether MySQL's client library would add NUM_FLAG to a column of this type (Vitess does the same). */
export function isNumericColumnType(columnType: number): boolean {
  switch (columnType) {
    case MysqlColumnType.DECIMAL:
    case MysqlColumnType.TINY:
    case MysqlColumnType.SHORT:
    case MysqlColumnType.LONG:
    case MysqlColumnType.FLOAT:
    case MysqlColumnType.DOUBLE:
    case MysqlColumnType.LONGLONG:
    case MysqlColumnType.INT24:
    case MysqlColumnType.YEAR:
    case MysqlColumnType.NEWDECIMAL:
      return true;
    default:
      return false;
  }
}

export interface MysqlTypeAndFlags {
  /** The MySQL type code sent in column definitions. */
  mysqlType: MysqlColumnTypeCode;
  /** Flags implied by the type (UNSIGNED, BINARY, ENUM, SET), used when the Field carries none. */
  flags: number;
}

/** Vitess's `sqltypes.typeToMySQL`, the reverse of BASE_TYPES and the flags. */
const TYPE_TO_MYSQL: ReadonlyMap<Type, MysqlTypeAndFlags> = new Map([
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
]);

/** Types with no column form (HEXNUM, HEXVAL, BITNUM, TUPLE, ...) are sent as their text, in bytes. */
const FALLBACK: MysqlTypeAndFlags = { mysqlType: MysqlColumnType.VAR_STRING, flags: BINARY };

/** The MySQL column type and implied flags for a Vitess type (`sqltypes.TypeToMySQL`). */
export function typeToMysql(type: Type): MysqlTypeAndFlags {
  return TYPE_TO_MYSQL.get(type) ?? FALLBACK;
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
