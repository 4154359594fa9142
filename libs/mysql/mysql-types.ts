import { MySqlFlag, Type } from "../proto/query.js";
import { BINARY_COLLATION_ID, MysqlColumnType } from "./column-type.js";

/** Vitess's table from MySQL column type to its type before flags refine it (`sqltypes.mysqlToType`). */
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
 * The Vitess type of a result column: the column type refined by its flags, as `sqltypes.MySQLToType`
 * does (UNSIGNED for integers; BINARY for text types; ENUM/SET flags on CHAR).
 *
 * One deliberate difference: MySQL also raises BINARY_FLAG on text columns with a `_bin` collation
 * (utf8mb4_bin), which Vitess then reports as VARBINARY. When the collation is known we only call a text
 * column binary if its collation is `binary` (63), so a utf8mb4_bin VARCHAR stays VARCHAR.
 * `extendedFormat` is MariaDB's extended metadata: its JSON columns are LONGTEXT tagged `json`.
 */
export function vitessTypeOf(
  columnType: number,
  flags: number,
  collationId = 0,
  extendedFormat?: string,
): Type {
  const base = BASE_TYPES.get(columnType);
  if (base === undefined) return Type.VARBINARY;
  if ((flags & MySqlFlag.UNSIGNED_FLAG) !== 0) {
    const unsigned = UNSIGNED_OF.get(base);
    if (unsigned !== undefined) return unsigned;
  }
  const binaryVariant = BINARY_OF.get(base);
  if (binaryVariant === undefined) return base;
  if (base === Type.TEXT && extendedFormat === "json") return Type.JSON;
  const binaryFlag = (flags & MySqlFlag.BINARY_FLAG) !== 0;
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

/** The MySQL column type and extra flags to send for a Vitess type (`sqltypes.TypeToMySQL`). */
export function mysqlColumnTypeOf(type: Type): { columnType: number; flags: number } {
  const unsigned = MySqlFlag.UNSIGNED_FLAG;
  const binary = MySqlFlag.BINARY_FLAG;
  switch (type) {
    case Type.NULL_TYPE:
      return { columnType: MysqlColumnType.NULL, flags: 0 };
    case Type.INT8:
      return { columnType: MysqlColumnType.TINY, flags: 0 };
    case Type.UINT8:
      return { columnType: MysqlColumnType.TINY, flags: unsigned };
    case Type.INT16:
      return { columnType: MysqlColumnType.SHORT, flags: 0 };
    case Type.UINT16:
      return { columnType: MysqlColumnType.SHORT, flags: unsigned };
    case Type.INT24:
      return { columnType: MysqlColumnType.INT24, flags: 0 };
    case Type.UINT24:
      return { columnType: MysqlColumnType.INT24, flags: unsigned };
    case Type.INT32:
      return { columnType: MysqlColumnType.LONG, flags: 0 };
    case Type.UINT32:
      return { columnType: MysqlColumnType.LONG, flags: unsigned };
    case Type.INT64:
      return { columnType: MysqlColumnType.LONGLONG, flags: 0 };
    case Type.UINT64:
      return { columnType: MysqlColumnType.LONGLONG, flags: unsigned };
    case Type.FLOAT32:
      return { columnType: MysqlColumnType.FLOAT, flags: 0 };
    case Type.FLOAT64:
      return { columnType: MysqlColumnType.DOUBLE, flags: 0 };
    case Type.TIMESTAMP:
      return { columnType: MysqlColumnType.TIMESTAMP, flags: 0 };
    case Type.DATE:
      return { columnType: MysqlColumnType.DATE, flags: 0 };
    case Type.TIME:
      return { columnType: MysqlColumnType.TIME, flags: 0 };
    case Type.DATETIME:
      return { columnType: MysqlColumnType.DATETIME, flags: 0 };
    case Type.YEAR:
      return { columnType: MysqlColumnType.YEAR, flags: unsigned };
    case Type.DECIMAL:
      return { columnType: MysqlColumnType.NEWDECIMAL, flags: 0 };
    case Type.TEXT:
      return { columnType: MysqlColumnType.BLOB, flags: 0 };
    case Type.BLOB:
      return { columnType: MysqlColumnType.BLOB, flags: binary };
    case Type.VARCHAR:
      return { columnType: MysqlColumnType.VAR_STRING, flags: 0 };
    case Type.VARBINARY:
      return { columnType: MysqlColumnType.VAR_STRING, flags: binary };
    case Type.CHAR:
      return { columnType: MysqlColumnType.STRING, flags: 0 };
    case Type.BINARY:
      return { columnType: MysqlColumnType.STRING, flags: binary };
    case Type.BIT:
      return { columnType: MysqlColumnType.BIT, flags: unsigned };
    case Type.ENUM:
      return { columnType: MysqlColumnType.STRING, flags: MySqlFlag.ENUM_FLAG };
    case Type.SET:
      return { columnType: MysqlColumnType.STRING, flags: MySqlFlag.SET_FLAG };
    case Type.GEOMETRY:
      return { columnType: MysqlColumnType.GEOMETRY, flags: 0 };
    case Type.JSON:
      return { columnType: MysqlColumnType.JSON, flags: 0 };
    case Type.VECTOR:
      return { columnType: MysqlColumnType.VECTOR, flags: 0 };
    default:
      return { columnType: MysqlColumnType.VAR_STRING, flags: binary };
  }
}
