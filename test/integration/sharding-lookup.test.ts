import type { Connection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows, type ShardedCluster, startShardedCluster } from "./sharding-cluster.js";

// Lookup tables live in the unsharded commerce keyspace, as in Vitess's examples.
const COMMERCE_SCHEMA = [
  "create table customer_seq(id int, next_id bigint, cache bigint, primary key(id)) comment 'vitess_sequence'",
  "create table customer_email_lookup(email varbinary(128) not null, keyspace_id varbinary(128), primary key(email)) ENGINE=InnoDB",
  "create table corder_lookup(order_id bigint not null, keyspace_id varbinary(128), primary key(order_id)) ENGINE=InnoDB",
];

const CUSTOMER_SCHEMA = [
  "create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id)) ENGINE=InnoDB",
  "create table corder(order_id bigint not null, customer_id bigint, sku varbinary(128), price bigint, primary key(order_id)) ENGINE=InnoDB",
];

const COMMERCE_VSCHEMA = {
  tables: { customer_seq: { type: "sequence" }, customer_email_lookup: {}, corder_lookup: {} },
};

const CUSTOMER_VSCHEMA = {
  sharded: true,
  vindexes: {
    hash: { type: "hash" },
    customer_email_lookup: {
      type: "lookup_unique",
      params: { table: "commerce.customer_email_lookup", from: "email", to: "keyspace_id" },
      owner: "customer",
    },
    corder_order_lookup: {
      type: "consistent_lookup_unique",
      params: { table: "commerce.corder_lookup", from: "order_id", to: "keyspace_id" },
      owner: "corder",
    },
  },
  tables: {
    customer: {
      column_vindexes: [
        { column: "customer_id", name: "hash" },
        { column: "email", name: "customer_email_lookup" },
      ],
      auto_increment: { column: "customer_id", sequence: "commerce.customer_seq" },
    },
    corder: {
      column_vindexes: [
        { column: "customer_id", name: "hash" },
        { column: "order_id", name: "corder_order_lookup" },
      ],
    },
  },
};

/** hash keyspace ids: customers 1, 2, 3, 5 live in -80, 4 in 80-. */
const KSID: Readonly<Record<number, string>> = {
  1: "166b40b44aba4bd6",
  2: "06e7ea22ce92708f",
  4: "d2fd8867d50d2dfe",
};

let cluster: ShardedCluster | undefined;
/** vt_dba on commerce/0's MariaDB: the lookup tables as they are, not through vtgate. */
let lookupDb: Connection | undefined;

beforeAll(async () => {
  cluster = await startShardedCluster("sharding-lookup", {
    commerceSchema: COMMERCE_SCHEMA,
    customerSchema: CUSTOMER_SCHEMA,
    commerceVSchema: COMMERCE_VSCHEMA,
    customerVSchema: CUSTOMER_VSCHEMA,
    commerceRows: ["insert into customer_seq(id, next_id, cache) values(0, 1000, 100)"],
  });
  const commerce = cluster.shards.get("commerce/0")!.mysqlds[0]!;
  lookupDb = await commerce.connect("vt_dba", { database: "vt_commerce" });
}, 300_000);

afterAll(async () => {
  await lookupDb?.end();
  await cluster?.stop();
}, 120_000);

async function emailLookup(): Promise<string[][]> {
  const r = await rows(lookupDb!, "select email, hex(keyspace_id) from customer_email_lookup order by email");
  return r.map((row) => row.map((v) => (Buffer.isBuffer(v) ? v.toString() : String(v)).toLowerCase()));
}

async function orderLookup(): Promise<string[][]> {
  const r = await rows(lookupDb!, "select order_id, hex(keyspace_id) from corder_lookup order by order_id");
  return r.map((row) => row.map((v) => String(v).toLowerCase()));
}

/** customer_id of each customer row on each shard (shard targeting: no vindex involved). */
async function customersByShard(conn: Connection): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const shard of ["-80", "80-"]) {
    await conn.query(`use \`customer/${shard}\``);
    out[shard] = (await rows(conn, "select customer_id from customer order by customer_id"))
      .flat()
      .map(String);
  }
  await conn.query("use customer");
  return out;
}

