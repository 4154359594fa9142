import { describe, expect, it } from "vitest";
import { Code, isVtError } from "../vterrors/index.js";
import {
  classifyForApplySchema,
  isDatabaseDDL,
  isDDL,
  isDML,
  isSelect,
  isTransactionControl,
  parseApplySchemaSql,
  statementName,
} from "./classify.js";
import { directiveIsSet, parseDirectives } from "./directives.js";
import { parse } from "./parser.js";
import { splitMarginComments, splitStatements } from "./split.js";
import { parseTarget } from "./target.js";

const NAMES: readonly (readonly [string, string])[] = [
  ["select 1", "SELECT"],
  ["select 1 union select 2", "SELECT"],
  ["insert into t values (1)", "INSERT"],
  ["replace into t values (1)", "REPLACE"],
  ["update t set a = 1", "UPDATE"],
  ["delete from t", "DELETE"],
  ["set autocommit = 1", "SET"],
  ["set transaction read only", "SET TRANSACTION"],
  ["use ks", "USE"],
  ["begin", "BEGIN"],
  ["start transaction", "BEGIN"],
  ["commit", "COMMIT"],
  ["rollback", "ROLLBACK"],
  ["rollback to s", "ROLLBACK TO SAVEPOINT"],
  ["savepoint s", "SAVEPOINT"],
  ["release savepoint s", "RELEASE SAVEPOINT"],
  ["show vitess_tablets", "SHOW VITESS_TABLETS"],
  ["show full tables", "SHOW TABLES"],
  ["explain select 1", "EXPLAIN"],
  ["vexplain select 1", "VEXPLAIN"],
  ["create table t (a int)", "CREATE TABLE"],
  ["create index i on t (a)", "CREATE INDEX"],
  ["create view v as select 1", "CREATE VIEW"],
  ["alter view v as select 1", "ALTER VIEW"],
  ["alter table t add column b int", "ALTER TABLE"],
  ["rename table a to b", "RENAME TABLE"],
  ["drop table t", "DROP TABLE"],
  ["drop index i on t", "DROP INDEX"],
  ["drop view v", "DROP VIEW"],
  ["truncate table t", "TRUNCATE TABLE"],
  ["create database d", "CREATE DATABASE"],
  ["drop database d", "DROP DATABASE"],
  ["create procedure p() select 1", "CREATE PROCEDURE"],
  ["grant all on *.* to u", "GRANT ALL"],
  ["lock tables t read", "LOCK TABLES"],
];

describe("statementName", () => {
  it.each(NAMES.map((c) => [c[0], c] as const))("%s", (_name, [sql, name]) => {
    expect(statementName(parse(sql))).toBe(name);
  });
});

describe("kind predicates", () => {
  it("tells selects, DML, DDL, database DDL and transaction control apart", () => {
    const kinds = (sql: string) => {
      const s = parse(sql);
      return [isSelect(s), isDML(s), isDDL(s), isDatabaseDDL(s), isTransactionControl(s)];
    };
    expect(kinds("select 1 union select 2")).toEqual([true, false, false, false, false]);
    expect(kinds("insert into t values (1)")).toEqual([false, true, false, false, false]);
    expect(kinds("delete from t")).toEqual([false, true, false, false, false]);
    expect(kinds("alter table t add column a int")).toEqual([false, false, true, false, false]);
    expect(kinds("truncate t")).toEqual([false, false, true, false, false]);
    expect(kinds("create trigger tr before insert on t for each row set new.a = 1")).toEqual([
      false,
      false,
      true,
      false,
      false,
    ]);
    expect(kinds("create database d")).toEqual([false, false, false, true, false]);
    expect(kinds("rollback")).toEqual([false, false, false, false, true]);
    expect(kinds("show tables")).toEqual([false, false, false, false, false]);
  });
});

