import { describe, expect, it } from "vitest";
import { firstKeyword, scanSql } from "./sql-scanner.js";
import { classifyStatement } from "./statement-kind.js";

describe("classifyStatement", () => {
  it("finds the plan type from the first keyword, after comments and parentheses", () => {
    expect(classifyStatement("select 1").planType).toBe("Select");
    expect(classifyStatement("/* c */ (SELECT 1) union (select 2)").planType).toBe("Select");
    expect(classifyStatement("with x as (select 1) select * from x").planType).toBe("Select");
    expect(classifyStatement("-- c\nINSERT into t values (1)").planType).toBe("Insert");
    expect(classifyStatement("replace into t values (1)").planType).toBe("Insert");
    expect(classifyStatement("update t set a = 1").planType).toBe("Update");
    expect(classifyStatement("# c\ndelete from t").planType).toBe("Delete");
    expect(classifyStatement("create table t (id int)").planType).toBe("Other");
    expect(classifyStatement("constructor").planType).toBe("Other");
    expect(classifyStatement("").keyword).toBe("");
  });

  it("recognises transaction control, but not savepoint rollback", () => {
    for (const sql of ["begin", "BEGIN WORK", "start transaction", "commit", "rollback", "rollback work"]) {
      expect(classifyStatement(sql).transactionControl).toBe(true);
    }
    for (const sql of ["rollback to savepoint s1", "savepoint s1", "release savepoint s1", "select 1"]) {
      expect(classifyStatement(sql).transactionControl).toBe(false);
    }
  });

  it("recognises statements that leave session state on the connection", () => {
    for (const sql of [
      "set @a = 1",
      "SET names utf8",
      "use other",
      "lock tables t read",
      "create temporary table x (a int)",
    ]) {
      expect(classifyStatement(sql).changesSession).toBe(true);
    }
    for (const sql of ["select @a", "create table x (a int)", "insert into t values (1)"]) {
      expect(classifyStatement(sql).changesSession).toBe(false);
    }
  });
});

describe("scanSql", () => {
  it("returns words, quoted tokens, bind variables and symbols with offsets", () => {
    const sql = "select `a``b`, 'x', :v, ::l from t";
    const tokens = [...scanSql(sql)];
    expect(tokens.map((t) => [t.kind, t.text])).toEqual([
      ["word", "select"],
      ["identifier", "a`b"],
      ["symbol", ","],
      ["string", "'x'"],
      ["symbol", ","],
      ["bindVar", "v"],
      ["symbol", ","],
      ["listBindVar", "l"],
      ["word", "from"],
      ["word", "t"],
    ]);
    expect(sql.slice(tokens[1]?.start, tokens[1]?.end)).toBe("`a``b`");
    expect(sql.slice(tokens[7]?.start, tokens[7]?.end)).toBe("::l");
  });

  it("treats -- only followed by a space as a comment, and survives unterminated input", () => {
    expect([...scanSql("select 1--2")].map((t) => t.text)).toEqual(["select", "1", "-", "-", "2"]);
    expect([...scanSql("select 'abc")].map((t) => t.kind)).toEqual(["word", "string"]);
    expect([...scanSql("select /* open")].map((t) => t.kind)).toEqual(["word"]);
    expect(firstKeyword("  ((Select 1))")).toBe("select");
  });
});
