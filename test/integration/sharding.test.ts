import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Connection, createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMysqld, type TestMysqld } from "../harness/mysqld.js";
import { rows, type ShardedCluster, startShardedCluster } from "./sharding-cluster.js";

const HERE = dirname(fileURLToPath(import.meta.url));

// Seed 000's sequence tables (the rows are inserted through vtgate: ApplySchema takes DDL only).
const COMMERCE_SCHEMA = [
  "create table customer_seq(id int, next_id bigint, cache bigint, primary key(id)) comment 'vitess_sequence'",
  "create table order_seq(id int, next_id bigint, cache bigint, primary key(id)) comment 'vitess_sequence'",
  "create table product(sku varbinary(128), description varbinary(128), price bigint, primary key(sku)) ENGINE=InnoDB",
];
const COMMERCE_ROWS = [
  "insert into customer_seq(id, next_id, cache) values(0, 1000, 100)",
  "insert into order_seq(id, next_id, cache) values(0, 1000, 100)",
];

const CUSTOMER_TABLES = [
  "create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id)) ENGINE=InnoDB",
  "create table corder(order_id bigint not null, customer_id bigint, sku varbinary(128), price bigint, primary key(order_id)) ENGINE=InnoDB",
];

const COMMERCE_VSCHEMA = {
  tables: { customer_seq: { type: "sequence" }, order_seq: { type: "sequence" }, product: {} },
};

// Seed 000's customer VSchema (sequences qualified with their keyspace).
const CUSTOMER_VSCHEMA = {
  sharded: true,
  vindexes: { hash: { type: "hash" } },
  tables: {
    customer: {
      column_vindexes: [{ column: "customer_id", name: "hash" }],
      auto_increment: { column: "customer_id", sequence: "commerce.customer_seq" },
    },
    corder: {
      column_vindexes: [{ column: "customer_id", name: "hash" }],
      auto_increment: { column: "order_id", sequence: "commerce.order_seq" },
    },
  },
};

let cluster: ShardedCluster | undefined;
let plain: TestMysqld | undefined;

function connectVtgate(database = "customer"): Promise<Connection> {
  return cluster!.connect(database);
}

beforeAll(async () => {
  cluster = await startShardedCluster("sharding", {
    commerceSchema: COMMERCE_SCHEMA,
    customerSchema: CUSTOMER_TABLES,
    commerceVSchema: COMMERCE_VSCHEMA,
    customerVSchema: CUSTOMER_VSCHEMA,
    commerceRows: COMMERCE_ROWS,
  });
  plain = await startMysqld(cluster.plane.dir, { uid: 400 });
}, 300_000);

afterAll(async () => {
  await plain?.shutdown();
  await cluster?.stop();
}, 120_000);

