import { describe, expect, it } from "vitest";
import { BinlogSource } from "../../../libs/proto/binlogdata.js";
import { Type } from "../../../libs/proto/query.js";
import { buildApplyPlan, filterSourceTable, insertSql, rowChangeSql, tableRoutes } from "./table-plan.js";
import { field } from "./testing.js";

const b = (text: string) => Buffer.from(text);

describe("table routes", () => {
  it("takes the target from match and the source and query from the filter", () => {
    const source = BinlogSource.fromPartial({
      filter: {
        rules: [
          { match: "customer", filter: "select * from `customer`" },
          { match: "corder2", filter: "select order_id, sku from corder where price > 1" },
          { match: "product", filter: "" },
        ],
      },
    });
    expect(tableRoutes(source, [])).toEqual([
      { target: "customer", source: "customer", query: "select * from `customer`" },
      { target: "corder2", source: "corder", query: "select order_id, sku from corder where price > 1" },
      { target: "product", source: "product", query: "select * from `product`" },
    ]);
  });

  it("expands a /regexp/ rule over the target tables with its key range", () => {
    const source = BinlogSource.fromPartial({ filter: { rules: [{ match: "/.*/", filter: "-80" }] } });
    expect(tableRoutes(source, ["a", "b"])).toEqual([
      { target: "a", source: "a", query: "select * from `a` where in_keyrange('-80')" },
      { target: "b", source: "b", query: "select * from `b` where in_keyrange('-80')" },
    ]);
    expect(filterSourceTable("SELECT x FROM `we``ird` WHERE 1")).toBe("we`ird");
  });
});

describe("apply plans", () => {
  const fields = [field("id", Type.INT64), field("name", Type.VARCHAR), field("blob", Type.VARBINARY)];
  const plan = buildApplyPlan("t", fields, ["id"]);

  it("builds multi-row inserts with quoted text, hex binary and NULL", () => {
    expect(
      insertSql(plan, [
        [b("1"), b("it's"), b("\x00\x01")],
        [b("2"), null, null],
      ]),
    ).toBe("insert into `t` (`id`, `name`, `blob`) values (1, 'it\\'s', X'0001'), (2, NULL, NULL)");
  });

  it("turns row changes into insert, update by key and delete by key", () => {
    expect(rowChangeSql(plan, undefined, [b("3"), b("a"), null])).toBe(
      "insert into `t` (`id`, `name`, `blob`) values (3, 'a', NULL)",
    );
    expect(rowChangeSql(plan, [b("3"), b("a"), null], [b("4"), b("b"), null])).toBe(
      "update `t` set `id` = 4, `name` = 'b', `blob` = NULL where `id` = 3",
    );
    expect(rowChangeSql(plan, [b("4"), b("b"), null], undefined)).toBe("delete from `t` where `id` = 4");
  });

  it("identifies rows by every column when the key is not streamed", () => {
    const keyless = buildApplyPlan("t", fields.slice(1), ["id"]);
    expect(rowChangeSql(keyless, [b("a"), null], undefined)).toBe(
      "delete from `t` where `name` = 'a' and `blob` is null",
    );
  });
});
