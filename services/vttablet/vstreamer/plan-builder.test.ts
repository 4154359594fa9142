import { describe, expect, it } from "vitest";
import { Filter } from "../../../libs/proto/binlogdata.js";
import { type Field, Type } from "../../../libs/proto/query.js";
import { Keyspace } from "../../../libs/proto/vschema.js";
import { createDefaultVindexRegistry } from "../../../libs/vindexes/index.js";
import { buildKeyspaceSchema } from "../../../libs/vschema/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import { compileFilter, compileSelectRule, ruleFor } from "./filter-rules.js";
import { buildTablePlan, type TablePlan, type TableSchema } from "./plan-builder.js";
import { filterRow } from "./row-filter.js";
import { image } from "./testing/binlog-events.js";
import { KeyspaceVindexes } from "./vindex-resolver.js";

function field(name: string, type: Type): Field {
  return {
    name,
    type,
    table: "customer",
    orgTable: "customer",
    database: "vt_customer",
    orgName: name,
    columnLength: 0,
    charset: 0,
    decimals: 0,
    flags: 0,
    columnType: "",
  };
}

const CUSTOMER: TableSchema = {
  name: "customer",
  fields: [
    field("customer_id", Type.INT64),
    field("email", Type.VARCHAR),
    field("name", Type.VARCHAR),
    field("status", Type.ENUM),
  ],
  pkColumns: [0],
};

const registry = createDefaultVindexRegistry();
const VSCHEMA = Keyspace.fromPartial({
  sharded: true,
  vindexes: {
    hash: { type: "hash" },
    by_email: {
      type: "lookup_unique",
      params: { table: "lk", from: "email", to: "keyspace_id" },
      owner: "customer",
    },
  },
  tables: { customer: { columnVindexes: [{ column: "customer_id", name: "hash" }] } },
});
const vindexes = new KeyspaceVindexes(
  "customer",
  buildKeyspaceSchema("customer", VSCHEMA, registry),
  registry,
);

/** Vitess's hash vindex of 1..5: 0x166b40b44aba4bd6, 0x06e7ea22ce92708f, 0x4eb190c9a2fa169c, 0xd2fd8867d50d2dfe, 0x70bb023c810ca87a. */
const LOW_HALF = ["1", "2", "3", "5"];
const HIGH_HALF = ["4"];

function plan(filter: string, table: TableSchema = CUSTOMER): TablePlan {
  const compiled = compileFilter(Filter.fromPartial({ rules: [{ match: table.name, filter }] }));
  return buildTablePlan(compiled.rules[0]!, table, vindexes);
}

function rowOf(id: string, email: string | null = `c${id}@x`, name = `n${id}`, status = "active") {
  return image([id, email, name, status]);
}

function strings(
  row: { lengths: readonly number[]; values: Buffer } | undefined,
): (string | null)[] | undefined {
  if (row === undefined) return undefined;
  let offset = 0;
  return row.lengths.map((length) => {
    if (length < 0) return null;
    const text = row.values.subarray(offset, offset + length).toString();
    offset += length;
    return text;
  });
}

function catchError(fn: () => unknown): VtError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VtError) return err;
    throw err;
  }
  throw new Error("expected an error");
}

describe("filter rules", () => {
  it("matches exact names and /regexps/ in rule order", () => {
    const { rules } = compileFilter(
      Filter.fromPartial({
        rules: [
          { match: "customer", filter: "select customer_id from customer" },
          { match: "/^cust/", filter: "" },
          { match: "/.*/", filter: "-80" },
        ],
      }),
    );
    expect(ruleFor(rules, "customer")?.kind).toBe("table");
    expect(ruleFor(rules, "customer_archive")?.match).toBe("/^cust/");
    expect(ruleFor(rules, "orders")?.match).toBe("/.*/");
  });

  it("an empty filter for a named table streams the whole table", () => {
    const built = plan("");
    expect(built.passThrough).toBe(true);
    expect(built.fields.map((f) => f.name)).toEqual(["customer_id", "email", "name", "status"]);
  });

  it("says which filters need the VSchema", () => {
    expect(
      compileFilter(Filter.fromPartial({ rules: [{ match: "customer", filter: "select * from customer" }] }))
        .needsVSchema,
    ).toBe(false);
    expect(compileSelectRule("select * from customer where in_keyrange('-80')").needsVSchema).toBe(true);
    expect(
      compileFilter(Filter.fromPartial({ rules: [{ match: "/.*/", filter: "-80" }] })).needsVSchema,
    ).toBe(true);
  });
});

