import { describe, expect, it } from "vitest";
import { formatTableName } from "./formatter.js";
import { parse } from "./parser.js";
import { bindVarNames, tablesOf } from "./tables.js";

const CASES: readonly (readonly [string, readonly string[]])[] = [
  ["select * from customer where customer_id = 4", ["customer"]],
  ["select * from commerce.customer", ["commerce.customer"]],
  ["select 1 from dual", []],
  [
    "select c.email, o.sku from customer c join corder o on c.customer_id = o.customer_id",
    ["customer", "corder"],
  ],
  ["select * from a, b left join c on b.id = c.id", ["a", "b", "c"]],
  ["select * from a join (b join ks.c on x) on y", ["a", "b", "ks.c"]],
  ["select * from (select * from a) as d join b", ["a", "b"]],
  ["select * from t where id in (select id from u where exists (select 1 from v))", ["t", "u", "v"]],
  ["select (select max(x) from u) from t", ["t", "u"]],
  ["select * from t where a = any (select b from u)", ["t", "u"]],
  ["select a from t union select b from u union all select c from t", ["t", "u"]],
  ["with x as (select a from t) select * from x join u", ["t", "u"]],
  ["with x as (select a from t) select * from ks.x", ["t", "ks.x"]],
  ["select * from t where a = 1 order by (select 1 from o)", ["t", "o"]],
  ["select next 10 values from customer_seq", ["customer_seq"]],
  ["insert into t(a) values (1)", ["t"]],
  ["insert into t(a) select b from u", ["t", "u"]],
  ["insert into t(a) values ((select max(a) from u))", ["t", "u"]],
  ["update t set a = 1 where b = 2", ["t"]],
  ["update t join u on t.id = u.id set t.a = u.b", ["t", "u"]],
  ["delete from t where id = 1", ["t"]],
  ["delete a from t1 as a join t2 as b on a.id = b.id", ["t1", "t2"]],
  ["delete t1 from t1 join t2 on t1.id = t2.id", ["t1", "t2"]],
  ["create table t (a int)", ["t"]],
  ["create table t like ks.u", ["t", "ks.u"]],
  ["create table t as select * from u", ["t", "u"]],
  ["create index i on t (a)", ["t"]],
  ["create view v as select * from t join u", ["v", "t", "u"]],
  ["alter table t add column a int", ["t"]],
  ["alter table t rename to u", ["t", "u"]],
  ["rename table a to b, c to d", ["a", "b", "c", "d"]],
  ["drop table a, ks.b", ["a", "ks.b"]],
  ["drop index i on t", ["t"]],
  ["drop view v", ["v"]],
  ["truncate table t", ["t"]],
  ["show columns from t", ["t"]],
  ["show create table ks.t", ["ks.t"]],
  ["show tables", []],
  ["explain select * from t", ["t"]],
  ["vexplain plan select * from t join u", ["t", "u"]],
  ["set autocommit = 1", []],
  ["begin", []],
];

describe("tablesOf", () => {
  it.each(CASES.map((c) => [c[0], c] as const))("%s", (_name, [sql, tables]) => {
    expect(tablesOf(parse(sql)).map(formatTableName)).toEqual(tables);
  });
});

describe("bindVarNames", () => {
  it("collects every bind variable, at any depth", () => {
    const stmt = parse(
      "select * from t where :v1 = :v2 and :v2 = :v3 and :v4 in ::v5 and x in (select y from u where z = :v6) limit :v7",
    );
    expect([...bindVarNames(stmt)].sort()).toEqual(["v1", "v2", "v3", "v4", "v5", "v6", "v7"]);
  });
});
