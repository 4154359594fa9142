import { describe, expect, it } from "vitest";
import { MySqlFlag, Type } from "../proto/query.js";
import { MysqlColumnType as T } from "./column-type.js";
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
const UTF8MB4 = 45;

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

  it("reports a column type Vitess has no type for as VARBINARY", () => {
    expect(fieldOf(column({ columnType: T.TYPED_ARRAY })).type).toBe(Type.VARBINARY);
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
