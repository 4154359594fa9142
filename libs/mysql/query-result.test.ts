import { describe, expect, it } from "vitest";
import { MySqlFlag, Type } from "../proto/query.js";
import { MysqlColumnType as T } from "./column-type.js";
import { mysqlColumnTypeOf, vitessTypeOf } from "./mysql-types.js";
import {
  type ColumnDefinition,
  fieldOf,
  IncludedFields,
  packRows,
  RowPacker,
  rowsAsStrings,
  rowsOf,
  unpackRow,
} from "./query-result.js";

const UNSIGNED = MySqlFlag.UNSIGNED_FLAG;
const BINARY = MySqlFlag.BINARY_FLAG;
const UTF8MB4 = 45;

describe("vitessTypeOf", () => {
  it("maps integer types, unsigned by flag", () => {
    expect(vitessTypeOf(T.TINY, 0)).toBe(Type.INT8);
    expect(vitessTypeOf(T.TINY, UNSIGNED)).toBe(Type.UINT8);
    expect(vitessTypeOf(T.SHORT, UNSIGNED)).toBe(Type.UINT16);
    expect(vitessTypeOf(T.INT24, 0)).toBe(Type.INT24);
    expect(vitessTypeOf(T.LONG, 0)).toBe(Type.INT32);
    expect(vitessTypeOf(T.LONGLONG, UNSIGNED)).toBe(Type.UINT64);
    expect(vitessTypeOf(T.YEAR, UNSIGNED)).toBe(Type.YEAR);
  });

  it("maps numbers, temporal types and the rest", () => {
    expect(vitessTypeOf(T.FLOAT, 0)).toBe(Type.FLOAT32);
    expect(vitessTypeOf(T.DOUBLE, 0)).toBe(Type.FLOAT64);
    expect(vitessTypeOf(T.NEWDECIMAL, 0)).toBe(Type.DECIMAL);
    expect(vitessTypeOf(T.DATETIME, BINARY, 63)).toBe(Type.DATETIME);
    expect(vitessTypeOf(T.TIMESTAMP, 0)).toBe(Type.TIMESTAMP);
    expect(vitessTypeOf(T.DATE, 0)).toBe(Type.DATE);
    expect(vitessTypeOf(T.TIME, 0)).toBe(Type.TIME);
    expect(vitessTypeOf(T.BIT, UNSIGNED)).toBe(Type.BIT);
    expect(vitessTypeOf(T.JSON, 0)).toBe(Type.JSON);
    expect(vitessTypeOf(T.GEOMETRY, BINARY, 63)).toBe(Type.GEOMETRY);
    expect(vitessTypeOf(T.NULL, 0)).toBe(Type.NULL_TYPE);
  });

  it("tells text from bytes by the binary flag and the binary collation", () => {
    expect(vitessTypeOf(T.VAR_STRING, 0, UTF8MB4)).toBe(Type.VARCHAR);
    expect(vitessTypeOf(T.VAR_STRING, BINARY, 63)).toBe(Type.VARBINARY);
    expect(vitessTypeOf(T.STRING, 0, UTF8MB4)).toBe(Type.CHAR);
    expect(vitessTypeOf(T.STRING, BINARY, 63)).toBe(Type.BINARY);
    expect(vitessTypeOf(T.BLOB, 0, UTF8MB4)).toBe(Type.TEXT);
    expect(vitessTypeOf(T.BLOB, BINARY, 63)).toBe(Type.BLOB);
    expect(vitessTypeOf(T.MEDIUM_BLOB, BINARY, 63)).toBe(Type.BLOB);
    // utf8mb4_bin sets BINARY_FLAG but is still text.
    expect(vitessTypeOf(T.VAR_STRING, BINARY, 46)).toBe(Type.VARCHAR);
    // Without a known collation the flag decides, as in Vitess.
    expect(vitessTypeOf(T.VAR_STRING, BINARY, 0)).toBe(Type.VARBINARY);
  });

  it("reports ENUM and SET columns (sent as CHAR with a flag) and MariaDB JSON", () => {
    expect(vitessTypeOf(T.STRING, MySqlFlag.ENUM_FLAG, UTF8MB4)).toBe(Type.ENUM);
    expect(vitessTypeOf(T.STRING, MySqlFlag.SET_FLAG, UTF8MB4)).toBe(Type.SET);
    expect(vitessTypeOf(T.LONG_BLOB, 0, UTF8MB4, "json")).toBe(Type.JSON);
  });

  it("maps back to a MySQL column type and flags", () => {
    expect(mysqlColumnTypeOf(Type.UINT32)).toEqual({ columnType: T.LONG, flags: UNSIGNED });
    expect(mysqlColumnTypeOf(Type.VARBINARY)).toEqual({ columnType: T.VAR_STRING, flags: BINARY });
    for (const type of [Type.INT8, Type.UINT64, Type.VARCHAR, Type.BLOB, Type.DATETIME, Type.DECIMAL]) {
      const { columnType, flags } = mysqlColumnTypeOf(type);
      expect(vitessTypeOf(columnType, flags)).toBe(type);
    }
  });
});

