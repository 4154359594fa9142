import { afterEach, describe, expect, it } from "vitest";
import { fakeResult } from "../../../libs/discovery/testing/fake-tablet.js";
import { rowsAsStrings } from "../../../libs/mysql/query-result.js";
import { type BindVariable, type QueryResult, Type } from "../../../libs/proto/query.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import { localField, localResult } from "../engine/results.js";
import { createSandbox, type Sandbox } from "../testing/sandbox.js";

const COMMERCE = [
  "zone1-100 commerce 0 PRIMARY",
  "zone1-101 commerce 0 REPLICA",
  "zone1-102 commerce 0 RDONLY",
];
const CUSTOMER = ["zone1-200 customer 0 PRIMARY", "zone1-201 customer 0 REPLICA"];

const TWO_KEYSPACES_VSCHEMA = {
  keyspaces: {
    commerce: { tables: { product: {} } },
    customer: { tables: { customer: {}, corder: {} } },
  },
};

async function failure(promise: Promise<unknown>): Promise<VtError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VtError);
  return err as VtError;
}

describe("Executor: routing for unsharded keyspaces", () => {
  let sb: Sandbox;
  afterEach(() => sb?.close());

  it("sends a statement to the only keyspace's primary when there is no VSchema", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session();
    await sb.run(session, "select * from customer where customer_id = 1");
    expect(sb.tablet(100).queries()).toEqual(["select * from customer where customer_id = 1"]);
    expect(sb.tablet(100).calls[0]?.target).toMatchObject({
      keyspace: "commerce",
      shard: "0",
      tabletType: TabletType.PRIMARY,
    });
    expect(sb.tablet(101).queries()).toEqual([]);
  });

  it("routes by the session target: @replica, @rdonly, an explicit shard", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session();
    await sb.run(session, "use commerce@replica");
    await sb.run(session, "select 1 from product");
    expect(sb.tablet(101).queries()).toEqual(["select 1 from product"]);
    await sb.run(session, "use `commerce@rdonly`");
    await sb.run(session, "select 2 from product");
    expect(sb.tablet(102).queries()).toEqual(["select 2 from product"]);
    await sb.run(session, "use commerce/0");
    await sb.run(session, "select 3 from commerce.product");
    expect(sb.tablet(100).queries()).toEqual(["select 3 from `vt_commerce`.product"]);
    expect(session.targetString).toBe("commerce/0");
    expect(sb.tablet(100).queries().length + sb.tablet(101).queries().length).toBe(2);
  });

  it("rewrites keyspace qualifiers to the tablets' database", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session();
    await sb.run(
      session,
      "select commerce.customer.email from commerce.customer join `commerce`.corder using (customer_id)",
    );
    expect(sb.tablet(100).queries()).toEqual([
      "select `vt_commerce`.customer.email from `vt_commerce`.customer join `vt_commerce`.corder using (customer_id)",
    ]);
  });

  it("finds unqualified tables through the VSchema of several keyspaces", async () => {
    sb = await createSandbox({ tablets: [...COMMERCE, ...CUSTOMER], srvVSchema: TWO_KEYSPACES_VSCHEMA });
    const session = sb.session();
    await sb.run(session, "select * from corder");
    await sb.run(session, "select * from product");
    expect(sb.tablet(200).queries()).toEqual(["select * from corder"]);
    expect(sb.tablet(100).queries()).toEqual(["select * from product"]);
  });

  it("answers an unknown table with 1146 and an unknown keyspace with 1049", async () => {
    sb = await createSandbox({ tablets: [...COMMERCE, ...CUSTOMER], srvVSchema: TWO_KEYSPACES_VSCHEMA });
    const session = sb.session();
    const noTable = await failure(sb.run(session, "select * from nosuch"));
    expect(noTable.mysql).toEqual({ errno: 1146, sqlstate: "42S02" });
    expect(noTable.message).toContain("nosuch");
    const noKeyspace = await failure(sb.run(session, "select * from nosuch.t"));
    expect(noKeyspace.mysql).toEqual({ errno: 1049, sqlstate: "42000" });
    expect(noKeyspace.message).toBe("Unknown database 'nosuch'");
    const useUnknown = await failure(sb.run(session, "use nosuch"));
    expect(useUnknown.mysql?.errno).toBe(1049);
    const syntax = await failure(sb.run(session, "selec 1"));
    expect(syntax.mysql).toEqual({ errno: 1064, sqlstate: "42000" });
    // The session is still usable, and an unsharded keyspace takes any table name when selected.
    await sb.run(session, "use customer");
    await sb.run(session, "select * from nosuch");
    expect(sb.tablet(200).queries()).toEqual(["select * from nosuch"]);
  });

  it("honours routing rules, per tablet type and for qualified names", async () => {
    sb = await createSandbox({
      tablets: [...COMMERCE, ...CUSTOMER],
      srvVSchema: {
        keyspaces: {
          commerce: { tables: { customer: {}, product: {} } },
          customer: { tables: { customer: {} } },
        },
        routing_rules: {
          rules: [
            { from_table: "customer", to_tables: ["commerce.customer"] },
            { from_table: "customer.customer", to_tables: ["commerce.customer"] },
            { from_table: "customer@replica", to_tables: ["customer.customer"] },
            { from_table: "commerce.customer@replica", to_tables: ["customer.customer"] },
          ],
        },
      },
    });
    const session = sb.session();
    await sb.run(session, "select * from customer");
    await sb.run(session, "select * from customer.customer");
    expect(sb.tablet(100).queries()).toEqual([
      "select * from customer",
      "select * from `vt_commerce`.customer",
    ]);
    await sb.run(session, "use @replica");
    await sb.run(session, "select * from customer");
    expect(sb.tablet(201).queries()).toEqual(["select * from customer"]);
    await sb.run(session, "use commerce@replica");
    await sb.run(session, "select * from commerce.customer");
    await sb.run(session, "select * from product");
    expect(sb.tablet(201).queries()).toEqual([
      "select * from customer",
      "select * from `vt_customer`.customer",
    ]);
    expect(sb.tablet(101).queries()).toEqual(["select * from product"]);
  });

  it("refuses writes with a replica target", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session("commerce@replica");
    const err = await failure(sb.run(session, "insert into product values ('a', 'b', 1)"));
    expect(err.message).toBe("INSERT statement with a replica target");
    expect(err.mysql?.errno).toBe(1874);
  });

  it("refuses keyspaces the user may not use", async () => {
    sb = await createSandbox({ tablets: [...COMMERCE, ...CUSTOMER], srvVSchema: TWO_KEYSPACES_VSCHEMA });
    const session = sb.session();
    const context = { user: { user: "alice", keyspaces: ["customer"] } };
    const err = await failure(sb.run(session, "select * from product", context));
    expect(err.mysql?.errno).toBe(1044);
    expect(err.message).toBe("Access denied for user 'alice' to database 'commerce'");
    await sb.run(session, "select * from customer", context);
    const shown = await sb.run(session, "show vitess_keyspaces", context);
    expect(rowsAsStrings(shown)).toEqual([["customer"]]);
  });

  it("turns prepared statement placeholders into :vN bind variables", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session("commerce");
    const bindVars: Record<string, BindVariable> = {
      v1: { type: Type.INT64, value: Buffer.from("1"), values: [] },
      v2: { type: Type.VARCHAR, value: Buffer.from("x"), values: [] },
    };
    await sb.executor.execute(session, "select * from customer where id = ? and email = ?", bindVars, {});
    const call = sb.tablet(100).calls[0];
    expect(call?.sql).toBe("select * from customer where id = :v1 and email = :v2");
    expect(call?.bindVariables).toEqual(bindVars);
  });

  it("caches plans per SQL and target, and drops them when the VSchema changes", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session("commerce");
    await sb.run(session, "select * from customer");
    await sb.run(session, "select * from customer");
    expect(sb.executor.planCache).toMatchObject({ size: 1, hits: 1, misses: 1 });
    sb.setSrvVSchema({ keyspaces: { commerce: { tables: { customer: {} } } } });
    await sb.run(session, "select * from customer");
    expect(sb.executor.planCache.misses).toBe(2);
  });
});