describe("plans: column selection", () => {
  it("select * passes rows through untouched", () => {
    const built = plan("select * from customer");
    expect(built.passThrough).toBe(true);
    const row = rowOf("1");
    expect(filterRow(built, row)).toBe(row);
  });

  it("a column list picks and orders columns, fields in that order", () => {
    const built = plan("select email, customer_id from customer");
    expect(built.passThrough).toBe(false);
    expect(built.fields.map((f) => [f.name, f.type])).toEqual([
      ["email", Type.VARCHAR],
      ["customer_id", Type.INT64],
    ]);
    expect(strings(filterRow(built, rowOf("7")))).toEqual(["c7@x", "7"]);
    expect(strings(filterRow(built, rowOf("8", null)))).toEqual([null, "8"]);
  });

  it("column names are case-insensitive; aliases keep the column's name (as Vitess)", () => {
    const built = plan("select EMAIL as e from customer");
    expect(built.fields.map((f) => f.name)).toEqual(["email"]);
  });

  it("keyspace_id() and the literal 1", () => {
    const built = plan("select customer_id, keyspace_id(), 1 from customer");
    expect(built.fields.map((f) => [f.name, f.type])).toEqual([
      ["customer_id", Type.INT64],
      ["keyspace_id", Type.VARBINARY],
      ["1", Type.INT64],
    ]);
    const row = filterRow(built, rowOf("1"))!;
    expect(row.lengths).toEqual([1, 8, 1]);
    expect(row.values.subarray(1, 9).toString("hex")).toBe("166b40b44aba4bd6");
    expect(row.values.subarray(9).toString()).toBe("1");
  });

  it("flags ENUM/SET columns for the FIELD event", () => {
    expect(plan("select * from customer").hasEnumOrSet).toBe(true);
    expect(plan("select customer_id from customer").hasEnumOrSet).toBe(false);
  });
});

describe("plans: where clauses", () => {
  it("in_keyrange(col, 'hash', '-80') keeps exactly the rows whose hash is below 0x80", () => {
    const built = plan(
      "select customer_id, email from customer where in_keyrange(customer_id, 'hash', '-80')",
    );
    for (const id of LOW_HALF) expect(filterRow(built, rowOf(id)), id).toBeDefined();
    for (const id of HIGH_HALF) expect(filterRow(built, rowOf(id)), id).toBeUndefined();
    const upper = plan("select * from customer where in_keyrange(customer_id, 'hash', '80-')");
    for (const id of LOW_HALF) expect(filterRow(upper, rowOf(id))).toBeUndefined();
    for (const id of HIGH_HALF) expect(filterRow(upper, rowOf(id))).toBeDefined();
  });

  it("in_keyrange('-80') uses the table's primary vindex from the VSchema", () => {
    const built = plan("select * from customer where in_keyrange('-80')");
    expect(LOW_HALF.every((id) => filterRow(built, rowOf(id)) !== undefined)).toBe(true);
    expect(HIGH_HALF.every((id) => filterRow(built, rowOf(id)) === undefined)).toBe(true);
  });

  it("a regexp rule with a key range filters every matching table by its primary vindex", () => {
    const { rules } = compileFilter(Filter.fromPartial({ rules: [{ match: "/.*/", filter: "80-" }] }));
    const built = buildTablePlan(rules[0]!, CUSTOMER, vindexes);
    expect(filterRow(built, rowOf("4"))).toBeDefined();
    expect(filterRow(built, rowOf("1"))).toBeUndefined();
  });

  it("comparisons with literals, IN lists and IS NOT NULL, AND-ed", () => {
    expect(filterRow(plan("select * from customer where customer_id = 3"), rowOf("3"))).toBeDefined();
    expect(filterRow(plan("select * from customer where customer_id = 3"), rowOf("30"))).toBeUndefined();
    expect(filterRow(plan("select * from customer where customer_id > 9"), rowOf("10"))).toBeDefined();
    expect(filterRow(plan("select * from customer where customer_id >= 10"), rowOf("9"))).toBeUndefined();
    expect(filterRow(plan("select * from customer where customer_id != 9"), rowOf("9"))).toBeUndefined();
    expect(filterRow(plan("select * from customer where status = 'active'"), rowOf("1"))).toBeDefined();
    expect(filterRow(plan("select * from customer where status = 'gone'"), rowOf("1"))).toBeUndefined();
    const inList = plan("select * from customer where customer_id in (1, 5)");
    expect(["1", "2", "5"].map((id) => filterRow(inList, rowOf(id)) !== undefined)).toEqual([
      true,
      false,
      true,
    ]);
    const notNull = plan("select * from customer where email is not null and customer_id < 100");
    expect(filterRow(notNull, rowOf("1", null))).toBeUndefined();
    expect(filterRow(notNull, rowOf("1"))).toBeDefined();
    expect(filterRow(notNull, rowOf("100"))).toBeUndefined();
  });

  it("a value the vindex cannot map fails the stream (as Vitess)", () => {
    const built = plan("select * from customer where in_keyrange(customer_id, 'hash', '-80')");
    const err = catchError(() => filterRow(built, image([null, "a", "b", "active"])));
    expect(err.code).toBe(Code.FAILED_PRECONDITION);
    expect(err.message).toMatch(/could not map NULL of customer.customer_id to a keyspace id/);
  });
});

