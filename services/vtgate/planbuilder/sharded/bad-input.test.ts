import { afterEach, describe, expect, it } from "vitest";
import {
  CUSTOMER_WITH_LOOKUP,
  customerLookupVSchema,
  LOOKUP_TABLETS,
} from "../../testing/customer-lookup-vschema.js";
import { createSandbox, type Sandbox } from "../../testing/sandbox.js";

describe("bad input on a sharded keyspace: a clear error naming the problem, nothing written", () => {
  let sb: Sandbox;
  afterEach(() => sb?.close());

  const setup = async (customer: Record<string, unknown>) => {
    sb = await createSandbox({
      tablets: LOOKUP_TABLETS,
      srvVSchema: customerLookupVSchema("lookup_unique", {}, customer),
    });
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
    const session = await setup(CUSTOMER_WITH_LOOKUP);
    await expect(
      sb.run(session, "insert into customer(customer_id, email) values (1, 'a@x'), ('abc', 'b@x')"),
    ).rejects.toThrow(/could not map 'abc' of column customer_id to a keyspace id with vindex hash/);
    expect(sent()).toEqual([]);
  });

  it("a NULL primary vindex value fails naming the column and the vindex", async () => {
    const session = await setup(CUSTOMER_WITH_LOOKUP);
    await expect(
      sb.run(session, "insert into customer(customer_id, email) values (null, 'a@x')"),
    ).rejects.toThrow(/value of vindex column customer_id \(vindex hash\) is NULL/);
    expect(sent()).toEqual([]);
  });

  it("statements that cannot be routed safely are refused before anything is sent", async () => {
    const session = await setup(CUSTOMER_WITH_LOOKUP);
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