describe("ApplySchema classification", () => {
  it("permits the table and view DDL of seed 003 and says how the size rules see it", () => {
    expect(classifyForApplySchema(parse("create table t (a int)"))).toMatchObject({
      allowed: true,
      change: "create",
    });
    expect(classifyForApplySchema(parse("create index i on t (a)"))).toMatchObject({
      change: "create",
      tables: [{ name: "t" }],
    });
    expect(classifyForApplySchema(parse("create view v as select 1"))).toMatchObject({ change: "create" });
    expect(classifyForApplySchema(parse("alter table t add column a int"))).toMatchObject({
      change: "alter",
      tables: [{ name: "t" }],
    });
    expect(classifyForApplySchema(parse("alter view v as select 1"))).toMatchObject({ change: "alter" });
    expect(classifyForApplySchema(parse("rename table a to b"))).toMatchObject({
      change: "rename",
      tables: [{ name: "a" }],
    });
    expect(classifyForApplySchema(parse("drop table a, b"))).toMatchObject({
      change: "drop",
      tables: [{ name: "a" }, { name: "b" }],
    });
    expect(classifyForApplySchema(parse("drop index i on t"))).toMatchObject({ change: "drop" });
    expect(classifyForApplySchema(parse("drop view v"))).toMatchObject({ change: "drop" });
  });

  it.each([
    ["insert into t values (1)", "INSERT"],
    ["select 1", "SELECT"],
    ["truncate table t", "TRUNCATE TABLE"],
    ["create database d", "CREATE DATABASE"],
    ["create procedure p() select 1", "CREATE PROCEDURE"],
    ["grant all on *.* to u", "GRANT ALL"],
    ["set global read_only = 1", "SET"],
  ])("refuses %s naming %s", (sql, name) => {
    expect(classifyForApplySchema(parse(sql))).toEqual({ allowed: false, name });
    expect(() => parseApplySchemaSql(`create table ok (a int); ${sql}`)).toThrow(
      `ApplySchema does not allow ${name}`,
    );
  });

  it("splits and parses the commerce schema of seed 000", () => {
    const statements = parseApplySchemaSql(`
create table product(
  sku varbinary(128),
  description varbinary(128),
  price bigint,
  primary key(sku)
);
create table customer(
  customer_id bigint not null auto_increment,
  email varbinary(128),
  primary key(customer_id)
);
create table corder(
  order_id bigint not null auto_increment,
  customer_id bigint,
  sku varbinary(128),
  price bigint,
  primary key(order_id)
);`);
    expect(statements.map((s) => s.change.tables[0]?.name)).toEqual(["product", "customer", "corder"]);
    expect(statements[0]?.sql.startsWith("create table product(")).toBe(true);
  });

  it("reports a statement that does not parse as INVALID_ARGUMENT naming it", () => {
    let err: unknown;
    try {
      parseApplySchemaSql("create table t (a int); create tabel u (b int)");
    } catch (e) {
      err = e;
    }
    expect(isVtError(err, Code.INVALID_ARGUMENT)).toBe(true);
    expect((err as Error).message).toContain("create tabel u (b int)");
    expect(() => parseApplySchemaSql(" ;; -- nothing\n")).toThrow("no SQL statement");
  });
});

describe("splitStatements", () => {
  it("splits at semicolons outside strings, names and comments", () => {
    expect(
      splitStatements("select ';' from t; insert into `a;b` values (\"x;\") ; -- c;\n/* d; */ select 2;;"),
    ).toEqual(["select ';' from t", 'insert into `a;b` values ("x;")', "-- c;\n/* d; */ select 2"]);
    expect(splitStatements("select 'it\\'s;' from t; select 'a''b;'")).toEqual([
      "select 'it\\'s;' from t",
      "select 'a''b;'",
    ]);
    expect(splitStatements("/* only */ ; # comment\n;")).toEqual([]);
    expect(splitStatements("/*!40101 SET NAMES utf8 */;")).toEqual(["/*!40101 SET NAMES utf8 */"]);
  });
});

describe("splitMarginComments", () => {
  it("separates leading and trailing comments from the statement", () => {
    expect(splitMarginComments("  /* a */ -- b\n select 1 /* c */ ;")).toEqual({
      leading: "  /* a */ -- b\n ",
      body: "select 1",
      trailing: " /* c */ ;",
    });
    expect(splitMarginComments("select '/* x */'")).toEqual({
      leading: "",
      body: "select '/* x */'",
      trailing: "",
    });
    expect(splitMarginComments("/*!40101 set names utf8 */")).toEqual({
      leading: "",
      body: "/*!40101 set names utf8 */",
      trailing: "",
    });
  });
});

describe("directives", () => {
  it("reads /*vt+ */ directives", () => {
    const stmt = parse(
      "select /*vt+ QUERY_TIMEOUT_MS=100 SCATTER_ERRORS_AS_WARNINGS planner='gen4' */ * from t",
    );
    const d = parseDirectives(stmt.kind === "Select" ? stmt.comments : []);
    expect(Object.fromEntries(d)).toEqual({
      QUERY_TIMEOUT_MS: "100",
      SCATTER_ERRORS_AS_WARNINGS: "true",
      PLANNER: "gen4",
    });
    expect(directiveIsSet(d, "scatter_errors_as_warnings")).toBe(true);
    expect(directiveIsSet(d, "IGNORE_MAX_MEMORY_ROWS")).toBe(false);
  });
});

describe("parseTarget", () => {
  it.each([
    ["commerce", { keyspace: "commerce" }],
    ["commerce@replica", { keyspace: "commerce", tabletType: "replica" }],
    ["commerce@master", { keyspace: "commerce", tabletType: "primary" }],
    ["customer/-80", { keyspace: "customer", shard: "-80" }],
    ["customer:80-@rdonly", { keyspace: "customer", shard: "80-", tabletType: "rdonly" }],
    ["commerce/0", { keyspace: "commerce", shard: "0" }],
    ["customer[40-80]", { keyspace: "customer", keyRange: "40-80" }],
    ["@replica", { keyspace: "", tabletType: "replica" }],
  ])("%s", (target, expected) => {
    expect(parseTarget(target)).toMatchObject(expected);
  });

  it("refuses an unknown tablet type", () => {
    expect(() => parseTarget("ks@nosuch")).toThrow("invalid tablet type");
  });
});