describe("plans: rejected filters (INVALID_ARGUMENT, naming the problem)", () => {
  const rejected: [string, RegExp][] = [
    ["insert into customer values (1)", /not a select statement/],
    ["delete from customer", /not a select statement/],
    ["select * from", /not a valid select/],
    ["select * from customer join orders on 1 = 1", /joins/],
    ["select * from customer group by email", /GROUP BY/],
    ["select * from customer order by email", /ORDER BY/],
    ["select * from customer limit 1", /LIMIT/],
    ["select * from orders", /does not match the table entry name customer/],
    ["select nope from customer", /column nope not found in table customer/],
    ["select * from customer where nope = 1", /column nope not found/],
    ["select customer_id + 1 from customer", /unsupported/],
    ["select upper(email) from customer", /unsupported function/],
    ["select * from customer where customer_id like 'a%'", /unsupported constraint/],
    ["select * from customer where customer_id = 1 or email = 'x'", /unsupported constraint/],
    ["select * from customer where in_keyrange(customer_id, 'nosuch', '-80')", /vindex nosuch not found/],
    ["select * from customer where in_keyrange(customer_id, 'by_email', '-80')", /needs lookups/],
    ["select * from customer where in_keyrange(customer_id, 'hash', 'zz')", /invalid key range "zz"/],
    ["select * from customer where in_keyrange(customer_id, 'hash')", /unexpected in_keyrange parameters/],
  ];
  for (const [filter, message] of rejected) {
    it(filter, () => {
      const err = catchError(() => plan(filter));
      expect(err.code).toBe(Code.INVALID_ARGUMENT);
      expect(err.message).toMatch(message);
    });
  }

  it("an invalid regexp rule", () => {
    const err = catchError(() =>
      compileFilter(Filter.fromPartial({ rules: [{ match: "/(/", filter: "" }] })),
    );
    expect(err.code).toBe(Code.INVALID_ARGUMENT);
    expect(err.message).toMatch(/invalid table regexp/);
  });

  it("in_keyrange('-80') on a table the VSchema does not have", () => {
    const orders: TableSchema = { name: "orders", fields: [field("id", Type.INT64)], pkColumns: [0] };
    const err = catchError(() => plan("select * from orders where in_keyrange('-80')", orders));
    expect(err.message).toMatch(/table orders not found in the VSchema of keyspace customer/);
  });
});
