import { describe, expect, it } from "vitest";
import { parse } from "./parser.js";
import { type Case, caseInput, expectRoundTrip } from "./testing/round-trip.js";

/** INSERT / REPLACE / UPDATE / DELETE. */
const DML: Case[] = [
  "insert /* simple */ into a values (1)",
  "insert /* a.b */ into a.b values (1)",
  "insert /* multi-value */ into a values (1, 2)",
  "insert /* multi-value list */ into a values (1, 2), (3, 4)",
  "insert /* no values */ into a values ()",
  ["insert /* set */ into a set a = 1, b = 2", "insert /* set */ into a(a, b) values (1, 2)"],
  [
    "insert /* set default */ into a set a = default, b = 2",
    "insert /* set default */ into a(a, b) values (default, 2)",
  ],
  "insert /* value expression list */ into a values (a + 1, 2 * 3)",
  "insert /* default */ into a values (default, 2 * 3)",
  "insert /* column list */ into a(a, b) values (1, 2)",
  ["insert into a (a, b) values (1, 2)", "insert into a(a, b) values (1, 2)"],
  ["insert into a() values ()", "insert into a values ()"],
  "insert /* qualified column list */ into a(a, b) values (1, 2)",
  [
    "insert /* qualified columns */ into t(`a`, b) values (1, 2)",
    "insert /* qualified columns */ into t(a, b) values (1, 2)",
  ],
  "insert /* select */ into a select b, c from d",
  "insert /* no cols & paren select */ into a select * from t",
  "insert /* cols & paren select */ into a(a, b, c) select * from t",
  [
    "insert /* cols & paren select */ into a(a, b, c) (select * from t)",
    "insert /* cols & paren select */ into a(a, b, c) select * from t",
  ],
  "insert /* cols & union with paren select */ into a(b, c) select d, e from f union select g, h from i",
  "insert /* on duplicate */ into a values (1, 2) on duplicate key update b = func(a), c = d",
  "insert /* on duplicate */ into a values (1, 2) on duplicate key update b = values(b)",
  "insert ignore into a values (1, 2)",
  "insert low_priority ignore into a values (1, 2)",
  "insert delayed into a values (1)",
  "insert high_priority into a values (1)",
  ["insert into a value (1)", "insert into a values (1)"],
  ["insert a values (1)", "insert into a values (1)"],
  "insert into a partition (p1, p2) values (1)",
  "insert into customer_seq(id, next_id, cache) values (0, 1000, 100)",
  "insert into corder(customer_id, sku, price) values (1, 'SKU-1001', 100), (2, 'SKU-1002', 30)",
  "insert into t(a, b) values (:a, :b)",
  ["insert into t(a, b) values (?, ?), (?, ?)", "insert into t(a, b) values (:v1, :v2), (:v3, :v4)"],
  "insert into t(id, b) values (next 1 values, 2)".replace("next 1 values", "1"),
  "insert into t(a) values (_binary 'x'), (X'0102'), (0x0102), (null), (true)",
  "replace /* simple */ into a values (1)",
  "replace into a(a, b) values (1, 2)",
  "replace into a select * from b",
  "update /* simple */ a set b = 3",
  "update /* a.b */ a.b set b = 3",
  "update /* list */ a set b = 3, c = 4",
  "update /* expression */ a set b = 3 + 4",
  "update /* where */ a set b = 3 where a = b",
  "update /* order */ a set b = 3 order by c desc",
  "update /* limit */ a set b = 3 limit 4",
  "update /* bson */ a set b = 3 where a = b order by c asc limit 10",
  "update /* a.b.c */ a.b set c = 3",
  "update a.b set a.b.c = 3",
  "update ignore a set b = 3",
  "update low_priority ignore a set b = 3",
  "update /* join */ a join b on a.id = b.id set a.x = b.y where b.z = 1",
  "update a, b set a.x = b.y where a.id = b.id",
  "update t set a = default",
  "update customer set email = 'x@y' where customer_id = 1 limit 1",
  "update t set a = (select max(b) from u)",
  "delete /* simple */ from a",
  "delete /* a.b */ from a.b",
  "delete /* where */ from a where a = b",
  "delete /* order */ from a order by b desc",
  "delete /* limit */ from a limit b",
  "delete /* alias where */ from a as b where b.id = 1",
  ["delete from a b where b.id = 1", "delete from a as b where b.id = 1"],
  "delete from a partition (p1) where id = 1",
  "delete low_priority quick ignore from a where id = 1",
  "delete a from a join b on a.id = b.id where b.name = 'test'",
  [
    "delete a.* from a join b on a.id = b.id where b.name = 'test'",
    "delete a from a join b on a.id = b.id where b.name = 'test'",
  ],
  "delete a, b from a, b where a.id = b.id and b.name = 'test'",
  [
    "delete from a1, a2 using t1 as a1 inner join t2 as a2 where a1.id = a2.id",
    "delete a1, a2 from t1 as a1 join t2 as a2 where a1.id = a2.id",
  ],
  ["delete from a using a join b on a.id = b.id", "delete a from a join b on a.id = b.id"],
];

describe("DML round trip", () => {
  it.each(DML.map((c, i) => [`${i}: ${caseInput(c)}`, c] as const))("%s", (_name, c) => {
    expectRoundTrip(c);
  });

  it("models an insert's rows and on duplicate key update", () => {
    const ast = parse("insert into t(a, b) values (1, 'x') on duplicate key update b = values(b)");
    expect(ast).toMatchObject({
      kind: "Insert",
      action: "insert",
      table: { name: "t" },
      columns: ["a", "b"],
      rows: {
        kind: "Values",
        rows: [
          [
            { kind: "Literal", value: "1" },
            { kind: "Literal", value: "x" },
          ],
        ],
      },
      onDuplicate: [{ column: { name: "b" }, expr: { kind: "Func", name: "values" } }],
    });
  });

  it("models multi-table deletes as targets plus table references", () => {
    expect(parse("delete a from a join b on a.id = b.id")).toMatchObject({
      kind: "Delete",
      targets: [{ name: "a" }],
      from: [{ kind: "Join", type: "join" }],
    });
  });
});
