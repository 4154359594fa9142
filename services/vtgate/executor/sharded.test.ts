import { afterEach, describe, expect, it } from "vitest";
import { rowsAsStrings } from "../../../libs/mysql/query-result.js";
import { type BindVariable, type QueryResult, Type } from "../../../libs/proto/query.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import { localField, localResult } from "../engine/results.js";
import { createSandbox, type Sandbox } from "../testing/sandbox.js";

const TABLETS = [
  "zone1-100 commerce 0 PRIMARY",
  "zone1-200 customer -80 PRIMARY",
  "zone1-300 customer 80- PRIMARY",
];

const VSCHEMA = {
  keyspaces: {
    commerce: { tables: { customer_seq: { type: "sequence" } } },
    customer: {
      sharded: true,
      vindexes: {
        hash: { type: "hash" },
        order_lookup: {
          type: "lookup_unique",
          params: { table: "customer.corder_lookup", from: "order_id", to: "keyspace_id" },
        },
      },
      tables: {
        corder_lookup: { column_vindexes: [{ column: "order_id", name: "hash" }] },
        shipment: {
          column_vindexes: [
            { column: "customer_id", name: "hash" },
            { column: "order_id", name: "order_lookup" },
          ],
        },
        customer: {
          column_vindexes: [{ column: "customer_id", name: "hash" }],
          auto_increment: { column: "customer_id", sequence: "commerce.customer_seq" },
        },
        corder: { column_vindexes: [{ column: "customer_id", name: "hash" }] },
      },
    },
  },
};

type Cell = string | null;

function result(columns: [string, Type][], rows: Cell[][]): QueryResult {
  return localResult(
    columns.map(([name, type]) => localField(name, type)),
    rows,
  );
}

function tupleValues(bv: BindVariable | undefined): string[] {
  return (bv?.values ?? []).map((v) => Buffer.from(v.value).toString());
}

async function failure(promise: Promise<unknown>): Promise<VtError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VtError);
  return err as VtError;
}