describe("seed 000 horizontal sharding: customer/-80 and customer/80-", () => {
  it("puts customers 1, 2, 3, 5 and their orders in -80 and customer 4 and its order in 80-", async () => {
    const conn = await connectVtgate();
    try {
      await conn.query(
        "insert into customer(customer_id, email) values (1, 'alice@domain.com'), (2, 'bob@domain.com'), (3, 'charlie@domain.com'), (4, 'dan@domain.com'), (5, 'eve@domain.com')",
      );
      await conn.query(
        "insert into corder(order_id, customer_id, sku, price) values (1, 1, 'SKU-1001', 100), (2, 2, 'SKU-1002', 30), (3, 3, 'SKU-1002', 30), (4, 4, 'SKU-1002', 30), (5, 5, 'SKU-1002', 30)",
      );
      await conn.query("use `customer/-80`");
      expect(await rows(conn, "select * from customer order by customer_id")).toEqual(
        [
          ["1", "alice@domain.com"],
          ["2", "bob@domain.com"],
          ["3", "charlie@domain.com"],
          ["5", "eve@domain.com"],
        ].map(([id, email]) => [id, Buffer.from(email as string)]),
      );
      expect((await rows(conn, "select order_id from corder order by order_id")).flat()).toEqual([
        "1",
        "2",
        "3",
        "5",
      ]);
      await conn.query("use `customer/80-`");
      expect(await rows(conn, "select * from customer")).toEqual([["4", Buffer.from("dan@domain.com")]]);
      expect(await rows(conn, "select order_id, customer_id, price from corder")).toEqual([["4", "4", "30"]]);
      await conn.query("use `customer:-80`");
      expect((await rows(conn, "select count(*) from customer")).flat()).toEqual(["4"]);
      await conn.query("use customer");
      expect((await rows(conn, "select customer_id from customer order by customer_id")).flat()).toEqual([
        "1",
        "2",
        "3",
        "4",
        "5",
      ]);
    } finally {
      await conn.end();
    }
  });

  it("vexplain plan shows a single-shard route for customer_id = 4 naming 80-", async () => {
    const conn = await connectVtgate();
    try {
      const [[json]] = (await rows(conn, "vexplain plan select * from customer where customer_id = 4")) as [
        [string],
      ];
      const plan = JSON.parse(json);
      expect(plan).toMatchObject({
        operator: "Route",
        variant: "EqualUnique",
        keyspace: "customer",
        shards: ["80-"],
      });
    } finally {
      await conn.end();
    }
  });

  it("show vitess_shards/vitess_tablets and /debug/status cover the new shards and their partitions", async () => {
    const conn = await connectVtgate();
    try {
      const shardsShown = (await rows(conn, "show vitess_shards")).flat().map(String);
      expect(shardsShown).toEqual(expect.arrayContaining(["commerce/0", "customer/-80", "customer/80-"]));
      const tablets = (await rows(conn, "show vitess_tablets")).map((r) => r.map(String).join(" "));
      expect(tablets.some((t) => t.includes("customer -80 PRIMARY SERVING"))).toBe(true);
      expect(tablets.some((t) => t.includes("customer 80- PRIMARY SERVING"))).toBe(true);
      const status = await (await fetch(`http://127.0.0.1:${cluster!.vtgate.httpPort}/debug/status`)).text();
      expect(status).toContain("PRIMARY: -80 80-");
    } finally {
      await conn.end();
    }
  });

  it("answers vindex functions and commits a transaction over both shards", async () => {
    const conn = await connectVtgate();
    try {
      const fn = await rows(conn, "select id, hex_keyspace_id, shard from hash where id in (1, 4)");
      expect(fn.map((r) => r.map((v) => (Buffer.isBuffer(v) ? v.toString() : String(v))))).toEqual([
        ["1", "166b40b44aba4bd6", "-80"],
        ["4", "d2fd8867d50d2dfe", "80-"],
      ]);
      await conn.query("begin");
      await conn.query("update customer set email = 'tx1@domain.com' where customer_id = 1");
      await conn.query("update customer set email = 'tx4@domain.com' where customer_id = 4");
      await conn.query("commit");
      const emails = await rows(
        conn,
        "select email from customer where customer_id in (1, 4) order by customer_id",
      );
      expect(emails.flat().map(String)).toEqual(["tx1@domain.com", "tx4@domain.com"]);
      await conn.query("begin");
      await conn.query("update customer set email = 'rolled@back' where customer_id in (1, 4)");
      await conn.query("rollback");
      const after = await rows(
        conn,
        "select email from customer where customer_id in (1, 4) order by customer_id",
      );
      expect(after.flat().map(String)).toEqual(["tx1@domain.com", "tx4@domain.com"]);
    } finally {
      await conn.end();
    }
  });

  it("fills ids from the sequence starting at its next_id and returns the last insert id", async () => {
    const conn = await connectVtgate();
    try {
      const [first] = (await conn.query("insert into customer(email) values ('seq1@domain.com')")) as [
        { insertId: number },
        unknown,
      ];
      expect(first.insertId).toBe(1000);
      const [two] = (await conn.query(
        "insert into customer(email) values ('seq2@domain.com'), ('seq3@domain.com')",
      )) as [{ insertId: number; affectedRows: number }, unknown];
      expect(two.insertId).toBe(1001);
      expect(two.affectedRows).toBe(2);
      expect((await rows(conn, "select last_insert_id()")).flat().map(String)).toEqual(["1001"]);
      expect(
        (
          await rows(conn, "select customer_id from customer where email like 'seq%' order by customer_id")
        ).flat(),
      ).toEqual(["1000", "1001", "1002"]);
      // The table's next_id moved past the reserved block before any value was handed out.
      const commerce = await connectVtgate("commerce");
      try {
        expect((await rows(commerce, "select next_id from customer_seq")).flat()).toEqual(["1100"]);
      } finally {
        await commerce.end();
      }
    } finally {
      await conn.end();
    }
  });

  it("1,000 concurrent inserts (20 connections x 50) get 1,000 distinct ids", async () => {
    const conns = await Promise.all(Array.from({ length: 20 }, () => connectVtgate()));
    try {
      const ids = await Promise.all(
        conns.map(async (conn, c) => {
          const mine: number[] = [];
          for (let i = 0; i < 50; i++) {
            const [r] = (await conn.query(
              `insert into corder(customer_id, sku, price) values (${c * 50 + i + 1}, 'C', 1)`,
            )) as [{ insertId: number }, unknown];
            mine.push(r.insertId);
          }
          return mine;
        }),
      );
      const all = ids.flat();
      expect(new Set(all).size).toBe(1000);
      expect(Math.min(...all)).toBeGreaterThanOrEqual(1000);
      expect((await rows(conns[0]!, "select count(*) from corder where sku = 'C'")).flat()).toEqual(["1000"]);
    } finally {
      await Promise.all(conns.map((c) => c.end()));
    }
  });

  it("refuses a NULL vindex value and an UPDATE of the primary vindex column", async () => {
    const conn = await connectVtgate();
    try {
      await expect(
        conn.query("insert into corder(order_id, customer_id, sku, price) values (77, null, 'x', 1)"),
      ).rejects.toThrow(/vindex column customer_id .*NULL/);
      await expect(conn.query("update customer set customer_id = 9 where customer_id = 4")).rejects.toThrow(
        /unsupported: you cannot UPDATE primary vindex columns; invalid update on vindex: hash/,
      );
    } finally {
      await conn.end();
    }
  });
});

