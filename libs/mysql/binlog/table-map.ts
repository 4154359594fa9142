import { BINARY_COLLATION_ID, MysqlColumnType } from "../column-type.js";
import { type ColumnPlan, planColumns } from "./column-plan.js";
import { OptionalMetadata } from "./constants.js";
import { Cursor, corruptEvent } from "./cursor.js";

/** One column of a TABLE_MAP event, with what the optional metadata (binlog_row_metadata) says about it. */
export interface ColumnMeta {
  readonly index: number;
  /**
   * The binlog type code (MysqlColumnType). For columns binlogged as STRING it is the real type: ENUM, SET or
   * STRING (CHAR/BINARY).
   */
  readonly type: number;
  /** The raw per-column metadata (0..65535) as in the event; its meaning depends on `type`. */
  readonly metadata: number;
  readonly nullable: boolean;
  /** From COLUMN_NAME metadata (binlog_row_metadata=FULL); undefined without it. */
  readonly name: string | undefined;
  /** From SIGNEDNESS metadata; false without it (integers then decode as signed). */
  readonly unsigned: boolean;
  /** Collation id of a character column or ENUM/SET from the charset metadata; 63 means binary. */
  readonly collation: number | undefined;
  /** ENUM member names (FULL metadata), in definition order: value i+1 is enumValues[i]. */
  readonly enumValues: readonly string[] | undefined;
  /** SET member names (FULL metadata): bit i is setValues[i]. */
  readonly setValues: readonly string[] | undefined;
  /** GEOMETRY subtype (0 geometry, 1 point, 2 linestring, 3 polygon, 4 multipoint ...). */
  readonly geometryType: number | undefined;
  /** From COLUMN_VISIBILITY (MySQL invisible columns); true without it. */
  readonly visible: boolean;
}

export interface PrimaryKeyPart {
  readonly column: number;
  /** Prefix length in characters, 0 for the whole column. */
  readonly prefix: number;
}

/** A TABLE_MAP event: the table a following rows event with the same table id changes. */
export interface TableMap {
  readonly tableId: number;
  readonly flags: number;
  readonly database: string;
  readonly table: string;
  readonly columns: readonly ColumnMeta[];
  /** From SIMPLE_PRIMARY_KEY / PRIMARY_KEY_WITH_PREFIX metadata (FULL); undefined without it. */
  readonly primaryKey: readonly PrimaryKeyPart[] | undefined;
  /** How the rows decoder reads each column: derived from `columns` once per TABLE_MAP. */
  readonly plan: ColumnPlan;
}

/** Bytes of per-column metadata each binlog type carries in TABLE_MAP. */
function metadataLength(type: number): number {
  switch (type) {
    case MysqlColumnType.FLOAT:
    case MysqlColumnType.DOUBLE:
    case MysqlColumnType.BLOB:
    case MysqlColumnType.TINY_BLOB:
    case MysqlColumnType.MEDIUM_BLOB:
    case MysqlColumnType.LONG_BLOB:
    case MysqlColumnType.GEOMETRY:
    case MysqlColumnType.JSON:
    case MysqlColumnType.VECTOR:
    case MysqlColumnType.BLOB_COMPRESSED:
    case MysqlColumnType.TIME2:
    case MysqlColumnType.DATETIME2:
    case MysqlColumnType.TIMESTAMP2:
      return 1;
    case MysqlColumnType.VARCHAR:
    case MysqlColumnType.VAR_STRING:
    case MysqlColumnType.VARCHAR_COMPRESSED:
    case MysqlColumnType.BIT:
    case MysqlColumnType.NEWDECIMAL:
    case MysqlColumnType.SET:
    case MysqlColumnType.ENUM:
    case MysqlColumnType.STRING:
      return 2;
    default:
      return 0;
  }
}

/** Reads one column's metadata; two-byte values keep the byte order of the event (first byte high). */
function readColumnMetadata(cursor: Cursor, type: number): number {
  switch (metadataLength(type)) {
    case 1:
      return cursor.u8();
    case 2:
      if (
        type === MysqlColumnType.VARCHAR ||
        type === MysqlColumnType.VAR_STRING ||
        type === MysqlColumnType.VARCHAR_COMPRESSED
      ) {
        return cursor.u16();
      }
      return (cursor.u8() << 8) | cursor.u8();
    default:
      return 0;
  }
}

