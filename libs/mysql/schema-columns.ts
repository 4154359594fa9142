import { type Field, MySqlFlag, Type } from "../proto/query.js";
import { BINARY_COLLATION_ID } from "./column-type.js";

/** One row of information_schema.COLUMNS, the columns the schema reader selects. */
export interface ColumnInfo {
  table: string;
  name: string;
  /** DATA_TYPE, e.g. "int", "varchar". */
  dataType: string;
  /** COLUMN_TYPE, e.g. "int(10) unsigned", "enum('a','b')". */
  columnType: string;
  nullable: boolean;
  /** COLUMN_KEY: "PRI", "UNI", "MUL" or "". */
  key: string;
  /** EXTRA, e.g. "auto_increment", "on update current_timestamp()". */
  extra: string;
  hasDefault: boolean;
  characterMaximumLength: number | null;
  numericPrecision: number | null;
  numericScale: number | null;
  datetimePrecision: number | null;
  /** The collation id (63 is binary); 0 for columns without one. */
  collationId: number;
}

/** The bit query.Type sets on integral types. */
const ISINTEGRAL = 0x100;

const INTEGER_TYPES: Readonly<Record<string, readonly [Type, Type]>> = {
  tinyint: [Type.INT8, Type.UINT8],
  smallint: [Type.INT16, Type.UINT16],
  mediumint: [Type.INT24, Type.UINT24],
  int: [Type.INT32, Type.UINT32],
  integer: [Type.INT32, Type.UINT32],
  bigint: [Type.INT64, Type.UINT64],
};

const OTHER_TYPES: Readonly<Record<string, Type>> = {
  float: Type.FLOAT32,
  double: Type.FLOAT64,
  real: Type.FLOAT64,
  decimal: Type.DECIMAL,
  numeric: Type.DECIMAL,
  date: Type.DATE,
  time: Type.TIME,
  datetime: Type.DATETIME,
  timestamp: Type.TIMESTAMP,
  year: Type.YEAR,
  char: Type.CHAR,
  varchar: Type.VARCHAR,
  binary: Type.BINARY,
  varbinary: Type.VARBINARY,
  tinytext: Type.TEXT,
  text: Type.TEXT,
  mediumtext: Type.TEXT,
  longtext: Type.TEXT,
  tinyblob: Type.BLOB,
  blob: Type.BLOB,
  mediumblob: Type.BLOB,
  longblob: Type.BLOB,
  bit: Type.BIT,
  enum: Type.ENUM,
  set: Type.SET,
  json: Type.JSON,
  vector: Type.VECTOR,
  geometry: Type.GEOMETRY,
  point: Type.GEOMETRY,
  linestring: Type.GEOMETRY,
  polygon: Type.GEOMETRY,
  multipoint: Type.GEOMETRY,
  multilinestring: Type.GEOMETRY,
  multipolygon: Type.GEOMETRY,
  geometrycollection: Type.GEOMETRY,
  // MariaDB's own types travel as text.
  uuid: Type.CHAR,
  inet4: Type.CHAR,
  inet6: Type.CHAR,
};

/** The Vitess query.Type of a column from its DATA_TYPE and COLUMN_TYPE (for the signedness of integers). */
export function columnQueryType(dataType: string, columnType: string): Type {
  const base = dataType.toLowerCase();
  const integer = INTEGER_TYPES[base];
  if (integer) return /\bunsigned\b/i.test(columnType) ? integer[1] : integer[0];
  return OTHER_TYPES[base] ?? Type.VARBINARY;
}

const NUMERIC = new Set([Type.DECIMAL, Type.FLOAT32, Type.FLOAT64, Type.YEAR]);
const BLOBS = new Set([Type.TEXT, Type.BLOB, Type.JSON, Type.GEOMETRY]);

/** The protocol flags a result field of this column would carry, as far as the catalog tells. */
export function columnFlags(column: ColumnInfo, type: Type): number {
  let flags = 0;
  if (!column.nullable) flags |= MySqlFlag.NOT_NULL_FLAG;
  if (column.key === "PRI") flags |= MySqlFlag.PRI_KEY_FLAG;
  if (column.key === "UNI") flags |= MySqlFlag.UNIQUE_KEY_FLAG;
  if (column.key === "MUL") flags |= MySqlFlag.MULTIPLE_KEY_FLAG;
  if (BLOBS.has(type)) flags |= MySqlFlag.BLOB_FLAG;
  if (/\bunsigned\b/i.test(column.columnType)) flags |= MySqlFlag.UNSIGNED_FLAG;
  if (/\bzerofill\b/i.test(column.columnType)) flags |= MySqlFlag.ZEROFILL_FLAG;
  if (column.collationId === BINARY_COLLATION_ID || type === Type.BINARY || type === Type.VARBINARY)
    flags |= MySqlFlag.BINARY_FLAG;
  if (type === Type.ENUM) flags |= MySqlFlag.ENUM_FLAG;
  if (type === Type.SET) flags |= MySqlFlag.SET_FLAG;
  if (/auto_increment/i.test(column.extra)) flags |= MySqlFlag.AUTO_INCREMENT_FLAG;
  if (/on update/i.test(column.extra)) flags |= MySqlFlag.ON_UPDATE_NOW_FLAG;
  if (type === Type.TIMESTAMP) flags |= MySqlFlag.TIMESTAMP_FLAG;
  if (!column.hasDefault && !column.nullable && !/auto_increment/i.test(column.extra))
    flags |= MySqlFlag.NO_DEFAULT_VALUE_FLAG;
  if (NUMERIC.has(type) || (type & ISINTEGRAL) !== 0) flags |= MySqlFlag.NUM_FLAG;
  return flags;
}

/** A query.Field describing `column` of `database`.`table`, built from the catalog. */
export function columnField(database: string, column: ColumnInfo): Field {
  const type = columnQueryType(column.dataType, column.columnType);
  return {
    name: column.name,
    type,
    table: column.table,
    orgTable: column.table,
    database,
    orgName: column.name,
    columnLength: column.characterMaximumLength ?? column.numericPrecision ?? column.datetimePrecision ?? 0,
    charset: column.collationId,
    decimals: column.numericScale ?? column.datetimePrecision ?? 0,
    flags: columnFlags(column, type),
    columnType: column.columnType,
  };
}
