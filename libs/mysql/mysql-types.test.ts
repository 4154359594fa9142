import { describe, expect, it } from "vitest";
import { MySqlFlag, Type } from "../proto/query.js";
import { MysqlColumnType as T } from "./column-type.js";
import { defaultCollation, mysqlToType, typeToMysql } from "./mysql-types.js";

const UNSIGNED = MySqlFlag.UNSIGNED_FLAG;
const BINARY = MySqlFlag.BINARY_FLAG;
const UTF8MB4 = 45;

const COLUMN_TYPES = [
  Type.NULL_TYPE,
  Type.INT8,
  Type.UINT8,
  Type.INT16,
  Type.UINT16,
  Type.INT24,
  Type.UINT24,
  Type.INT32,
  Type.UINT32,
  Type.INT64,
  Type.UINT64,
  Type.FLOAT32,
  Type.FLOAT64,
  Type.TIMESTAMP,
  Type.DATE,
  Type.TIME,
  Type.DATETIME,
  Type.YEAR,
  Type.DECIMAL,
  Type.TEXT,
  Type.BLOB,
  Type.VARCHAR,
  Type.VARBINARY,
  Type.CHAR,
  Type.BINARY,
  Type.BIT,
  Type.ENUM,
  Type.SET,
  Type.GEOMETRY,
  Type.JSON,
  Type.VECTOR,
];

describe("query.Type <-> MySQL column type", () => {
  it("maps every column type to MySQL and back to itself", () => {
    for (const type of COLUMN_TYPES) {
      const { mysqlType, flags } = typeToMysql(type);
      expect(mysqlToType(mysqlType, flags), Type[type]).toBe(type);
    }
  });

  it("uses Vitess's MySQL codes and flags", () => {
    expect(typeToMysql(Type.UINT64)).toEqual({
      mysqlType: T.LONGLONG,
      flags: MySqlFlag.UNSIGNED_FLAG,
    });
    expect(typeToMysql(Type.VARBINARY)).toEqual({
      mysqlType: T.VAR_STRING,
      flags: MySqlFlag.BINARY_FLAG,
    });
    expect(typeToMysql(Type.DECIMAL).mysqlType).toBe(T.NEWDECIMAL);
    expect(typeToMysql(Type.ENUM)).toEqual({ mysqlType: T.STRING, flags: MySqlFlag.ENUM_FLAG });
    expect(typeToMysql(Type.TEXT).mysqlType).toBe(T.BLOB);
    expect(typeToMysql(Type.TUPLE)).toEqual({
      mysqlType: T.VAR_STRING,
      flags: MySqlFlag.BINARY_FLAG,
    });
  });

  it("reads the types MySQL servers send", () => {
    expect(mysqlToType(T.DECIMAL)).toBe(Type.DECIMAL);
    expect(mysqlToType(T.VARCHAR)).toBe(Type.VARCHAR);
    expect(mysqlToType(T.MEDIUM_BLOB, MySqlFlag.BINARY_FLAG)).toBe(Type.BLOB);
    expect(mysqlToType(T.LONG_BLOB)).toBe(Type.TEXT);
    expect(mysqlToType(T.ENUM)).toBe(Type.ENUM);
    expect(mysqlToType(T.DATETIME2)).toBe(Type.DATETIME);
    expect(mysqlToType(T.LONG, MySqlFlag.UNSIGNED_FLAG | MySqlFlag.NOT_NULL_FLAG)).toBe(Type.UINT32);
    expect(mysqlToType(200)).toBe(Type.UNRECOGNIZED);
  });

  it("defaults the collation by kind: utf8mb4 for text, binary for the rest", () => {
    expect(defaultCollation(Type.VARCHAR)).toBe(45);
    expect(defaultCollation(Type.JSON)).toBe(45);
    expect(defaultCollation(Type.VARBINARY)).toBe(63);
    expect(defaultCollation(Type.INT64)).toBe(63);
  });
});