/** STRING columns hide ENUM/SET and long CHAR lengths in their metadata; returns the real type. */
export function realStringType(metadata: number): number {
  const byte0 = metadata >> 8;
  if ((byte0 & 0x30) !== 0x30) return byte0 | 0x30;
  return byte0;
}

/** The maximum byte length of a STRING (CHAR/BINARY) column from its metadata. */
export function stringMaxLength(metadata: number): number {
  const byte0 = metadata >> 8;
  const byte1 = metadata & 0xff;
  if ((byte0 & 0x30) !== 0x30) return byte1 | (((byte0 & 0x30) ^ 0x30) << 4);
  return byte1;
}

/**
 * Which columns the SIGNEDNESS bitmap covers. MariaDB counts YEAR (empirically, 10.11), MySQL does not.
 */
function isNumeric(type: number, mariadb: boolean): boolean {
  switch (type) {
    case MysqlColumnType.TINY:
    case MysqlColumnType.SHORT:
    case MysqlColumnType.INT24:
    case MysqlColumnType.LONG:
    case MysqlColumnType.LONGLONG:
    case MysqlColumnType.NEWDECIMAL:
    case MysqlColumnType.FLOAT:
    case MysqlColumnType.DOUBLE:
      return true;
    case MysqlColumnType.YEAR:
      return mariadb;
    default:
      return false;
  }
}

/** Which columns the charset metadata covers. MariaDB counts GEOMETRY (a BLOB underneath), MySQL does not. */
function isCharacter(type: number, mariadb: boolean): boolean {
  switch (type) {
    case MysqlColumnType.STRING:
    case MysqlColumnType.VAR_STRING:
    case MysqlColumnType.VARCHAR:
    case MysqlColumnType.BLOB:
    case MysqlColumnType.TINY_BLOB:
    case MysqlColumnType.MEDIUM_BLOB:
    case MysqlColumnType.LONG_BLOB:
    case MysqlColumnType.VARCHAR_COMPRESSED:
    case MysqlColumnType.BLOB_COMPRESSED:
      return true;
    case MysqlColumnType.GEOMETRY:
      return mariadb;
    default:
      return false;
  }
}

type MutableColumn = { -readonly [K in keyof ColumnMeta]: ColumnMeta[K] };

/**
 * Decodes a TABLE_MAP body (after the common header). `tableIdLength` is 6, or 4 for ancient servers;
 * `mariadb` says which server wrote it (the optional metadata counts columns slightly differently).
 */
export function decodeTableMap(
  buf: Buffer,
  start: number,
  end: number,
  tableIdLength: number,
  mariadb: boolean,
): TableMap {
  const cursor = new Cursor(buf, start, end);
  const tableId = tableIdLength === 6 ? cursor.u48() : cursor.u32();
  const flags = cursor.u16();
  const database = cursor.string(cursor.u8());
  cursor.skip(1);
  const table = cursor.string(cursor.u8());
  cursor.skip(1);
  const count = cursor.lenenc();
  const types = cursor.bytes(count);
  const metadataEnd = cursor.lenenc() + cursor.pos;
  const columns: MutableColumn[] = [];
  for (let i = 0; i < count; i++) {
    let type = types[i]!;
    const metadata = readColumnMetadata(cursor, type);
    if (type === MysqlColumnType.STRING) type = realStringType(metadata);
    columns.push({
      index: i,
      type,
      metadata,
      nullable: false,
      name: undefined,
      unsigned: false,
      collation: undefined,
      enumValues: undefined,
      setValues: undefined,
      geometryType: undefined,
      visible: true,
    });
  }
  if (cursor.pos !== metadataEnd) {
    throw corruptEvent(
      `TABLE_MAP of ${database}.${table}: column metadata ends at ${cursor.pos}, not ${metadataEnd}`,
    );
  }
  const nullBits = cursor.bytes((count + 7) >> 3);
  for (let i = 0; i < count; i++) columns[i]!.nullable = (nullBits[i >> 3]! & (1 << (i & 7))) !== 0;
  const primaryKey = cursor.remaining > 0 ? readOptionalMetadata(cursor, columns, mariadb) : undefined;
  return { tableId, flags, database, table, columns, primaryKey, plan: planColumns(columns) };
}

