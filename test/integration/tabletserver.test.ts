import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGrpcClient, type GrpcClientHandle, GrpcServer } from "../../libs/grpc/index.js";
import { rowsAsStrings, rowsOf } from "../../libs/mysql/query-result.js";
import {
  type BindVariable,
  type BoundQuery,
  ExecuteOptions,
  ExecuteOptions_Workload,
  type QueryResult,
  type StreamHealthResponse,
  type Target,
  Type,
} from "../../libs/proto/query.js";
import { QueryService } from "../../libs/proto/queryservice.js";
import { TabletType } from "../../libs/proto/topodata.js";
import { Code, fromRpcError, isVtError, type VtError } from "../../libs/vterrors/index.js";
import { TabletServer } from "../../services/vttablet/tabletserver/index.js";
import { startMysqld, type TestMysqld } from "../harness/mysqld.js";
import { makeTestDir } from "../harness/test-dir.js";

const ALIAS = { cell: "zone1", uid: 310 };
const PRIMARY: Target = { keyspace: "commerce", shard: "0", tabletType: TabletType.PRIMARY, cell: "zone1" };
const TERM_START = 1_700_000_000;
const BIG_ROWS = 50_000;

const int = (n: number | string): BindVariable => ({
  type: Type.INT64,
  value: Buffer.from(String(n)),
  values: [],
});
const text = (value: string): BindVariable => ({ type: Type.VARCHAR, value: Buffer.from(value), values: [] });
const bytes = (value: Buffer): BindVariable => ({ type: Type.VARBINARY, value, values: [] });
const nul: BindVariable = { type: Type.NULL_TYPE, value: Buffer.alloc(0), values: [] };
const query = (sql: string, bindVariables: Record<string, BindVariable> = {}): BoundQuery => ({
  sql,
  bindVariables,
});

function executeRequest(sql: string, bindVariables: Record<string, BindVariable> = {}, transactionId = 0) {
  return {
    effectiveCallerId: undefined,
    immediateCallerId: undefined,
    target: PRIMARY,
    query: query(sql, bindVariables),
    transactionId,
    options: undefined,
    reservedId: 0,
  };
}

async function failure(promise: Promise<unknown>): Promise<VtError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isVtError(err)) throw new Error(`expected a VtError, got ${String(err)}`);
  return err;
}