function loadStatements(): string[] {
  const out: string[] = [];
  const customers: string[] = [];
  for (let id = 1; id <= 200; id++) customers.push(`(${id}, 'user${id}@domain${id % 7}.com')`);
  const orders: string[] = [];
  for (let i = 1; i <= 600; i++) {
    orders.push(`(${i}, ${((i * 7) % 200) + 1}, 'SKU-${1000 + (i % 13)}', ${((i * 37) % 500) + 1})`);
  }
  for (let i = 0; i < customers.length; i += 50) {
    out.push(`insert into customer(customer_id, email) values ${customers.slice(i, i + 50).join(", ")}`);
  }
  for (let i = 0; i < orders.length; i += 50) {
    out.push(
      `insert into corder(order_id, customer_id, sku, price) values ${orders.slice(i, i + 50).join(", ")}`,
    );
  }
  return out;
}

function canonical(result: unknown): string {
  if (!Array.isArray(result)) {
    const r = result as { affectedRows?: number };
    return JSON.stringify({ affectedRows: r.affectedRows });
  }
  return JSON.stringify(
    result.map((row: unknown[]) =>
      row.map((v) => (Buffer.isBuffer(v) ? v.toString("utf8") : String(v ?? "NULL"))),
    ),
  );
}

describe("differential: the sharded keyspace answers as one MariaDB database", () => {
  it("gives the same results for every query of testdata/differential-queries.sql, or says unsupported", async () => {
    const direct = await createConnection({
      socketPath: plain!.socket,
      user: "vt_dba",
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      multipleStatements: false,
    });
    const gate = await connectVtgate();
    try {
      await direct.query("create database ref");
      await direct.query("use ref");
      for (const sql of CUSTOMER_TABLES) await direct.query(sql);
      await gate.query("delete from corder");
      await gate.query("delete from customer");
      for (const sql of loadStatements()) {
        await direct.query(sql);
        await gate.query(sql);
      }
      const queries = readFileSync(join(HERE, "testdata/differential-queries.sql"), "utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "" && !l.startsWith("--"));
      expect(queries.length).toBeGreaterThanOrEqual(150);
      const unsupported: string[] = [];
      const mismatches: string[] = [];
      const bothFailed: string[] = [];
      for (const sql of queries) {
        let viaGate: string;
        try {
          const [r] = await gate.query({ sql, rowsAsArray: true });
          viaGate = canonical(r);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (/unsupported/i.test(message)) {
            unsupported.push(`${sql}  -- ${message}`);
            continue;
          }
          viaGate = `error: ${message}`;
        }
        let viaDirect: string;
        try {
          const [r] = await direct.query({ sql, rowsAsArray: true });
          viaDirect = canonical(r);
        } catch (err) {
          viaDirect = `error: ${err instanceof Error ? err.message : String(err)}`;
        }
        const ordered = /\border\s+by\b/i.test(sql) && !/group_concat/i.test(sql);
        const norm = (s: string) => {
          if (ordered || !s.startsWith("[")) return s;
          return JSON.stringify((JSON.parse(s) as string[][]).map((r) => JSON.stringify(r)).sort());
        };
        if (viaGate.startsWith("error:") && viaDirect.startsWith("error:")) {
          bothFailed.push(`${sql}\n  vtgate: ${viaGate}\n  direct: ${viaDirect}`);
          continue;
        }
        if (norm(viaGate) !== norm(viaDirect))
          mismatches.push(`${sql}\n  vtgate: ${viaGate.slice(0, 300)}\n  direct: ${viaDirect.slice(0, 300)}`);
      }
      console.log(
        `differential: ${queries.length} queries, ${unsupported.length} unsupported:\n${unsupported.join("\n")}`,
      );
      expect(mismatches).toEqual([]);
      // Both sides failing counts as agreement only for the odd statement (a duplicate key).
      expect(bothFailed).toEqual([]);
      expect(queries.length - unsupported.length).toBeGreaterThanOrEqual(150);
    } finally {
      await gate.end();
      await direct.end();
    }
  });
});

describe("sequences across a vttablet restart", () => {
  it("never hands out a reserved value again: after a restart ids continue from the persisted next_id", async () => {
    const conn = await connectVtgate();
    try {
      const insert = async (email: string) => {
        const [r] = (await conn.query(`insert into customer(email) values ('${email}')`)) as [
          { insertId: number },
          unknown,
        ];
        return r.insertId;
      };
      const before = await insert("before-restart@domain.com");
      expect(before).toBe(1003); // 1000-1002 were handed out above, from the block 1000-1099
      await cluster!.shards.get("commerce/0")!.tablets[0]!.restart();
      let after: number | undefined;
      const deadline = Date.now() + 60_000;
      while (after === undefined) {
        try {
          after = await insert("after-restart@domain.com");
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
      expect(after).toBe(1100);
    } finally {
      await conn.end();
    }
  }, 120_000);
});