describe("Executor: session statements", () => {
  let sb: Sandbox;
  afterEach(() => sb?.close());

  it("answers @@version, database(), last_insert_id() and literals at vtgate", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session("commerce");
    sb.tablet(100).answer("insert into customer(email) values ('a')", fakeResult(1, "42"));
    await sb.run(session, "insert into customer(email) values ('a')");
    const result = await sb.run(
      session,
      "select @@version, @@version_comment, database(), last_insert_id(), 1, 'x' as y",
    );
    expect(result.fields.map((f) => f.name)).toEqual([
      "@@version",
      "@@version_comment",
      "database()",
      "last_insert_id()",
      "1",
      "y",
    ]);
    expect(rowsAsStrings(result)).toEqual([["8.0.40-Vitess", "vitess-ts", "commerce", "42", "1", "x"]]);
    expect(sb.tablet(100).queries()).toEqual(["insert into customer(email) values ('a')"]);
  });

  it("binds database() and last_insert_id() when the statement goes to a tablet", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session("commerce");
    await sb.run(session, "select database(), now() from dual");
    const call = sb.tablet(100).calls[0];
    expect(call?.sql).toBe("select :__vtdbname, now() from dual");
    expect(call?.bindVariables.__vtdbname?.value.toString()).toBe("commerce");
  });

  it("keeps SET values in the session and refuses unknown or global ones", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session("commerce");
    await sb.run(session, "set names utf8mb4, sql_mode = 'STRICT_TRANS_TABLES', @x = 5");
    expect(session.systemVariable("sql_mode")).toBe("'STRICT_TRANS_TABLES'");
    expect(rowsAsStrings(await sb.run(session, "select @x"))).toEqual([["5"]]);
    await sb.run(session, "select * from t where a = @x");
    expect(sb.tablet(100).calls[0]?.sql).toBe("select * from t where a = :__vtudvx");
    expect(sb.tablet(100).calls[0]?.bindVariables.__vtudvx?.value.toString()).toBe("5");
    expect((await failure(sb.run(session, "set nosuch_var = 1"))).mysql?.errno).toBe(1193);
    expect((await failure(sb.run(session, "set global sql_mode = ''"))).code).toBe(Code.UNIMPLEMENTED);
    await sb.run(session, "set transaction isolation level read committed");
    expect(rowsAsStrings(await sb.run(session, "select @@transaction_isolation"))).toEqual([
      ["READ-COMMITTED"],
    ]);
  });

  it("shows tablets, keyspaces, databases and shards", async () => {
    sb = await createSandbox({ tablets: [...COMMERCE, ...CUSTOMER] });
    const session = sb.session();
    const tablets = await sb.run(session, "show vitess_tablets");
    expect(tablets.fields.map((f) => f.name)).toEqual([
      "Cell",
      "Keyspace",
      "Shard",
      "TabletType",
      "State",
      "Alias",
      "Hostname",
      "PrimaryTermStartTime",
    ]);
    expect(rowsAsStrings(tablets).map((r) => r.slice(0, 6))).toEqual([
      ["zone1", "commerce", "0", "PRIMARY", "SERVING", "zone1-0000000100"],
      ["zone1", "commerce", "0", "REPLICA", "SERVING", "zone1-0000000101"],
      ["zone1", "commerce", "0", "RDONLY", "SERVING", "zone1-0000000102"],
      ["zone1", "customer", "0", "PRIMARY", "SERVING", "zone1-0000000200"],
      ["zone1", "customer", "0", "REPLICA", "SERVING", "zone1-0000000201"],
    ]);
    expect(rowsAsStrings(tablets)[0]?.[7]).toBe("1970-01-01T00:00:01Z");
    expect(rowsAsStrings(tablets)[1]?.[7]).toBe("");
    expect(rowsAsStrings(await sb.run(session, "show vitess_keyspaces"))).toEqual([
      ["commerce"],
      ["customer"],
    ]);
    expect(rowsAsStrings(await sb.run(session, "show databases"))).toEqual([
      ["commerce"],
      ["customer"],
      ["information_schema"],
      ["mysql"],
      ["sys"],
      ["performance_schema"],
    ]);
    const shards = await sb.run(session, "show vitess_shards");
    expect(shards.fields[0]?.name).toBe("Shards");
    expect(rowsAsStrings(shards)).toEqual([["commerce/0"], ["customer/0"]]);
  });

  it("sends SHOW about a database or a table to its keyspace with the database name", async () => {
    sb = await createSandbox({ tablets: [...COMMERCE, ...CUSTOMER], srvVSchema: TWO_KEYSPACES_VSCHEMA });
    const session = sb.session();
    await sb.run(session, "show full tables from commerce");
    await sb.run(session, "show full columns from customer.customer");
    await sb.run(session, "show index from corder from customer");
    await sb.run(session, "show create table product");
    expect(sb.tablet(100).queries()).toEqual([
      "show full tables from `vt_commerce`",
      "show create table product",
    ]);
    expect(sb.tablet(200).queries()).toEqual([
      "show full columns from `vt_customer`.customer",
      "show index from corder from `vt_customer`",
    ]);
  });

  it("maps keyspace names to database names and back for information_schema", async () => {
    sb = await createSandbox({ tablets: [...COMMERCE, ...CUSTOMER], srvVSchema: TWO_KEYSPACES_VSCHEMA });
    const sql =
      "select table_schema, table_name from information_schema.tables where table_schema = 'customer'";
    sb.tablet(200).answer(
      "select table_schema, table_name from information_schema.tables where table_schema = 'vt_customer'",
      localResult([localField("TABLE_SCHEMA"), localField("TABLE_NAME")], [["vt_customer", "corder"]]),
    );
    const result = await sb.run(sb.session(), sql);
    expect(rowsAsStrings(result)).toEqual([["customer", "corder"]]);
  });
});