describe("Executor: sharded keyspace customer (-80, 80-)", () => {
  let sb: Sandbox;
  afterEach(() => sb?.close());

  const setup = async () => {
    sb = await createSandbox({ tablets: TABLETS, srvVSchema: VSCHEMA });
    return sb.session("customer");
  };

  it("routes `customer_id = value` to one shard: 1 -> -80, 4 -> 80-; one plan serves both values", async () => {
    const session = await setup();
    await sb.run(session, "select * from customer where customer_id = 1");
    await sb.run(session, "select * from customer where customer_id = 4");
    expect(sb.tablet(200).queries()).toEqual(["select * from customer where customer_id = :vtg1"]);
    expect(sb.tablet(300).queries()).toEqual(["select * from customer where customer_id = :vtg1"]);
    expect(sb.executor.planCache).toMatchObject({ size: 1, hits: 1, misses: 1 });
  });

  it("splits an IN list per shard: each shard gets only its values in ::__vals", async () => {
    const session = await setup();
    await sb.run(session, "select * from customer where customer_id in (1, 2, 4)");
    const low = sb.tablet(200).calls.find((c) => c.sql !== undefined);
    const high = sb.tablet(300).calls.find((c) => c.sql !== undefined);
    expect(low?.sql).toBe("select * from customer where customer_id in ::__vals");
    expect(tupleValues(low?.bindVariables.__vals)).toEqual(["1", "2"]);
    expect(tupleValues(high?.bindVariables.__vals)).toEqual(["4"]);
  });

  it("merge-sorts scatter results and applies LIMIT/OFFSET at vtgate, asking shards for offset+count", async () => {
    const session = await setup();
    const cols: [string, Type][] = [["customer_id", Type.INT64]];
    sb.tablet(200).defaultAnswer = result(cols, [["1"], ["2"], ["3"], ["5"]]);
    sb.tablet(300).defaultAnswer = result(cols, [["4"], ["6"]]);
    const r = await sb.run(session, "select customer_id from customer order by customer_id limit 1, 3");
    expect(rowsAsStrings(r)).toEqual([["2"], ["3"], ["4"]]);
    const call = sb.tablet(200).calls.find((c) => c.sql !== undefined);
    expect(call?.sql).toBe("select customer_id from customer order by customer_id asc limit :__upper_limit");
    expect(Buffer.from(call?.bindVariables.__upper_limit?.value ?? []).toString()).toBe("4");
  });

  it("merges COUNT/SUM/AVG/MIN/MAX across shards (AVG as SUM/COUNT)", async () => {
    const session = await setup();
    const cols: [string, Type][] = [
      ["count(*)", Type.INT64],
      ["sum(price)", Type.DECIMAL],
      ["avg(price)", Type.DECIMAL],
      ["min(price)", Type.INT64],
      ["max(price)", Type.INT64],
      ["__vt_h1", Type.INT64],
    ];
    sb.tablet(200).defaultAnswer = result(cols, [["3", "60", "60", "10", "30", "3"]]);
    sb.tablet(300).defaultAnswer = result(cols, [["1", "40", "40", "40", "40", "1"]]);
    const r = await sb.run(
      session,
      "select count(*), sum(price), avg(price), min(price), max(price) from corder",
    );
    expect(rowsAsStrings(r)).toEqual([["4", "100", "25.0000", "10", "40"]]);
    expect(r.fields).toHaveLength(5);
    expect(sb.tablet(200).queries()[0]).toBe(
      "select count(*), sum(price), sum(price) as `avg(price)`, min(price), max(price), count(price) as __vt_h1 from corder",
    );
  });

  it("groups across shards, filters with HAVING on an aggregate and sorts", async () => {
    const session = await setup();
    const cols: [string, Type][] = [
      ["sku", Type.VARBINARY],
      ["n", Type.INT64],
    ];
    sb.tablet(200).defaultAnswer = result(cols, [
      ["a", "1"],
      ["b", "2"],
    ]);
    sb.tablet(300).defaultAnswer = result(cols, [
      ["a", "1"],
      ["c", "1"],
    ]);
    const r = await sb.run(
      session,
      "select sku, count(*) as n from corder group by sku having count(*) > 1 order by sku desc",
    );
    expect(rowsAsStrings(r)).toEqual([
      ["b", "2"],
      ["a", "2"],
    ]);
  });

  it("removes duplicates of a scatter DISTINCT at vtgate", async () => {
    const session = await setup();
    const cols: [string, Type][] = [["sku", Type.VARBINARY]];
    sb.tablet(200).defaultAnswer = result(cols, [["a"], ["b"]]);
    sb.tablet(300).defaultAnswer = result(cols, [["b"], ["c"]]);
    const r = await sb.run(session, "select distinct sku from corder");
    expect(rowsAsStrings(r).flat().sort()).toEqual(["a", "b", "c"]);
  });

  it("sends a join on the shared vindex column to the shard as one query", async () => {
    const session = await setup();
    await sb.run(
      session,
      "select c.email, o.sku from customer c join corder o on c.customer_id = o.customer_id where c.customer_id = 4",
    );
    expect(sb.tablet(300).queries()).toEqual([
      "select c.email, o.sku from customer as c join corder as o on c.customer_id = o.customer_id where c.customer_id = :vtg1",
    ]);
    expect(sb.tablet(200).queries()).toEqual([]);
  });

  it("fills ids from the sequence, splits the rows per shard and returns the first id", async () => {
    const session = await setup();
    sb.tablet(100).defaultAnswer = result([["nextval", Type.INT64]], [["1"]]);
    const r = await sb.run(session, "insert into customer(email) values ('a'), ('b'), ('c'), ('d')");
    expect(sb.tablet(100).queries()).toEqual(["select next :n values from customer_seq"]);
    expect(r.insertId).toBe("1");
    expect(session.lastInsertId).toBe("1");
    // hash: 1, 2, 3 -> -80; 4 -> 80-
    const low = sb.tablet(200).calls.find((c) => c.sql !== undefined);
    const high = sb.tablet(300).calls.find((c) => c.sql !== undefined);
    expect(low?.sql).toBe(
      "insert into customer(email, customer_id) values (:vtg1, :__seq0), (:vtg2, :__seq1), (:vtg3, :__seq2)",
    );
    expect(high?.sql).toBe("insert into customer(email, customer_id) values (:vtg4, :__seq3)");
    expect(Buffer.from(high?.bindVariables.__seq3?.value ?? []).toString()).toBe("4");
  });

  it("refuses a NULL vindex value and a value the vindex cannot map before writing anything", async () => {
    const session = await setup();
    const nullErr = await failure(
      sb.run(session, "insert into corder(customer_id, sku) values (1, 'a'), (null, 'b')"),
    );
    expect(nullErr.message).toMatch(/vindex column customer_id \(vindex hash\) is NULL/);
    const bad = await failure(sb.run(session, "insert into corder(customer_id, sku) values ('abc', 'a')"));
    expect(bad.message).toMatch(
      /could not map .*abc.* of column customer_id to a keyspace id with vindex hash/,
    );
    expect(sb.tablet(200).queries()).toEqual([]);
    expect(sb.tablet(300).queries()).toEqual([]);
  });

  it("answers unsupported (1235) for what it cannot merge correctly", async () => {
    const session = await setup();
    for (const [sql, what] of [
      [
        "select * from customer c where exists (select 1 from corder o where o.price = c.customer_id)",
        "correlated subquery",
      ],
      [
        "select count(*) from customer c join corder o on c.email = o.sku",
        "aggregates with a cross-shard join",
      ],
      ["select count(distinct sku), count(*) from corder", "count(distinct"],
      [
        "update customer set customer_id = 2 where customer_id = 1",
        "you cannot UPDATE primary vindex columns",
      ],
    ] as const) {
      const err = await failure(sb.run(session, sql));
      expect(err.code).toBe(Code.UNIMPLEMENTED);
      expect(err.message).toContain(`unsupported: ${what}`);
    }
  });

  it("names the shards that committed and the one that failed when a multi-shard commit fails", async () => {
    const session = await setup();
    await sb.run(session, "begin");
    await sb.run(session, "update customer set email = 'x' where customer_id = 1");
    await sb.run(session, "update customer set email = 'x' where customer_id = 4");
    sb.tablet(300).failNext(new VtError(Code.UNAVAILABLE, "tablet went away"), 1, ["commit"]);
    const err = await failure(sb.run(session, "commit"));
    expect(err.message).toMatch(
      /multi-shard commit failed on customer\/80- \(committed: customer\/-80; rolled back: none\): .*tablet went away/,
    );
  });

  it("answers a vindex function at vtgate: keyspace id, its hex, the shard and its range", async () => {
    const session = await setup();
    const r = await sb.run(
      session,
      "select id, keyspace_id, hex_keyspace_id, range_start, range_end, shard from hash where id in (1, 4)",
    );
    const rows = rowsAsStrings(r);
    expect(rows.map((row) => [row[0], row[2], row[5]])).toEqual([
      ["1", "166b40b44aba4bd6", "-80"],
      ["4", "d2fd8867d50d2dfe", "80-"],
    ]);
    expect(r.fields.map((f) => f.name)).toEqual([
      "id",
      "keyspace_id",
      "hex_keyspace_id",
      "range_start",
      "range_end",
      "shard",
    ]);
    expect(sb.tablet(200).queries()).toEqual([]);
  });

  it("joins across shards with a nested loop: the right route runs per left row with its join value bound", async () => {
    const session = await setup();
    sb.tablet(200).answer(
      "select o.order_id, o.price from corder as o where o.sku = :vtg1",
      result(
        [
          ["order_id", Type.INT64],
          ["price", Type.INT64],
        ],
        [
          ["10", "1"],
          ["11", "4"],
          ["12", "9"],
        ],
      ),
    );
    sb.tablet(300).answer(
      "select o.order_id, o.price from corder as o where o.sku = :vtg1",
      result(
        [
          ["order_id", Type.INT64],
          ["price", Type.INT64],
        ],
        [],
      ),
    );
    const right = "select c.email from customer as c where c.customer_id = :__jv1";
    sb.tablet(200).answer(right, (_sql, bv) =>
      result(
        [["email", Type.VARBINARY]],
        Buffer.from(bv.__jv1?.value ?? []).toString() === "1" ? [["one"]] : [],
      ),
    );
    sb.tablet(300).answer(right, (_sql, bv) =>
      result(
        [["email", Type.VARBINARY]],
        Buffer.from(bv.__jv1?.value ?? []).toString() === "4" ? [["four"]] : [],
      ),
    );
    const r = await sb.run(
      session,
      "select o.order_id, c.email from corder o left join customer c on o.price = c.customer_id where o.sku = 'x' order by o.order_id",
    );
    expect(rowsAsStrings(r)).toEqual([
      ["10", "one"],
      ["11", "four"],
      ["12", null],
    ]);
    // price 9 maps to one shard only: the right side is routed by the bound value.
    expect(
      sb
        .tablet(300)
        .queries()
        .filter((q) => q === right),
    ).toHaveLength(1);
  });

  it("routes by a lookup vindex: the lookup table is queried first, then the shard of the keyspace id", async () => {
    const session = await setup();
    const ksid4 = Buffer.from("d2fd8867d50d2dfe", "hex");
    for (const uid of [200, 300]) {
      sb.tablet(uid).defaultAnswer = (sql, bv) =>
        sql.includes("corder_lookup")
          ? localResult(
              [localField("order_id", Type.INT64), localField("keyspace_id", Type.VARBINARY)],
              tupleValues(bv.__vals).map((id) => [id, ksid4.toString("latin1")]),
            )
          : result([["order_id", Type.INT64]], []);
    }
    const lookups = () =>
      [200, 300].flatMap((uid) =>
        sb
          .tablet(uid)
          .queries()
          .filter((q) => q.includes("corder_lookup")),
      );
    await sb.run(session, "select * from shipment where order_id = 7");
    expect(lookups()).toEqual([
      "select order_id, keyspace_id from `vt_customer`.corder_lookup where order_id in ::__vals",
    ]);
    expect(sb.tablet(300).queries()).toContain("select * from shipment where order_id = :vtg1");
    expect(sb.tablet(200).queries()).not.toContain("select * from shipment where order_id = :vtg1");
  });
});
