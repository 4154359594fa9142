import { describe, expect, it } from "vitest";
import type { SchemaDefinition, TableDefinition } from "../proto/tabletmanagerdata.js";
import { changedTables, diffSchema } from "./schema-diff.js";

const table = (
  name: string,
  schema = `CREATE TABLE \`${name}\` (id int)`,
  type = "BASE TABLE",
): TableDefinition => ({
  name,
  schema,
  columns: [],
  primaryKeyColumns: [],
  type,
  dataLength: 0,
  rowCount: 0,
  fields: [],
});
const schema = (...tables: TableDefinition[]): SchemaDefinition => ({
  databaseSchema: "CREATE DATABASE `{{.DatabaseName}}`",
  tableDefinitions: tables,
});

describe("diffSchema", () => {
  it("finds nothing between equal schemas, whatever the order", () => {
    expect(diffSchema("a", schema(table("x"), table("y")), "b", schema(table("y"), table("x")))).toEqual([]);
  });

  it("names the tablet with an extra table, and the one that lacks it", () => {
    expect(
      diffSchema("zone1-0000000100", schema(table("a")), "zone1-0000000101", schema(table("a"), table("b"))),
    ).toEqual(["zone1-0000000101 has an extra table named b"]);
    expect(
      diffSchema(
        "zone1-0000000100",
        schema(table("a"), table("v", "CREATE VIEW v", "VIEW")),
        "zone1-0000000101",
        schema(table("a")),
      ),
    ).toEqual(["zone1-0000000100 has an extra view named v (missing on zone1-0000000101)"]);
  });

  it("shows both definitions of a table that differs, and a type that differs", () => {
    const diffs = diffSchema(
      "p",
      schema(table("t", "CREATE TABLE `t` (id int)")),
      "r",
      schema(table("t", "CREATE TABLE `t` (id int, c int)", "VIEW")),
    );
    expect(diffs).toEqual([
      "p and r disagree on schema for table t:\nCREATE TABLE `t` (id int)\n differs from:\nCREATE TABLE `t` (id int, c int)",
      "p and r disagree on table type for table t:\nBASE TABLE\n differs from:\nVIEW",
    ]);
  });

  it("compares the database statement", () => {
    const other = { ...schema(), databaseSchema: "CREATE DATABASE `{{.DatabaseName}}` CHARSET latin1" };
    expect(diffSchema("a", schema(), "b", other)[0]).toMatch(
      /^a and b don't agree on database creation command/,
    );
  });
});

describe("changedTables", () => {
  it("lists created, dropped and altered tables", () => {
    const before = schema(table("keep"), table("gone"), table("alter"));
    const after = schema(table("keep"), table("alter", "CREATE TABLE `alter` (id int, c int)"), table("new"));
    expect(changedTables(before, after)).toEqual(["alter", "gone", "new"]);
    expect(changedTables(before, before)).toEqual([]);
  });
});