describe("mysqlToType with collations (result columns)", () => {
  it("maps integer types, unsigned by flag", () => {
    expect(mysqlToType(T.TINY, 0)).toBe(Type.INT8);
    expect(mysqlToType(T.TINY, UNSIGNED)).toBe(Type.UINT8);
    expect(mysqlToType(T.SHORT, UNSIGNED)).toBe(Type.UINT16);
    expect(mysqlToType(T.INT24, 0)).toBe(Type.INT24);
    expect(mysqlToType(T.LONG, 0)).toBe(Type.INT32);
    expect(mysqlToType(T.LONGLONG, UNSIGNED)).toBe(Type.UINT64);
    expect(mysqlToType(T.YEAR, UNSIGNED)).toBe(Type.YEAR);
  });

  it("maps numbers, temporal types and the rest", () => {
    expect(mysqlToType(T.FLOAT, 0)).toBe(Type.FLOAT32);
    expect(mysqlToType(T.DOUBLE, 0)).toBe(Type.FLOAT64);
    expect(mysqlToType(T.NEWDECIMAL, 0)).toBe(Type.DECIMAL);
    expect(mysqlToType(T.DATETIME, BINARY, 63)).toBe(Type.DATETIME);
    expect(mysqlToType(T.TIMESTAMP, 0)).toBe(Type.TIMESTAMP);
    expect(mysqlToType(T.DATE, 0)).toBe(Type.DATE);
    expect(mysqlToType(T.TIME, 0)).toBe(Type.TIME);
    expect(mysqlToType(T.BIT, UNSIGNED)).toBe(Type.BIT);
    expect(mysqlToType(T.JSON, 0)).toBe(Type.JSON);
    expect(mysqlToType(T.GEOMETRY, BINARY, 63)).toBe(Type.GEOMETRY);
    expect(mysqlToType(T.NULL, 0)).toBe(Type.NULL_TYPE);
  });

  it("tells text from bytes by the binary flag and the binary collation", () => {
    expect(mysqlToType(T.VAR_STRING, 0, UTF8MB4)).toBe(Type.VARCHAR);
    expect(mysqlToType(T.VAR_STRING, BINARY, 63)).toBe(Type.VARBINARY);
    expect(mysqlToType(T.STRING, 0, UTF8MB4)).toBe(Type.CHAR);
    expect(mysqlToType(T.STRING, BINARY, 63)).toBe(Type.BINARY);
    expect(mysqlToType(T.BLOB, 0, UTF8MB4)).toBe(Type.TEXT);
    expect(mysqlToType(T.BLOB, BINARY, 63)).toBe(Type.BLOB);
    expect(mysqlToType(T.MEDIUM_BLOB, BINARY, 63)).toBe(Type.BLOB);
    // utf8mb4_bin sets BINARY_FLAG but is still text.
    expect(mysqlToType(T.VAR_STRING, BINARY, 46)).toBe(Type.VARCHAR);
    // Without a known collation the flag decides, as in Vitess.
    expect(mysqlToType(T.VAR_STRING, BINARY, 0)).toBe(Type.VARBINARY);
  });

  it("reports ENUM and SET columns (sent as CHAR with a flag) and MariaDB JSON", () => {
    expect(mysqlToType(T.STRING, MySqlFlag.ENUM_FLAG, UTF8MB4)).toBe(Type.ENUM);
    expect(mysqlToType(T.STRING, MySqlFlag.SET_FLAG, UTF8MB4)).toBe(Type.SET);
    expect(mysqlToType(T.LONG_BLOB, 0, UTF8MB4, "json")).toBe(Type.JSON);
    // As in Vitess, a binary CHAR is BINARY whatever its ENUM/SET flags say.
    expect(mysqlToType(T.STRING, MySqlFlag.ENUM_FLAG | BINARY)).toBe(Type.BINARY);
  });

  it("maps back to a MySQL column type and flags", () => {
    expect(typeToMysql(Type.UINT32)).toEqual({ mysqlType: T.LONG, flags: UNSIGNED });
    expect(typeToMysql(Type.VARBINARY)).toEqual({ mysqlType: T.VAR_STRING, flags: BINARY });
    for (const type of [Type.INT8, Type.UINT64, Type.VARCHAR, Type.BLOB, Type.DATETIME, Type.DECIMAL]) {
      const { mysqlType, flags } = typeToMysql(type);
      expect(mysqlToType(mysqlType, flags)).toBe(type);
    }
  });
});
