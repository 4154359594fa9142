import { describe, expect, it } from "vitest";
import { Code, isVtError } from "../vterrors/index.js";
import {
  ALTER_MAX_ROWS,
  maxRowsFor,
  OTHER_MAX_ROWS,
  parseSchemaChanges,
  sizeRuleText,
} from "./statements.js";

function refused(sql: string[]): { code: string; message: string } {
  try {
    parseSchemaChanges(sql);
  } catch (err) {
    expect(isVtError(err)).toBe(true);
    return { code: Code[(err as { code: Code }).code] as string, message: (err as Error).message };
  }
  throw new Error(`expected ${sql.join("; ")} to be refused`);
}

describe("parseSchemaChanges", () => {
  it("splits, parses and classifies the nine permitted kinds", () => {
    const changes = parseSchemaChanges([
      "create table t (id bigint, primary key (id)); create index i on t (id); create view v as select id from t",
      "alter table t add column c int",
      "alter view v as select id, c from t; rename table t to u; drop index i on u; drop view if exists v",
      "drop table if exists u",
    ]);
    expect(changes.map((c) => [c.name, c.kind, c.tables, c.conditional])).toEqual([
      ["CREATE TABLE", "create", ["t"], false],
      ["CREATE INDEX", "create", ["t"], false],
      ["CREATE VIEW", "create", ["v"], false],
      ["ALTER TABLE", "alter", ["t"], false],
      ["ALTER VIEW", "alter", ["v"], false],
      ["RENAME TABLE", "rename", ["t"], false],
      ["DROP INDEX", "drop", ["u"], false],
      ["DROP VIEW", "drop", ["v"], true],
      ["DROP TABLE", "drop", ["u"], true],
    ]);
    expect(changes[0]?.sql).toBe("create table t (id bigint, primary key (id))");
    expect(parseSchemaChanges(["create table if not exists t (id int)"])[0]?.conditional).toBe(true);
  });

  it("refuses every other kind of statement, naming it", () => {
    for (const [sql, kind] of [
      ["insert into t values (1)", "INSERT"],
      ["update t set a = 1", "UPDATE"],
      ["truncate table t", "TRUNCATE TABLE"],
      ["create database d", "CREATE DATABASE"],
      ["select 1", "SELECT"],
    ] as const) {
      const { code, message } = refused([`create table ok (id int); ${sql}`]);
      expect(code).toBe("INVALID_ARGUMENT");
      expect(message).toContain(`does not allow ${kind}`);
      expect(message).toContain(sql);
    }
  });

  it("refuses SQL that does not parse, naming the statement", () => {
    const { code, message } = refused(["create table t (id int; alter tabel t add c int"]);
    expect(code).toBe("INVALID_ARGUMENT");
    expect(message).toMatch(/cannot parse statement/);
  });

  it("refuses database-qualified names, renames into another database included", () => {
    expect(refused(["alter table vt_commerce.t add column c int"]).message).toContain(
      "database-qualified table names (vt_commerce.t)",
    );
    expect(refused(["rename table t to other.t"]).message).toContain("(other.t)");
    expect(refused(["drop table t, vt_commerce.u"]).message).toContain("(vt_commerce.u)");
  });

  it("refuses an empty change", () => {
    expect(refused(["", "  ;  ; -- nothing\n"]).message).toContain("no SQL statement given");
  });
});

describe("size rules", () => {
  it("leaves DROP unlimited, ALTER at 100,000 rows, the others at 2,000,000", () => {
    expect(maxRowsFor("drop")).toBeUndefined();
    expect(maxRowsFor("alter")).toBe(ALTER_MAX_ROWS);
    expect(maxRowsFor("create")).toBe(OTHER_MAX_ROWS);
    expect(maxRowsFor("rename")).toBe(OTHER_MAX_ROWS);
    expect(sizeRuleText("alter")).toBe(
      "ALTER statements are only allowed on tables with at most 100,000 rows",
    );
    expect(sizeRuleText("create")).toContain("at most 2,000,000 rows");
  });
});
