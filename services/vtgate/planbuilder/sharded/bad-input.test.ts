import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../testing/sandbox.js";

const TABLETS = [
  "zone1-100 commerce 0 PRIMARY",
  "zone1-200 customer -80 PRIMARY",
  "zone1-300 customer 80- PRIMARY",
];

function vschema(customer: Record<string, unknown>) {
  return {
    keyspaces: {
      commerce: { tables: { customer_lookup: {} } },
      customer: {
        sharded: true,
        vindexes: {
          hash: { type: "hash" },
          email_lookup: {
            type: "lookup_unique",
            params: { table: "commerce.customer_lookup", from: "email", to: "keyspace_id" },
            owner: "customer",
          },
        },
        tables: { customer: customer },
      },
    },
  };
}

const WITH_LOOKUP = {
  column_vindexes: [
    { column: "customer_id", name: "hash" },
    { column: "email", name: "email_lookup" },
  ],
};

describe("bad input on a sharded keyspace: a clear error naming the problem, nothing written", () => {
  let sb: Sandbox;
  afterEach(() => sb?.close());

  const setup = async (customer: Record<string, unknown>) => {
    sb = await createSandbox({ tablets: TABLETS, srvVSchema: vschema(customer) });
    return sb.session("customer");
  };

  /** Every statement any tablet received. */
  const sent = () => [100, 200, 300].flatMap((uid) => sb.tablet(uid).queries());

  it("a VSchema naming a vindex that does not exist: statements on the table name it", async () => {
    const session = await setup({ column_vindexes: [{ column: "customer_id", name: "hashh" }] });
    await expect(sb.run(session, "insert into customer(customer_id) values (1)")).rejects.toThrow(
      /vindex hashh not found for table customer/,
    );
    await expect(sb.run(session, "select * from customer where customer_id = 1")).rejects.toThrow(/hashh/);
    expect(sent()).toEqual([]);
  });

  it("a VSchema naming a vindex column the INSERT does not give: refused naming the column", async () => {
    const session = await setup({ column_vindexes: [{ column: "cust_id", name: "hash" }] });
    await expect(sb.run(session, "insert into customer(customer_id, email) values (1, 'a')")).rejects.toThrow(
      /INSERT into customer without its vindex column cust_id/,
    );
    expect(sent()).toEqual([]);
  });

  it("a value that does not parse for the primary vindex fails before any lookup row is written", async () => {
    const session = await setup(WITH_LOOKUP);
    await expect(
      sb.run(session, "insert into customer(customer_id, email) values (1, 'a@x'), ('abc', 'b@x')"),
    ).rejects.toThrow(/could not map 'abc' of column customer_id to a keyspace id with vindex hash/);
    expect(sent()).toEqual([]);
  });

  it("a NULL primary vindex value fails naming the column and the vindex", async () => {
    const session = await setup(WITH_LOOKUP);
    await expect(
      sb.run(session, "insert into customer(customer_id, email) values (null, 'a@x')"),
    ).rejects.toThrow(/value of vindex column customer_id \(vindex hash\) is NULL/);
    expect(sent()).toEqual([]);
  });

  it("statements that cannot be routed safely are refused before anything is sent", async () => {
    const session = await setup(WITH_LOOKUP);
    for (const [sql, what] of [
      ["update customer set email = 'x' limit 1", "multi-shard UPDATE with ORDER BY or LIMIT"],
      ["update customer set email = concat(email, 'x')", "UPDATE of lookup vindex column email"],
      ["replace into customer(customer_id, email) values (1, 'a')", "REPLACE into table customer"],
      ["insert into customer select * from customer", "INSERT ... SELECT"],
      [
        "select * from customer c where c.email in (select email from customer d where d.email = c.email)",
        "correlated subquery",
      ],
    ] as const) {
      await expect(sb.run(session, sql), sql).rejects.toThrow(`unsupported: ${what}`);
    }
    expect(sent()).toEqual([]);
  });
});