describe("lookup vindexes in step with their owner tables (lookup tables in commerce)", () => {
  it("INSERT writes each row's lookup row (email -> keyspace id) and SELECT by email routes through it", async () => {
    const conn = await cluster!.connect();
    try {
      await conn.query(
        "insert into customer(customer_id, email) values (1, 'alice@domain.com'), (2, 'bob@domain.com'), (4, 'dan@domain.com')",
      );
      expect(await emailLookup()).toEqual([
        ["alice@domain.com", KSID[1]],
        ["bob@domain.com", KSID[2]],
        ["dan@domain.com", KSID[4]],
      ]);
      expect(await rows(conn, "select customer_id from customer where email = 'dan@domain.com'")).toEqual([
        ["4"],
      ]);
      const [[plan]] = (await rows(
        conn,
        "vexplain plan select customer_id from customer where email = 'dan@domain.com'",
      )) as [[string]];
      expect(JSON.parse(plan)).toMatchObject({ variant: "EqualUnique", vindex: "customer_email_lookup" });
      expect(await customersByShard(conn)).toEqual({ "-80": ["1", "2"], "80-": ["4"] });
    } finally {
      await conn.end();
    }
  });

  it("UPDATE of the email replaces its lookup row; routing by the new email finds the row, the old finds none", async () => {
    const conn = await cluster!.connect();
    try {
      await conn.query("update customer set email = 'daniel@domain.com' where customer_id = 4");
      expect(await emailLookup()).toEqual([
        ["alice@domain.com", KSID[1]],
        ["bob@domain.com", KSID[2]],
        ["daniel@domain.com", KSID[4]],
      ]);
      expect(
        await rows(conn, "select customer_id, email from customer where email = 'daniel@domain.com'"),
      ).toEqual([["4", Buffer.from("daniel@domain.com")]]);
      expect(await rows(conn, "select customer_id from customer where email = 'dan@domain.com'")).toEqual([]);
      // Routed by the very lookup row it replaces: the shard is resolved once, before the lookup changes.
      const [changed] = (await conn.query(
        "update customer set email = 'dan4@domain.com' where email = 'daniel@domain.com'",
      )) as [{ affectedRows: number }, unknown];
      expect(changed.affectedRows).toBe(1);
      expect((await emailLookup()).find(([email]) => email.startsWith("dan"))).toEqual([
        "dan4@domain.com",
        KSID[4],
      ]);
      await conn.query("update customer set email = 'daniel@domain.com' where email = 'dan4@domain.com'");
      expect(await rows(conn, "select customer_id from customer where email = 'daniel@domain.com'")).toEqual([
        ["4"],
      ]);
    } finally {
      await conn.end();
    }
  });

  it("a duplicate email (lookup_unique) is refused and nothing is written, also inside a transaction", async () => {
    const conn = await cluster!.connect();
    try {
      await expect(
        conn.query(
          "insert into customer(customer_id, email) values (5, 'erin@domain.com'), (6, 'alice@domain.com')",
        ),
      ).rejects.toThrow(/lookup\.Create: .*Duplicate entry 'alice@domain\.com'/);
      expect(await customersByShard(conn)).toEqual({ "-80": ["1", "2"], "80-": ["4"] });
      expect((await emailLookup()).map(([email]) => email)).toEqual([
        "alice@domain.com",
        "bob@domain.com",
        "daniel@domain.com",
      ]);
      await conn.query("begin");
      await conn.query("insert into customer(customer_id, email) values (3, 'carol@domain.com')");
      await expect(
        conn.query("update customer set email = 'bob@domain.com' where customer_id = 1"),
      ).rejects.toThrow(/Duplicate entry 'bob@domain\.com'/);
      await conn.query("commit");
      // The failed UPDATE rolled back to its savepoint: customer 1 keeps its email and lookup row.
      expect(
        await rows(
          conn,
          "select customer_id, email from customer where customer_id in (1, 3) order by customer_id",
        ),
      ).toEqual([
        ["1", Buffer.from("alice@domain.com")],
        ["3", Buffer.from("carol@domain.com")],
      ]);
      expect((await emailLookup()).map(([email]) => email)).toEqual([
        "alice@domain.com",
        "bob@domain.com",
        "carol@domain.com",
        "daniel@domain.com",
      ]);
    } finally {
      await conn.end();
    }
  });

  it("a NULL email is refused (ignore_nulls is off) naming the vindex's problem, nothing written", async () => {
    const conn = await cluster!.connect();
    try {
      await expect(conn.query("insert into customer(customer_id, email) values (7, null)")).rejects.toThrow(
        /lookup\.Create: input has null values/,
      );
      expect((await rows(conn, "select count(*) from customer where customer_id = 7")).flat()).toEqual(["0"]);
    } finally {
      await conn.end();
    }
  });

  it("DELETE removes the rows' lookup rows, also when routed by the lookup column", async () => {
    const conn = await cluster!.connect();
    try {
      await conn.query("delete from customer where email = 'carol@domain.com'");
      await conn.query("delete from customer where customer_id in (4)");
      expect((await emailLookup()).map(([email]) => email)).toEqual(["alice@domain.com", "bob@domain.com"]);
      expect(await rows(conn, "select customer_id from customer where email = 'daniel@domain.com'")).toEqual(
        [],
      );
      expect(await customersByShard(conn)).toEqual({ "-80": ["1", "2"], "80-": [] });
    } finally {
      await conn.end();
    }
  });

  it("consistent_lookup_unique: lookup rows follow inserts and deletes; a leftover row is taken over, a live duplicate refused", async () => {
    const conn = await cluster!.connect();
    try {
      await conn.query(
        "insert into corder(order_id, customer_id, sku, price) values (10, 1, 'SKU-1', 5), (11, 4, 'SKU-2', 7)",
      );
      expect(await orderLookup()).toEqual([
        ["10", KSID[1]],
        ["11", KSID[4]],
      ]);
      expect(await rows(conn, "select customer_id from corder where order_id = 11")).toEqual([["4"]]);
      // A leftover lookup row whose owner row does not exist (as after a failed commit).
      await lookupDb!.query(
        `insert into corder_lookup(order_id, keyspace_id) values (12, unhex('${KSID[2]}'))`,
      );
      await conn.query("insert into corder(order_id, customer_id, sku, price) values (12, 4, 'SKU-3', 9)");
      expect((await orderLookup()).find(([id]) => id === "12")).toEqual(["12", KSID[4]]);
      expect(await rows(conn, "select customer_id from corder where order_id = 12")).toEqual([["4"]]);
      await expect(
        conn.query("insert into corder(order_id, customer_id, sku, price) values (10, 2, 'SKU-4', 1)"),
      ).rejects.toThrow(
        /Duplicate entry '10' for key commerce\.corder_lookup \(vindex corder_order_lookup\)/,
      );
      expect(await rows(conn, "select customer_id from corder where order_id = 10")).toEqual([["1"]]);
      await conn.query("delete from corder where order_id = 11");
      expect((await orderLookup()).map(([id]) => id)).toEqual(["10", "12"]);
      // The new lookup row (pre session) and the old one's delete (post session) are transactions of their
      // own on commerce/0 next to the row's: none of them shows before COMMIT, all after it.
      await conn.query("begin");
      await conn.query("update corder set order_id = 13 where order_id = 12");
      expect((await orderLookup()).map(([id]) => id)).toEqual(["10", "12"]);
      await conn.query("commit");
      expect(await orderLookup()).toEqual([
        ["10", KSID[1]],
        ["13", KSID[4]],
      ]);
      expect(await rows(conn, "select customer_id from corder where order_id = 13")).toEqual([["4"]]);
    } finally {
      await conn.end();
    }
  });
});