/** Reads the optional metadata TLVs into `columns`; returns the primary key if one was described. */
function readOptionalMetadata(
  cursor: Cursor,
  columns: MutableColumn[],
  mariadb: boolean,
): PrimaryKeyPart[] | undefined {
  const numeric = columns.filter((c) => isNumeric(c.type, mariadb));
  const character = columns.filter((c) => isCharacter(c.type, mariadb));
  const enumOrSet = columns.filter((c) => c.type === MysqlColumnType.ENUM || c.type === MysqlColumnType.SET);
  let primaryKey: PrimaryKeyPart[] | undefined;
  while (cursor.remaining > 0) {
    const fieldType = cursor.u8();
    const length = cursor.lenenc();
    const field = new Cursor(cursor.buf, cursor.pos, cursor.pos + length);
    cursor.skip(length);
    switch (fieldType) {
      case OptionalMetadata.SIGNEDNESS:
        for (let i = 0; i < numeric.length; i++) {
          numeric[i]!.unsigned = (field.buf[field.pos + (i >> 3)]! & (0x80 >> (i & 7))) !== 0;
        }
        break;
      case OptionalMetadata.DEFAULT_CHARSET:
        readDefaultCharset(field, character);
        break;
      case OptionalMetadata.COLUMN_CHARSET:
        for (const column of character) column.collation = field.lenenc();
        break;
      case OptionalMetadata.COLUMN_NAME:
        for (const column of columns) column.name = field.lenencString();
        break;
      case OptionalMetadata.SET_STR_VALUE:
        for (const column of enumOrSet)
          if (column.type === MysqlColumnType.SET) column.setValues = readStrings(field);
        break;
      case OptionalMetadata.ENUM_STR_VALUE:
        for (const column of enumOrSet)
          if (column.type === MysqlColumnType.ENUM) column.enumValues = readStrings(field);
        break;
      case OptionalMetadata.GEOMETRY_TYPE:
        for (const column of columns)
          if (column.type === MysqlColumnType.GEOMETRY) column.geometryType = field.lenenc();
        break;
      case OptionalMetadata.SIMPLE_PRIMARY_KEY:
        primaryKey = [];
        while (field.remaining > 0) primaryKey.push({ column: field.lenenc(), prefix: 0 });
        break;
      case OptionalMetadata.PRIMARY_KEY_WITH_PREFIX:
        primaryKey = [];
        while (field.remaining > 0) primaryKey.push({ column: field.lenenc(), prefix: field.lenenc() });
        break;
      case OptionalMetadata.ENUM_AND_SET_DEFAULT_CHARSET:
        readDefaultCharset(field, enumOrSet);
        break;
      case OptionalMetadata.ENUM_AND_SET_COLUMN_CHARSET:
        for (const column of enumOrSet) column.collation = field.lenenc();
        break;
      case OptionalMetadata.COLUMN_VISIBILITY:
        for (let i = 0; i < columns.length; i++) {
          columns[i]!.visible = (field.buf[field.pos + (i >> 3)]! & (0x80 >> (i & 7))) !== 0;
        }
        break;
      default:
        // A field from a newer server: skipped, its length told us where the next one starts.
        break;
    }
  }
  return primaryKey;
}

/** DEFAULT_CHARSET: the default collation, then (index among `subset`, collation) for the exceptions. */
function readDefaultCharset(field: Cursor, subset: MutableColumn[]): void {
  const defaultCollation = field.lenenc();
  for (const column of subset) column.collation = defaultCollation;
  while (field.remaining > 0) {
    const index = field.lenenc();
    const collation = field.lenenc();
    const column = subset[index];
    if (column === undefined)
      throw corruptEvent(`charset metadata names column ${index} of ${subset.length}`);
    column.collation = collation;
  }
}

function readStrings(field: Cursor): string[] {
  const count = field.lenenc();
  const values: string[] = [];
  for (let i = 0; i < count; i++) values.push(field.lenencString());
  return values;
}

/** True when the column holds bytes rather than text (binary collation, or no charset metadata for BLOB). */
export function isBinaryColumn(column: ColumnMeta): boolean {
  return column.collation === BINARY_COLLATION_ID;
}