describe("Executor: transactions", () => {
  let sb: Sandbox;
  afterEach(() => sb?.close());

  it("begins on the first statement, pins the shard session to its tablet and commits it", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session("commerce");
    await sb.run(session, "begin");
    expect(session.inTransaction).toBe(true);
    expect(sb.tablet(100).calls).toEqual([]);
    await sb.run(session, "insert into t values (1)");
    await sb.run(session, "insert into t values (2)");
    const primary = sb.tablet(100);
    expect(primary.calls.map((c) => c.method)).toEqual(["beginExecute", "execute"]);
    const txId = session.shardSessions[0]?.transactionId;
    expect(txId).toBeGreaterThan(0);
    expect(primary.calls[1]?.transactionId).toBe(txId);
    await sb.run(session, "commit");
    expect(primary.calls.map((c) => c.method)).toEqual(["beginExecute", "execute", "commit"]);
    expect(primary.transactions.size).toBe(0);
    expect(session.inTransaction).toBe(false);
    expect(session.shardSessions).toEqual([]);
  });

  it("rolls back, and keeps replica reads out of the transaction", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session("commerce");
    await sb.run(session, "start transaction");
    await sb.run(session, "insert into t values (1)");
    await sb.run(session, "use commerce@replica");
    await sb.run(session, "select * from t");
    expect(sb.tablet(101).calls[0]?.transactionId).toBe(0);
    await sb.run(session, "rollback");
    expect(sb.tablet(100).calls.map((c) => c.method)).toEqual(["beginExecute", "rollback"]);
    expect(sb.tablet(100).transactions.size).toBe(0);
  });

  it("starts a transaction implicitly with autocommit off, and commits when it is turned on", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session("commerce");
    await sb.run(session, "set autocommit = 0");
    await sb.run(session, "update t set a = 1");
    expect(session.inTransaction).toBe(true);
    await sb.run(session, "set autocommit = 1");
    expect(session.inTransaction).toBe(false);
    expect(sb.tablet(100).calls.map((c) => c.method)).toEqual(["beginExecute", "commit"]);
  });

  it("commits before DDL", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session("commerce");
    await sb.run(session, "begin");
    await sb.run(session, "insert into t values (1)");
    await sb.run(session, "create table t2 (id bigint primary key)");
    expect(sb.tablet(100).calls.map((c) => [c.method, c.transactionId === 0])).toEqual([
      ["beginExecute", true],
      ["commit", false],
      ["execute", true],
    ]);
    expect(session.inTransaction).toBe(false);
  });

  it("queues savepoints until the transaction reaches a shard", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session("commerce");
    await sb.run(session, "begin");
    await sb.run(session, "savepoint a");
    await sb.run(session, "insert into t values (1)");
    expect(sb.tablet(100).calls[0]?.preQueries).toEqual(["savepoint a"]);
    await sb.run(session, "rollback to a");
    expect(sb.tablet(100).calls[1]).toMatchObject({ method: "execute", sql: "rollback to a" });
    const err = await failure(sb.run(sb.session("commerce"), "rollback to nope"));
    expect(err.mysql?.errno).toBe(1305);
  });

  it("keeps the transaction of a failed first statement so ROLLBACK ends it", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    const session = sb.session("commerce");
    sb.tablet(100).answer("insert into nope values (1)", () => {
      throw new VtError(Code.NOT_FOUND, "Table 'vt_commerce.nope' doesn't exist", {
        mysql: { errno: 1146, sqlstate: "42S02" },
      });
    });
    await sb.run(session, "begin");
    const err = await failure(sb.run(session, "insert into nope values (1)"));
    expect(err.mysql?.errno).toBe(1146);
    expect(err.message).toBe("target: commerce.0.primary: Table 'vt_commerce.nope' doesn't exist");
    expect(sb.tablet(100).transactions.size).toBe(1);
    await sb.run(session, "rollback");
    expect(sb.tablet(100).transactions.size).toBe(0);
  });
});