describe("TabletServer query service against MariaDB", () => {
  let mysqld: TestMysqld;
  let tablet: TabletServer;
  let grpc: GrpcServer;
  let client: GrpcClientHandle<typeof QueryService>;
  const registry = new Registry();
  const logger = pino({ level: "silent" });

  const execute = async (
    sql: string,
    bindVariables: Record<string, BindVariable> = {},
    transactionId = 0,
  ) => {
    const response = await client.rpc.execute(executeRequest(sql, bindVariables, transactionId));
    return response.result as QueryResult;
  };
  const begin = async () =>
    (await client.rpc.begin({ ...executeRequest(""), options: undefined })).transactionId;
  const txRequest = (transactionId: number) => ({
    effectiveCallerId: undefined,
    immediateCallerId: undefined,
    target: PRIMARY,
    transactionId,
  });
  const count = async (table: string) =>
    rowsAsStrings(await execute(`select count(*) from ${table}`))[0]?.[0];

  beforeAll(async () => {
    const root = makeTestDir("tabletserver");
    mysqld = await startMysqld(root, { uid: ALIAS.uid });
    const dba = await mysqld.connect("vt_dba");
    try {
      // mysqlctl starts tablets read-only; the tablet manager makes a primary writable.
      await dba.query("set global read_only = 0");
      await dba.query("create database vt_commerce");
      await dba.query(
        "create table vt_commerce.customer (customer_id bigint unsigned not null auto_increment primary key, " +
          "email varchar(128), note text)",
      );
      await dba.query("create table vt_commerce.product (sku varchar(32) primary key, price int)");
      await dba.query("create table vt_commerce.big (id int primary key, payload varchar(64))");
      await dba.query(`set session max_recursive_iterations = ${BIG_ROWS + 1}`);
      await dba.query(
        `insert into vt_commerce.big with recursive seq (n) as (select 1 union all select n + 1 from seq where n < ${BIG_ROWS}) ` +
          "select n, concat('payload-', n, '-', repeat('x', 20)) from seq",
      );
      await dba.query(
        "create table vt_commerce.everything (id int primary key, vb varbinary(300), bl blob, vc varchar(64), " +
          "tx text, i int, ub bigint unsigned, d decimal(10,3), f double, dt datetime(6), tm time, y year, " +
          "b bit(8), e enum('a','b'), j json)",
      );
    } finally {
      await dba.end();
    }
    tablet = new TabletServer(
      {
        alias: ALIAS,
        dbName: "vt_commerce",
        mysql: { socket: mysqld.socket },
        appUser: "vt_app",
        appPassword: "",
        dbaUser: "vt_dba",
        dbaPassword: "",
        poolSize: 3,
        streamPoolSize: 2,
        txPoolSize: 3,
        queryTimeoutMs: 1_000,
        txTimeoutMs: 500,
        maxResultRows: 10_000,
        streamChunkBytes: 64 * 1024,
        poolTimeoutMs: 2_000,
      },
      logger,
      registry,
    );
    await tablet.open();
    tablet.setState({ target: PRIMARY, serving: true, primaryTermStartTime: TERM_START });
    grpc = new GrpcServer(logger);
    grpc.addService(QueryService, tablet.handlers());
    const port = await grpc.listen("127.0.0.1", 0);
    client = createGrpcClient(QueryService, `127.0.0.1:${port}`);
  });

  afterAll(async () => {
    client?.close();
    await grpc?.shutdown(1_000);
    await tablet?.close(1_000);
    await mysqld?.shutdown();
  });

  it("executes inserts and selects with bind variables", async () => {
    const inserted = await execute("insert into customer (email, note) values (:email, :note)", {
      email: text("alice@domain.com"),
      note: text('it\'s "quoted" \\ :not_a_var'),
    });
    expect(inserted.rowsAffected).toBe(1);
    expect(inserted.insertId).toBe("1");
    expect(inserted.fields).toEqual([]);
    await execute("insert into customer (email) values (:a), (:b)", { a: text("bob@domain.com"), b: nul });

    const selected = await execute(
      "select customer_id, email, note from customer where customer_id in ::ids order by 1",
      {
        ids: { type: Type.TUPLE, value: Buffer.alloc(0), values: [int(1), int(3)] },
      },
    );
    expect(selected.fields.map((f) => [f.name, f.type])).toEqual([
      ["customer_id", Type.UINT64],
      ["email", Type.VARCHAR],
      ["note", Type.TEXT],
    ]);
    expect(selected.fields[1]).toMatchObject({
      table: "customer",
      orgTable: "customer",
      database: "vt_commerce",
    });
    expect(rowsAsStrings(selected)).toEqual([
      ["1", "alice@domain.com", 'it\'s "quoted" \\ :not_a_var'],
      ["3", null, null],
    ]);
  });

  it("reports a syntax error with MySQL's errno and SQLSTATE, and keeps serving", async () => {
    for (let i = 0; i < 5; i++) {
      const err = await failure(execute("selec 1 frm dual"));
      expect(err.code).toBe(Code.INVALID_ARGUMENT);
      expect(err.mysql).toEqual({ errno: 1064, sqlstate: "42000" });
      expect(err.message).toContain("zone1-0000000310");
      expect(err.message).toContain("You have an error in your SQL syntax");
    }
    const missing = await failure(execute("select * from nope"));
    expect(missing.code).toBe(Code.NOT_FOUND);
    expect(missing.mysql).toEqual({ errno: 1146, sqlstate: "42S02" });
    const badBind = await failure(
      execute("select :x", { x: { type: Type.INT64, value: Buffer.from("1 or 1"), values: [] } }),
    );
    expect(badBind.code).toBe(Code.INVALID_ARGUMENT);
    const beginStatement = await failure(execute("begin"));
    expect(beginStatement.message).toContain("BEGIN is not allowed in Execute");
    expect(rowsAsStrings(await execute("select 1"))).toEqual([["1"]]);
  });

  it("refuses a target this tablet does not serve", async () => {
    const request = { ...executeRequest("select 1"), target: { ...PRIMARY, tabletType: TabletType.REPLICA } };
    const err = await failure(client.rpc.execute(request));
    expect(err.code).toBe(Code.FAILED_PRECONDITION);
    expect(err.message).toContain(
      "invalid target: wanted commerce/0 (REPLICA), this tablet zone1-0000000310 serves commerce/0 (PRIMARY)",
    );
    const otherKeyspace = { ...executeRequest("select 1"), target: { ...PRIMARY, keyspace: "customer" } };
    expect((await failure(client.rpc.execute(otherKeyspace))).code).toBe(Code.FAILED_PRECONDITION);
    const noTarget = { ...executeRequest("select 2"), target: undefined };
    expect(rowsAsStrings((await client.rpc.execute(noTarget)).result as QueryResult)).toEqual([["2"]]);
  });

  it("rolls back and commits transactions on their own connection", async () => {
    const rolledBack = await begin();
    const response = await client.rpc.begin({ ...executeRequest(""), options: undefined });
    expect(response.tabletAlias).toEqual(ALIAS);
    expect(response.transactionId).toBeGreaterThan(rolledBack);
    await client.rpc.rollback(txRequest(response.transactionId));

    await execute("insert into product (sku, price) values ('rollback-me', 1)", {}, rolledBack);
    expect(await count("product")).toBe("0");
    expect(rowsAsStrings(await execute("select count(*) from product", {}, rolledBack))).toEqual([["1"]]);
    await client.rpc.rollback(txRequest(rolledBack));
    expect(await count("product")).toBe("0");

    const committed = await client.rpc.beginExecute({
      ...executeRequest("insert into product (sku, price) values (:sku, :price)", {
        sku: text("keep"),
        price: int(5),
      }),
      preQueries: [],
    });
    expect(committed.error).toBeUndefined();
    expect(committed.result?.rowsAffected).toBe(1);
    await client.rpc.commit(txRequest(committed.transactionId));
    expect(rowsAsStrings(await execute("select sku, price from product"))).toEqual([["keep", "5"]]);

    const ended = await failure(client.rpc.commit(txRequest(committed.transactionId)));
    expect(ended.code).toBe(Code.ABORTED);
    expect(ended.message).toContain(`transaction ${committed.transactionId}: ended at`);
    expect((await failure(client.rpc.rollback(txRequest(12345)))).message).toContain(
      "transaction 12345: not found",
    );
  });

  it("reports a statement error of BeginExecute inside the response, with the transaction open", async () => {
    const response = await client.rpc.beginExecute({ ...executeRequest("selec 1"), preQueries: [] });
    expect(response.transactionId).toBeGreaterThan(0);
    const err = fromRpcError(response.error);
    expect(err?.code).toBe(Code.INVALID_ARGUMENT);
    expect(err?.mysql).toEqual({ errno: 1064, sqlstate: "42000" });
    await client.rpc.rollback(txRequest(response.transactionId));
  });

  it("kills a transaction open past its timeout, and says so on the next call", async () => {
    const transactionId = await begin();
    await execute("insert into product (sku, price) values ('doomed', 1)", {}, transactionId);
    await sleep(900);
    const err = await failure(execute("select 1", {}, transactionId));
    expect(err.code).toBe(Code.ABORTED);
    expect(err.message).toMatch(
      new RegExp(`transaction ${transactionId}: ended at .* \\(exceeded timeout: 500ms\\)`),
    );
    expect((await failure(client.rpc.commit(txRequest(transactionId)))).code).toBe(Code.ABORTED);
    expect(rowsAsStrings(await execute("select count(*) from product where sku = 'doomed'"))).toEqual([
      ["0"],
    ]);
    const killed = await registry.getSingleMetric("vttablet_transactions_killed_total")?.get();
    expect(killed?.values[0]?.value).toBeGreaterThanOrEqual(1);
    // The killed transaction's connection went back: all of the pool can still be used.
    const ids = await Promise.all([begin(), begin(), begin()]);
    await Promise.all(ids.map((id) => client.rpc.rollback(txRequest(id))));
  });

  it("kills a statement past the query timeout and enforces the row limit", async () => {
    const started = Date.now();
    const timedOut = await failure(execute("select sleep(5)"));
    expect(timedOut.code).toBe(Code.DEADLINE_EXCEEDED);
    expect(timedOut.message).toContain("query timed out after 1000 ms");
    expect(Date.now() - started).toBeLessThan(4_000);
    const tooMany = await failure(execute("select * from big"));
    expect(tooMany.code).toBe(Code.RESOURCE_EXHAUSTED);
    expect(tooMany.message).toContain("Row count exceeded 10000");
    expect(tooMany.mysql?.errno).toBe(10001);
    expect((await execute("select * from big where id <= 10000")).rows).toHaveLength(10_000);
    const olap = await client.rpc.execute({
      ...executeRequest("select id from big"),
      options: ExecuteOptions.fromPartial({ workload: ExecuteOptions_Workload.OLAP }),
    });
    expect(olap.result?.rows).toHaveLength(BIG_ROWS);
  });

  it("runs a batch as one transaction: all or nothing", async () => {
    const batch = (sqls: string[]) => ({
      effectiveCallerId: undefined,
      immediateCallerId: undefined,
      target: PRIMARY,
      queries: sqls.map((sql) => query(sql)),
      asTransaction: true,
      transactionId: 0,
      options: undefined,
    });
    const ok = await client.rpc.executeBatch(
      batch(["insert into product values ('batch-1', 1)", "insert into product values ('batch-2', 2)"]),
    );
    expect(ok.results.map((r) => r.rowsAffected)).toEqual([1, 1]);
    const err = await failure(
      client.rpc.executeBatch(
        batch(["insert into product values ('batch-3', 3)", "insert into product values ('batch-1', 1)"]),
      ),
    );
    expect(err.code).toBe(Code.ALREADY_EXISTS);
    expect(err.mysql?.errno).toBe(1062);
    expect(
      rowsAsStrings(await execute("select sku from product where sku like 'batch-%' order by sku")),
    ).toEqual([["batch-1"], ["batch-2"]]);
    await execute("delete from product where sku like 'batch-%'");
  });

  it("streams 50,000 rows completely, in chunks, fields first", async () => {
    const messages: QueryResult[] = [];
    for await (const response of client.rpc.streamExecute({
      ...executeRequest("select id, payload from big order by id"),
    })) {
      messages.push(response.result as QueryResult);
    }
    expect(messages[0]?.fields.map((f) => f.name)).toEqual(["id", "payload"]);
    expect(messages[0]?.rows).toEqual([]);
    const chunks = messages.slice(1);
    expect(chunks.length).toBeGreaterThan(10);
    let expected = 1;
    for (const chunk of chunks) {
      expect(chunk.fields).toEqual([]);
      for (const row of rowsAsStrings(chunk)) {
        expect(row[0]).toBe(String(expected));
        expect(row[1]).toBe(`payload-${expected}-${"x".repeat(20)}`);
        expected++;
      }
    }
    expect(expected - 1).toBe(BIG_ROWS);
  });

  it("stops a stream the caller abandons and keeps its connection usable", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      let seen = 0;
      for await (const _ of client.rpc.streamExecute(
        executeRequest("select a.id from big a join big b limit 10000000"),
      )) {
        if (++seen === 3) break;
      }
    }
    await sleep(100);
    const all: QueryResult[] = [];
    for await (const response of client.rpc.streamExecute(executeRequest("select count(*) from big"))) {
      all.push(response.result as QueryResult);
    }
    expect(rowsAsStrings(all[1] as QueryResult)).toEqual([[String(BIG_ROWS)]]);
  });

  it("round-trips NULL, binary and utf8 values byte for byte", async () => {
    const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const utf8 = "héllo ☃ 日本語 🙂 'quote' \"dq\" \\ back";
    await execute(
      "insert into everything values (:id, :vb, :bl, :vc, :tx, :i, :ub, :d, :f, :dt, :tm, :y, :b, :e, :j)",
      {
        id: int(1),
        vb: bytes(allBytes),
        bl: bytes(Buffer.concat([allBytes, allBytes])),
        vc: text(utf8),
        tx: text(utf8.repeat(3)),
        i: int(-42),
        ub: { type: Type.UINT64, value: Buffer.from("18446744073709551615"), values: [] },
        d: { type: Type.DECIMAL, value: Buffer.from("12.34"), values: [] },
        f: { type: Type.FLOAT64, value: Buffer.from("0.1"), values: [] },
        dt: { type: Type.DATETIME, value: Buffer.from("2024-01-02 03:04:05.123456"), values: [] },
        tm: { type: Type.TIME, value: Buffer.from("-838:59:59"), values: [] },
        y: { type: Type.YEAR, value: Buffer.from("2024"), values: [] },
        b: { type: Type.BIT, value: Buffer.from([0xa5]), values: [] },
        e: text("b"),
        j: { type: Type.JSON, value: Buffer.from('{"k": [1, "v"]}'), values: [] },
      },
    );
    await execute("insert into everything (id) values (2)");
    const result = await execute("select * from everything order by id");
    expect(result.fields.slice(0, 14).map((f) => f.type)).toEqual([
      Type.INT32,
      Type.VARBINARY,
      Type.BLOB,
      Type.VARCHAR,
      Type.TEXT,
      Type.INT32,
      Type.UINT64,
      Type.DECIMAL,
      Type.FLOAT64,
      Type.DATETIME,
      Type.TIME,
      Type.YEAR,
      Type.BIT,
      Type.ENUM,
    ]);
    // MariaDB's JSON is LONGTEXT; with extended metadata the driver sees it is JSON.
    expect([Type.JSON, Type.TEXT]).toContain(result.fields[14]?.type);
    const [full, empty] = rowsOf(result);
    expect(full).toEqual([
      Buffer.from("1"),
      allBytes,
      Buffer.concat([allBytes, allBytes]),
      Buffer.from(utf8),
      Buffer.from(utf8.repeat(3)),
      Buffer.from("-42"),
      Buffer.from("18446744073709551615"),
      Buffer.from("12.340"),
      Buffer.from("0.1"),
      Buffer.from("2024-01-02 03:04:05.123456"),
      Buffer.from("-838:59:59"),
      Buffer.from("2024"),
      Buffer.from([0xa5]),
      Buffer.from("b"),
      expect.anything(),
    ]);
    expect(JSON.parse(String(full?.[14]))).toEqual({ k: [1, "v"] });
    expect(empty).toEqual([Buffer.from("2"), ...Array.from({ length: 14 }, () => null)]);
    expect(result.rows[1]?.lengths).toEqual([1, ...Array.from({ length: 14 }, () => -1)]);

    // The same bytes arrive through a stream.
    const streamed: QueryResult[] = [];
    for await (const response of client.rpc.streamExecute(
      executeRequest("select vb, vc from everything where id = 1"),
    )) {
      streamed.push(response.result as QueryResult);
    }
    expect(rowsOf(streamed[1] as QueryResult)).toEqual([[allBytes, Buffer.from(utf8)]]);
  });

  it("refuses statements on denied tables", async () => {
    tablet.setDeniedTables(["customer"]);
    try {
      for (const sql of [
        "select * from customer",
        "update customer set note = 'x'",
        "insert into customer (email) values ('x')",
      ]) {
        const err = await failure(execute(sql));
        expect(err.code).toBe(Code.FAILED_PRECONDITION);
        expect(err.message).toContain("disallowed due to rule: enforce denied tables");
      }
      const streamErr = await failure(
        (async () => {
          for await (const _ of client.rpc.streamExecute(
            executeRequest("select * from customer c join product p"),
          )) {
            // drain
          }
        })(),
      );
      expect(streamErr.code).toBe(Code.FAILED_PRECONDITION);
      expect(await count("product")).toBe("1");
    } finally {
      tablet.setDeniedTables([]);
    }
    expect(await count("customer")).toBe("3");
  });

  it("exports metrics by plan type, error code and pool", async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/vttablet_queries_total\{plan_type="Select"\} \d+/);
    expect(text).toMatch(/vttablet_queries_total\{plan_type="Insert"\} \d+/);
    expect(text).toMatch(/vttablet_errors_total\{error_code="INVALID_ARGUMENT"\} \d+/);
    expect(text).toContain('vttablet_pool_capacity{pool="conn_pool"} 3');
    expect(text).toContain('vttablet_pool_in_use{pool="tx_pool"} 0');
    expect(text).toContain("vttablet_query_duration_seconds_bucket");
  });

  it("streams health: serving, changes, then NOT_SERVING on close before the stream ends", async () => {
    const received: StreamHealthResponse[] = [];
    const stream = client.rpc.streamHealth({})[Symbol.asyncIterator]();
    const first = await stream.next();
    expect(first.value).toMatchObject({
      serving: true,
      target: { keyspace: "commerce", shard: "0", tabletType: TabletType.PRIMARY },
      tabletAlias: ALIAS,
      primaryTermStartTimestamp: TERM_START,
      realtimeStats: { replicationLagSeconds: 0, healthError: "" },
    });
    tablet.setReplicationHealth({ lagSeconds: 3, error: "replication is lagging" });
    const lagged = await stream.next();
    expect(lagged.value?.realtimeStats).toMatchObject({
      replicationLagSeconds: 3,
      healthError: "replication is lagging",
    });

    // An in-process subscriber that has not read its last message yet holds close() back: pools close
    // only after every stream has taken NOT_SERVING.
    const local = tablet.streamHealth(new AbortController().signal);
    expect((await local.next()).value?.serving).toBe(true);
    let closed = false;
    const closing = tablet.close(2_000).then(() => {
      closed = true;
    });
    expect((await local.next()).value?.serving).toBe(false);
    await sleep(100);
    expect(closed).toBe(false);
    expect((await local.next()).done).toBe(true);
    for (;;) {
      const next = await stream.next();
      if (next.done) break;
      received.push(next.value);
    }
    await closing;
    expect(received.at(-1)?.serving).toBe(false);
    const refused = await failure(execute("select 1"));
    expect(refused.code).toBe(Code.UNAVAILABLE);
    expect(refused.message).toContain("not serving");
  });
});
