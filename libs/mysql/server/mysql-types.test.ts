import { describe, expect, it } from "vitest";
import { MySqlFlag, Type } from "../../proto/query.js";
import { MysqlColumnType } from "../column-type.js";
import { defaultCollation, mysqlToType, typeToMysql } from "./mysql-types.js";

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
      mysqlType: MysqlColumnType.LONGLONG,
      flags: MySqlFlag.UNSIGNED_FLAG,
    });
    expect(typeToMysql(Type.VARBINARY)).toEqual({
      mysqlType: MysqlColumnType.VAR_STRING,
      flags: MySqlFlag.BINARY_FLAG,
    });
    expect(typeToMysql(Type.DECIMAL).mysqlType).toBe(MysqlColumnType.NEWDECIMAL);
    expect(typeToMysql(Type.ENUM)).toEqual({ mysqlType: MysqlColumnType.STRING, flags: MySqlFlag.ENUM_FLAG });
    expect(typeToMysql(Type.TEXT).mysqlType).toBe(MysqlColumnType.BLOB);
    expect(typeToMysql(Type.TUPLE)).toEqual({
      mysqlType: MysqlColumnType.VAR_STRING,
      flags: MySqlFlag.BINARY_FLAG,
    });
  });

  it("reads the types MySQL servers send", () => {
    expect(mysqlToType(MysqlColumnType.DECIMAL)).toBe(Type.DECIMAL);
    expect(mysqlToType(MysqlColumnType.VARCHAR)).toBe(Type.VARCHAR);
    expect(mysqlToType(MysqlColumnType.MEDIUM_BLOB, MySqlFlag.BINARY_FLAG)).toBe(Type.BLOB);
    expect(mysqlToType(MysqlColumnType.LONG_BLOB)).toBe(Type.TEXT);
    expect(mysqlToType(MysqlColumnType.ENUM)).toBe(Type.ENUM);
    expect(mysqlToType(MysqlColumnType.DATETIME2)).toBe(Type.DATETIME);
    expect(mysqlToType(MysqlColumnType.LONG, MySqlFlag.UNSIGNED_FLAG | MySqlFlag.NOT_NULL_FLAG)).toBe(
      Type.UINT32,
    );
    expect(mysqlToType(200)).toBe(Type.UNRECOGNIZED);
  });

  it("defaults the collation by kind: utf8mb4 for text, binary for the rest", () => {
    expect(defaultCollation(Type.VARCHAR)).toBe(45);
    expect(defaultCollation(Type.JSON)).toBe(45);
    expect(defaultCollation(Type.VARBINARY)).toBe(63);
    expect(defaultCollation(Type.INT64)).toBe(63);
  });
});