describe("Executor: primary failover", () => {
  let sb: Sandbox;
  afterEach(() => sb?.close());

  it("buffers a write while the primary changes and runs it on the new primary", async () => {
    sb = await createSandbox({ tablets: ["zone1-100 commerce 0 PRIMARY", "zone1-101 commerce 0 REPLICA"] });
    const session = sb.session("commerce");
    const oldPrimary = sb.tablet(100);
    const newPrimary = sb.tablet(101);
    // PlannedReparentShard: the old primary stops serving...
    oldPrimary.serving = false;
    const write = sb.run(session, "insert into t values (1)");
    await new Promise((resolve) => setTimeout(resolve, 50));
    // ...and the replica is promoted.
    newPrimary.setHealth({ type: TabletType.PRIMARY, primaryTermStartTime: 100 });
    oldPrimary.setHealth({ type: TabletType.REPLICA, serving: true });
    await write;
    expect(oldPrimary.queries()).toEqual(["insert into t values (1)"]);
    expect(newPrimary.queries()).toEqual(["insert into t values (1)"]);
    expect(newPrimary.calls[0]?.target?.tabletType).toBe(TabletType.PRIMARY);
  });

  it("does not buffer inside a transaction: the error reaches the client", async () => {
    sb = await createSandbox({ tablets: ["zone1-100 commerce 0 PRIMARY", "zone1-101 commerce 0 REPLICA"] });
    const session = sb.session("commerce");
    await sb.run(session, "begin");
    await sb.run(session, "insert into t values (1)");
    sb.tablet(100).failNext(new VtError(Code.UNAVAILABLE, "operation not allowed in state NOT_SERVING"), 1);
    const err = await failure(sb.run(session, "insert into t values (2)"));
    expect(err.code).toBe(Code.UNAVAILABLE);
  });
});

function streamed(results: QueryResult[]): string[][] {
  return results.flatMap((r) => rowsAsStrings(r) as string[][]);
}

describe("Executor: streaming", () => {
  let sb: Sandbox;
  afterEach(() => sb?.close());

  it("streams fields then rows from the tablet", async () => {
    sb = await createSandbox({ tablets: COMMERCE });
    sb.tablet(100).answer("select a from t", localResult([localField("a")], [["1"], ["2"]]));
    const results: QueryResult[] = [];
    await sb.executor.streamExecute(sb.session("commerce"), "select a from t", {}, {}, async (r) => {
      results.push(r);
    });
    expect(results[0]?.fields.map((f) => f.name)).toEqual(["a"]);
    expect(streamed(results)).toEqual([["1"], ["2"]]);
  });
});
