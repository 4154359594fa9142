/** How the rows decoder reads each column of a table: derived once per TABLE_MAP. */
import { BINARY_COLLATION_ID, MysqlColumnType } from "../column-type.js";
import { decimalBinarySize } from "./decimal.js";
import type { ColumnMeta } from "./table-map.js";
import { stringMaxLength } from "./table-map.js";

/** How the decoder reads a column; chosen once per TABLE_MAP. */
export const ValueKind = {
  NONE: 0,
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT24: 5,
  UINT24: 6,
  INT32: 7,
  UINT32: 8,
  INT64: 9,
  UINT64: 10,
  FLOAT: 11,
  DOUBLE: 12,
  DECIMAL: 13,
  DATE: 14,
  TIME: 15,
  TIME2: 16,
  DATETIME: 17,
  DATETIME2: 18,
  TIMESTAMP: 19,
  TIMESTAMP2: 20,
  YEAR: 21,
  VARCHAR: 22,
  CHAR: 23,
  BLOB: 24,
  JSON: 25,
  ENUM: 26,
  SET: 27,
  BIT: 28,
  VARCHAR_COMPRESSED: 29,
  BLOB_COMPRESSED: 30,
  UNSUPPORTED: 31,
} as const;

/** Per-column decoding parameters, in flat arrays for the hot loop. */
export interface ColumnPlan {
  readonly kinds: Uint8Array;
  /** Length-prefix bytes, fsp, pack length, precision or byte count, by kind. */
  readonly param1: Int32Array;
  /** Scale (DECIMAL), pad length (BINARY), binary size (DECIMAL). */
  readonly param2: Int32Array;
  readonly param3: Int32Array;
  /** ENUM/SET member names as bytes, when the metadata has them. */
  readonly names: readonly (readonly Buffer[] | undefined)[];
}

export function planColumns(columns: readonly ColumnMeta[]): ColumnPlan {
  const n = columns.length;
  const kinds = new Uint8Array(n);
  const param1 = new Int32Array(n);
  const param2 = new Int32Array(n);
  const param3 = new Int32Array(n);
  const names: (Buffer[] | undefined)[] = new Array(n).fill(undefined);
  for (let i = 0; i < n; i++) {
    const column = columns[i]!;
    const meta = column.metadata;
    const u = column.unsigned;
    switch (column.type) {
      case MysqlColumnType.TINY:
        kinds[i] = u ? ValueKind.UINT8 : ValueKind.INT8;
        break;
      case MysqlColumnType.SHORT:
        kinds[i] = u ? ValueKind.UINT16 : ValueKind.INT16;
        break;
      case MysqlColumnType.INT24:
        kinds[i] = u ? ValueKind.UINT24 : ValueKind.INT24;
        break;
      case MysqlColumnType.LONG:
        kinds[i] = u ? ValueKind.UINT32 : ValueKind.INT32;
        break;
      case MysqlColumnType.LONGLONG:
        kinds[i] = u ? ValueKind.UINT64 : ValueKind.INT64;
        break;
      case MysqlColumnType.FLOAT:
        kinds[i] = ValueKind.FLOAT;
        break;
      case MysqlColumnType.DOUBLE:
        kinds[i] = ValueKind.DOUBLE;
        break;
      case MysqlColumnType.NEWDECIMAL:
        kinds[i] = ValueKind.DECIMAL;
        param1[i] = meta >> 8;
        param2[i] = meta & 0xff;
        param3[i] = decimalBinarySize(meta >> 8, meta & 0xff);
        break;
      case MysqlColumnType.DATE:
      case MysqlColumnType.NEWDATE:
        kinds[i] = ValueKind.DATE;
        break;
      case MysqlColumnType.TIME:
        kinds[i] = ValueKind.TIME;
        break;
      case MysqlColumnType.TIME2:
        kinds[i] = ValueKind.TIME2;
        param1[i] = meta;
        break;
      case MysqlColumnType.DATETIME:
        kinds[i] = ValueKind.DATETIME;
        break;
      case MysqlColumnType.DATETIME2:
        kinds[i] = ValueKind.DATETIME2;
        param1[i] = meta;
        break;
      case MysqlColumnType.TIMESTAMP:
        kinds[i] = ValueKind.TIMESTAMP;
        break;
      case MysqlColumnType.TIMESTAMP2:
        kinds[i] = ValueKind.TIMESTAMP2;
        param1[i] = meta;
        break;
      case MysqlColumnType.YEAR:
        kinds[i] = ValueKind.YEAR;
        break;
      case MysqlColumnType.VARCHAR:
      case MysqlColumnType.VAR_STRING:
        kinds[i] = ValueKind.VARCHAR;
        param1[i] = meta > 255 ? 2 : 1;
        break;
      case MysqlColumnType.VARCHAR_COMPRESSED:
        kinds[i] = ValueKind.VARCHAR_COMPRESSED;
        param1[i] = meta > 255 ? 2 : 1;
        break;
      case MysqlColumnType.STRING: {
        const max = stringMaxLength(meta);
        kinds[i] = ValueKind.CHAR;
        param1[i] = max > 255 ? 2 : 1;
        param2[i] = column.collation === BINARY_COLLATION_ID ? max : 0;
        break;
      }
      case MysqlColumnType.BLOB:
      case MysqlColumnType.TINY_BLOB:
      case MysqlColumnType.MEDIUM_BLOB:
      case MysqlColumnType.LONG_BLOB:
      case MysqlColumnType.GEOMETRY:
      case MysqlColumnType.VECTOR:
        kinds[i] = ValueKind.BLOB;
        param1[i] = meta;
        break;
      case MysqlColumnType.BLOB_COMPRESSED:
        kinds[i] = ValueKind.BLOB_COMPRESSED;
        param1[i] = meta;
        break;
      case MysqlColumnType.JSON:
        kinds[i] = ValueKind.JSON;
        param1[i] = meta;
        break;
      case MysqlColumnType.ENUM:
      case MysqlColumnType.SET: {
        const isEnum = column.type === MysqlColumnType.ENUM;
        kinds[i] = isEnum ? ValueKind.ENUM : ValueKind.SET;
        param1[i] = meta & 0xff;
        const members = isEnum ? column.enumValues : column.setValues;
        if (members !== undefined) {
          const bytes = members.map((name) => Buffer.from(name, "utf8"));
          names[i] = bytes;
          const longest = bytes.reduce((max, b) => Math.max(max, b.length), 0);
          param2[i] = isEnum ? longest : bytes.reduce((sum, b) => sum + b.length + 1, 0);
        }
        break;
      }
      case MysqlColumnType.BIT:
        kinds[i] = ValueKind.BIT;
        param1[i] = (meta & 0xff) + (meta >> 8 > 0 ? 1 : 0);
        break;
      case MysqlColumnType.NULL:
        kinds[i] = ValueKind.NONE;
        break;
      default:
        kinds[i] = ValueKind.UNSUPPORTED;
        param1[i] = column.type;
    }
  }
  return { kinds, param1, param2, param3, names };
}
