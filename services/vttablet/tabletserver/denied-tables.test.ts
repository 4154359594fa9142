import { describe, expect, it } from "vitest";
import { Code, isVtError } from "../../../libs/vterrors/index.js";
import { DeniedTables, tablesOfQuery } from "./denied-tables.js";

describe("tablesOfQuery", () => {
  const cases: [string, string[]][] = [
    ["select * from customer", ["customer"]],
    ["SELECT c.id FROM `customer` AS c JOIN corder o ON o.cid = c.id", ["customer", "corder"]],
    ["select * from vt_commerce.customer where id = 1", ["customer"]],
    ["select * from a, b x, `c` as y where 1", ["a", "b", "c"]],
    ["select * from a left join b using (id) straight_join c", ["a", "b", "c"]],
    ["insert into product (sku) values ('x')", ["product"]],
    ["insert ignore product values (1)", ["product"]],
    ["replace low_priority into product values (1)", ["product"]],
    ["insert into t1 select * from t2 on duplicate key update a = 1", ["t1", "t2"]],
    ["update customer set email = 'x' where id = 1", ["customer"]],
    ["update a join b on a.id = b.id set a.x = b.x", ["a", "b"]],
    ["delete from corder where id = 1", ["corder"]],
    ["delete a from a join b on a.id = b.id", ["a", "b"]],
    ["select * from t where id in (select id from u)", ["t", "u"]],
    ["select * from t for update", ["t"]],
    ["select extract(year from d), trim(leading 'x' from s) from t", ["t"]],
    ["drop table if exists a, b", ["a", "b"]],
    ["create table if not exists t (id int)", ["t"]],
    ["alter table t add column c int", ["t"]],
    ["truncate table t", ["t"]],
    ["truncate t", ["t"]],
    ["lock tables a read, b as bb write", ["a", "b"]],
    ["describe t", ["t"]],
    ["select 'from customer', `from` from t /* from x */", ["t"]],
    ["select 1", []],
  ];
  it.each(cases)("%s", (sql, tables) => {
    expect(tablesOfQuery(sql)).toEqual(tables);
  });
});

describe("DeniedTables", () => {
  it("refuses statements touching a denied table with Vitess's rule text", () => {
    const denied = new DeniedTables();
    expect(denied.check("select * from customer")).toBeUndefined();
    denied.set(["customer", "corder"]);
    expect(denied.list()).toEqual(["corder", "customer"]);
    const err = denied.check("select * from product join corder on 1");
    expect(isVtError(err, Code.FAILED_PRECONDITION)).toBe(true);
    expect(err?.message).toBe("disallowed due to rule: enforce denied tables");
    expect(denied.check("update customer set a = 1")).toBeDefined();
    expect(denied.check("insert into customer values (1)")).toBeDefined();
    expect(denied.check("select * from product")).toBeUndefined();
    expect(denied.check("select * from Customer")).toBeUndefined();
    denied.set([]);
    expect(denied.check("select * from customer")).toBeUndefined();
  });
});