function column(overrides: Partial<ColumnDefinition>): ColumnDefinition {
  return {
    name: "c",
    columnType: T.LONG,
    flags: 0,
    characterSet: 63,
    columnLength: 11,
    decimals: 0,
    table: "t",
    orgTable: "t_org",
    schema: "vt_commerce",
    orgName: "c_org",
    ...overrides,
  };
}

describe("fieldOf", () => {
  it("fills every attribute for ALL, adding NUM_FLAG to numeric columns", () => {
    const field = fieldOf(column({ flags: MySqlFlag.NOT_NULL_FLAG | UNSIGNED }));
    expect(field).toEqual({
      name: "c",
      type: Type.UINT32,
      table: "t",
      orgTable: "t_org",
      database: "vt_commerce",
      orgName: "c_org",
      columnLength: 11,
      charset: 63,
      decimals: 0,
      flags: MySqlFlag.NOT_NULL_FLAG | UNSIGNED | MySqlFlag.NUM_FLAG,
      columnType: "",
    });
  });

  it("keeps only type and name, or only type, when asked", () => {
    const nameOnly = fieldOf(
      column({ columnType: T.VAR_STRING, characterSet: UTF8MB4 }),
      IncludedFields.TYPE_AND_NAME,
    );
    expect(nameOnly).toMatchObject({ name: "c", type: Type.VARCHAR, table: "", charset: 0, flags: 0 });
    const typeOnly = fieldOf(column({}), IncludedFields.TYPE_ONLY);
    expect(typeOnly).toMatchObject({ name: "", type: Type.INT32 });
  });

  it("keeps a column length above 2^31", () => {
    expect(fieldOf(column({ columnType: T.LONG_BLOB, columnLength: -1 })).columnLength).toBe(4294967295);
  });
});

describe("packed rows", () => {
  const b = (text: string) => Buffer.from(text);

  it("packs lengths (-1 for NULL) and concatenated values, and unpacks them byte for byte", () => {
    const binary = Buffer.from([0x00, 0xff, 0x80, 0x27]);
    const rows = packRows([
      [b("1"), null, b("héllo"), b("")],
      [b("22"), binary, null, b("x")],
    ]);
    expect(rows[0]?.lengths).toEqual([1, -1, 6, 0]);
    expect(rows[0]?.values.toString()).toBe("1héllo");
    expect(rows[1]?.lengths).toEqual([2, 4, -1, 1]);
    expect(unpackRow(rows[1] as (typeof rows)[0])).toEqual([b("22"), binary, null, b("x")]);
  });

  it("round-trips through QueryResult helpers", () => {
    const result = {
      fields: [],
      rowsAffected: 0,
      insertId: "0",
      rows: packRows([
        [b("a"), null],
        [null, b("")],
      ]),
      info: "",
      sessionStateChanges: "",
      insertIdChanged: false,
    };
    expect(rowsOf(result)).toEqual([
      [b("a"), null],
      [null, b("")],
    ]);
    expect(rowsAsStrings(result)).toEqual([
      ["a", null],
      [null, ""],
    ]);
  });

  it("shares one buffer per batch and starts afresh after take", () => {
    const packer = new RowPacker();
    packer.add([b("ab"), b("c")]);
    packer.add([b("def")]);
    expect(packer.rowCount).toBe(2);
    expect(packer.byteSize).toBe(6);
    const rows = packer.take();
    expect(rows[0]?.values.buffer).toBe(rows[1]?.values.buffer);
    expect(rows.map((row) => row.values.toString())).toEqual(["abc", "def"]);
    expect(packer.rowCount).toBe(0);
    expect(packer.byteSize).toBe(0);
    packer.add([null]);
    expect(packer.take()).toEqual([{ lengths: [-1], values: Buffer.alloc(0) }]);
  });

  it("packs rows without values and the empty batch", () => {
    expect(packRows([])).toEqual([]);
    expect(packRows([[]])).toEqual([{ lengths: [], values: Buffer.alloc(0) }]);
  });
});
