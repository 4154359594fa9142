import { describe, expect, it } from "vitest";
import { MySqlFlag, Type } from "../proto/query.js";
import type { TableDefinition } from "../proto/tabletmanagerdata.js";
import { filterTables, normalizeCreateTable, tableMatcher } from "./schema.js";
import { type ColumnInfo, columnField, columnQueryType } from "./schema-columns.js";

function table(name: string, type = "BASE TABLE"): TableDefinition {
  return {
    name,
    type,
    schema: "",
    columns: [],
    primaryKeyColumns: [],
    dataLength: 0,
    rowCount: 0,
    fields: [],
  };
}

describe("table filters", () => {
  it("match exact names and /regexps/ anywhere in the name, as Vitess", () => {
    const match = tableMatcher(["customer", "/^corder/", "/_seq$/"]);
    expect(match("customer")).toBe(true);
    expect(match("customers")).toBe(false);
    expect(match("corder_2")).toBe(true);
    expect(match("order_seq")).toBe(true);
    expect(() => tableMatcher(["/(/"])).toThrow(/invalid table regexp \/\(\//);
  });

  it("apply tables, then exclusions, and drop views unless asked", () => {
    const tables = [table("customer"), table("corder"), table("product"), table("v_customer", "VIEW")];
    expect(filterTables(tables, {}).map((t) => t.name)).toEqual(["customer", "corder", "product"]);
    expect(filterTables(tables, { includeViews: true }).map((t) => t.name)).toHaveLength(4);
    expect(filterTables(tables, { tables: ["/^c/"], excludeTables: ["corder"] }).map((t) => t.name)).toEqual([
      "customer",
    ]);
  });
});

it("drops the AUTO_INCREMENT counter from CREATE TABLE", () => {
  expect(
    normalizeCreateTable(
      "CREATE TABLE `t` (\n  `id` int\n) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4",
    ),
  ).toBe("CREATE TABLE `t` (\n  `id` int\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
});

describe("column types", () => {
  it("map catalog types to query types", () => {
    expect(columnQueryType("bigint", "bigint(20)")).toBe(Type.INT64);
    expect(columnQueryType("bigint", "bigint(20) unsigned")).toBe(Type.UINT64);
    expect(columnQueryType("varchar", "varchar(128)")).toBe(Type.VARCHAR);
    expect(columnQueryType("longtext", "longtext")).toBe(Type.TEXT);
    expect(columnQueryType("varbinary", "varbinary(16)")).toBe(Type.VARBINARY);
    expect(columnQueryType("decimal", "decimal(10,2)")).toBe(Type.DECIMAL);
    expect(columnQueryType("enum", "enum('a','b')")).toBe(Type.ENUM);
    expect(columnQueryType("datetime", "datetime")).toBe(Type.DATETIME);
  });

  it("build fields with flags from the catalog", () => {
    const column: ColumnInfo = {
      table: "customer",
      name: "customer_id",
      dataType: "bigint",
      columnType: "bigint(20) unsigned",
      nullable: false,
      key: "PRI",
      extra: "auto_increment",
      hasDefault: false,
      characterMaximumLength: null,
      numericPrecision: 20,
      numericScale: 0,
      datetimePrecision: null,
      collationId: 0,
    };
    const field = columnField("vt_commerce", column);
    expect(field.type).toBe(Type.UINT64);
    expect(field.database).toBe("vt_commerce");
    expect(field.columnType).toBe("bigint(20) unsigned");
    for (const flag of [
      MySqlFlag.NOT_NULL_FLAG,
      MySqlFlag.PRI_KEY_FLAG,
      MySqlFlag.UNSIGNED_FLAG,
      MySqlFlag.AUTO_INCREMENT_FLAG,
      MySqlFlag.NUM_FLAG,
    ]) {
      expect(field.flags & flag).toBe(flag);
    }
    expect(field.flags & MySqlFlag.NO_DEFAULT_VALUE_FLAG).toBe(0);
  });
});
