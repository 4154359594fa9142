import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createConnection, type Connection as Mysql2Connection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGrpcClient } from "../../libs/grpc/index.js";
import { rowsAsStrings } from "../../libs/mysql/query-result.js";
import { TabletManagerService } from "../../libs/proto/tabletmanagerservice.js";
import { Session } from "../../libs/proto/vtgate.js";
import { VitessService } from "../../libs/proto/vtgateservice.js";
import { createCellInfo, openTopoServer, parseTabletAlias, type TopoServer } from "../../libs/topo/index.js";
import { type EtcdHandle, startEtcd } from "../harness/etcd.js";
import { counterTotal, tabletQueries } from "../harness/metrics.js";
import { startMysqld, type TestMysqld } from "../harness/mysqld.js";
import { SEED_COMMERCE_TABLES } from "../harness/seed-data.js";
import { makeTestDir } from "../harness/test-dir.js";
import { startVtctld, type VtctldHandle, vtctldclient } from "../harness/vtctld.js";
import { startVtgate, type VtgateHandle } from "../harness/vtgate.js";
import { startVttablet, type VttabletHandle } from "../harness/vttablet.js";
import { waitFor } from "../harness/wait.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CELL = "zone1";

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real `mariadb` command-line client against vtgate, statements on stdin. */
function mariadb(port: number, input: string, args: readonly string[] = []): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("mariadb", ["-h", "127.0.0.1", "-P", String(port), "-u", "app", ...args], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.once("error", reject);
    child.once("close", (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("vtgate: commerce/0 (primary, replica, rdonly) on real etcd, MariaDB and vttablets", () => {
  let dir: string;
  let etcd: EtcdHandle | undefined;
  let ts: TopoServer | undefined;
  const mysqlds: TestMysqld[] = [];
  const tablets: VttabletHandle[] = [];
  let vtgate: VtgateHandle | undefined;
  let vtctld: VtctldHandle | undefined;
  const closers: { close(): void }[] = [];
  const connections: Mysql2Connection[] = [];

  const connect = async (database?: string): Promise<Mysql2Connection> => {
    const conn = await createConnection({
      host: "127.0.0.1",
      port: vtgate!.mysqlPort,
      user: "app",
      database,
      multipleStatements: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
    });
    connections.push(conn);
    return conn;
  };

  beforeAll(async () => {
    dir = makeTestDir("vtgate");
    etcd = await startEtcd(dir);
    ts = await openTopoServer({
      implementation: "etcd2",
      globalServerAddress: etcd.clientAddress,
      globalRoot: "/vitess/global",
    });
    await createCellInfo(ts, CELL, { serverAddress: etcd.clientAddress, root: `/vitess/${CELL}` });
    const uids = [100, 101, 102];
    mysqlds.push(...(await Promise.all(uids.map((uid) => startMysqld(dir, { uid })))));
    tablets.push(
      ...(await Promise.all(
        uids.map((uid, i) =>
          startVttablet({
            tabletPath: `${CELL}-${uid}`,
            keyspace: "commerce",
            shard: "0",
            tabletType: uid === 102 ? "rdonly" : "replica",
            topoAddress: etcd!.clientAddress,
            mysql: { socket: mysqlds[i]!.socket, port: mysqlds[i]!.port },
            dir,
          }),
        ),
      )),
    );
    // 100 becomes the primary; 101 and 102 replicate from it (what InitShardPrimary does).
    const tm = tablets.map((t) => {
      const client = createGrpcClient(TabletManagerService, t.grpcAddress);
      closers.push(client);
      return client;
    });
    const { position } = await tm[0]!.rpc.initPrimary({ semiSync: false });
    const timeCreatedNs = String(BigInt(Date.now()) * 1_000_000n);
    await tm[0]!.rpc.populateReparentJournal({
      timeCreatedNs,
      actionName: "InitShardPrimary",
      primaryAlias: parseTabletAlias("zone1-100"),
      replicationPosition: position,
    });
    await Promise.all(
      [tm[1]!, tm[2]!].map((client) =>
        client.rpc.initReplica(
          {
            parent: parseTabletAlias("zone1-100"),
            replicationPosition: position,
            timeCreatedNs,
            semiSync: false,
          },
          { timeoutMs: 30_000 },
        ),
      ),
    );
    vtgate = await startVtgate({ topoAddress: etcd.clientAddress, dir, waitForServingTablets: 3 });
  });

  afterAll(async () => {
    for (const conn of connections) await conn.end().catch(() => undefined);
    for (const closer of closers) closer.close();
    await vtgate?.stop();
    await vtctld?.stop();
    await Promise.all(tablets.map((tablet) => tablet.stop()));
    for (const mysqld of mysqlds) await mysqld.shutdown();
    await ts?.close();
    await etcd?.stop();
  });

  it("lists one PRIMARY, one REPLICA and one RDONLY, all SERVING, in show vitess_tablets", async () => {
    const { code, stdout, stderr } = await mariadb(vtgate!.mysqlPort, "show vitess_tablets;\n", ["--table"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[1]).toMatch(
      /^\| Cell +\| Keyspace +\| Shard +\| TabletType +\| State +\| Alias +\| Hostname +\| PrimaryTermStartTime +\|$/,
    );
    const rows = lines.slice(3, -1).map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
    expect(rows.map((r) => r.slice(0, 7))).toEqual([
      ["zone1", "commerce", "0", "PRIMARY", "SERVING", "zone1-0000000100", "localhost"],
      ["zone1", "commerce", "0", "REPLICA", "SERVING", "zone1-0000000101", "localhost"],
      ["zone1", "commerce", "0", "RDONLY", "SERVING", "zone1-0000000102", "localhost"],
    ]);
    expect(rows[0]![7]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(rows[1]![7]).toBe("");
  });

  it("creates the commerce schema through vtgate, inserts and prints the seed 000 data with the mariadb client", async () => {
    const schema = readFileSync(join(REPO, "deploy/local/create_commerce_schema.sql"), "utf8");
    const created = await mariadb(vtgate!.mysqlPort, schema);
    expect(created.stderr).toBe("");
    const inserted = await mariadb(
      vtgate!.mysqlPort,
      readFileSync(join(REPO, "deploy/common/insert_commerce_data.sql"), "utf8"),
    );
    expect(inserted.stderr).toBe("");
    expect(inserted.code).toBe(0);
    const selected = await mariadb(
      vtgate!.mysqlPort,
      readFileSync(join(REPO, "deploy/common/select_commerce_data.sql"), "utf8"),
      // --unbuffered: `\! echo` output and query results stay in order on a pipe.
      ["--table", "--unbuffered"],
    );
    expect(selected.stderr).toBe("");
    expect(selected.stdout).toBe(SEED_COMMERCE_TABLES);
    const tables = await mariadb(vtgate!.mysqlPort, "use commerce;\nshow tables;\n", ["--table"]);
    expect(tables.stdout).toContain("| Tables_in_vt_commerce |");
    expect(tables.stdout).toContain("| corder                |");
  });

  it("answers a select in a `use commerce@replica` session from the replica, not the primary", async () => {
    const conn = await connect();
    await conn.query("use commerce@replica");
    await waitFor("the replica to have the rows", async () => {
      const [rows] = await conn.query("select count(*) as n from customer");
      return Number((rows as { n: string }[])[0]!.n) === 5;
    });
    const primaryBefore = await tabletQueries(tablets[0]!);
    const replicaBefore = await tabletQueries(tablets[1]!);
    const [rows] = await conn.query("select email from customer where customer_id = 3");
    expect(rows).toEqual([{ email: Buffer.from("charlie@domain.com") }]);
    expect(await tabletQueries(tablets[1]!)).toBe(replicaBefore + 1);
    expect(await tabletQueries(tablets[0]!)).toBe(primaryBefore);

    await conn.query("use commerce@rdonly");
    const rdonlyBefore = await tabletQueries(tablets[2]!);
    await conn.query("select * from product");
    expect(await tabletQueries(tablets[2]!)).toBe(rdonlyBefore + 1);
    const [[db]] = (await conn.query({ sql: "select database()", rowsAsArray: true })) as unknown as [
      [string[]],
    ];
    expect(db).toEqual(["commerce"]);
    // The mariadb client's `use` is COM_INIT_DB with the target string.
    const cliReplicaBefore = await tabletQueries(tablets[1]!);
    const cli = await mariadb(vtgate!.mysqlPort, "use commerce@replica;\nselect count(*) from product;\n");
    expect(cli.stderr).toBe("");
    expect(cli.stdout).toContain("2");
    expect(await tabletQueries(tablets[1]!)).toBe(cliReplicaBefore + 1);
    const [writes] = await conn
      .query("insert into product(sku, description, price) values ('x', 'y', 1)")
      .catch((err: { errno: number; message: string }) => [err]);
    expect((writes as { errno: number }).errno).toBe(1874);
  });

  it("rolls back: BEGIN; INSERT; ROLLBACK leaves no row, and sessions do not see each other's uncommitted rows", async () => {
    const a = await connect("commerce");
    const b = await connect("commerce");
    const count = async (conn: Mysql2Connection) => {
      const [rows] = await conn.query("select count(*) as n from customer where email = 'tx@domain.com'");
      return Number((rows as { n: string }[])[0]!.n);
    };
    await a.query("begin");
    await a.query("insert into customer(email) values ('tx@domain.com')");
    expect(await count(a)).toBe(1);
    expect(await count(b)).toBe(0);
    await a.query("rollback");
    expect(await count(a)).toBe(0);
    expect(await count(b)).toBe(0);

    await b.query("start transaction");
    await b.query("insert into customer(email) values ('tx@domain.com')");
    expect(await count(a)).toBe(0);
    await b.query("commit");
    expect(await count(a)).toBe(1);
    await a.query("delete from customer where email = 'tx@domain.com'");

    await a.query("set autocommit = 0");
    await a.query("insert into customer(email) values ('tx@domain.com')");
    expect(await count(b)).toBe(0);
    await a.query("rollback");
    await a.query("set autocommit = 1");
    expect(await count(b)).toBe(0);
  });

  it("reports unknown tables (1146), syntax errors (1064) and unknown keyspaces (1049), and the connection stays usable", async () => {
    const conn = await connect();
    const failure = async (sql: string) => {
      const err = (await conn.query(sql).then(
        () => undefined,
        (e: unknown) => e,
      )) as { errno: number; sqlState: string; message: string } | undefined;
      expect(err, sql).toBeDefined();
      const [[one]] = (await conn.query({ sql: "select 1", rowsAsArray: true })) as unknown as [[string[]]];
      expect(one).toEqual(["1"]);
      return err!;
    };
    const noTable = await failure("select * from nosuch_table");
    expect(noTable.errno).toBe(1146);
    expect(noTable.sqlState).toBe("42S02");
    expect(noTable.message).toContain("nosuch_table");
    const syntax = await failure("selec * from customer");
    expect(syntax.errno).toBe(1064);
    const noKeyspace = await failure("use nosuch");
    expect(noKeyspace.errno).toBe(1049);
    expect(noKeyspace.message).toBe("Unknown database 'nosuch'");
    const qualified = await failure("select * from nosuch.customer");
    expect(qualified.errno).toBe(1049);
    const dup = await failure("insert into product(sku, description, price) values ('SKU-1001', 'x', 1)");
    expect(dup.errno).toBe(1062);

    const cli = await mariadb(vtgate!.mysqlPort, "select * from nosuch_table;\n");
    expect(cli.stderr).toMatch(/ERROR 1146 \(42S02\) at line 1: .*nosuch_table/);
    const cliUse = await mariadb(vtgate!.mysqlPort, "use nosuch;\n");
    expect(cliUse.stderr).toMatch(/ERROR 1049 \(42000\).*Unknown database 'nosuch'/);
  });

  it("runs mysql2 prepared statements with common types and NULLs, and multi-statement queries", async () => {
    const conn = await connect("commerce");
    await conn.query(
      "create table if not exists types_test (id bigint not null auto_increment primary key, i int, big bigint unsigned, " +
        "d decimal(10,2), f double, s varchar(64), b varbinary(64), dt datetime, day date, n int, blob_col longblob)",
    );
    const [inserted] = await conn.execute(
      "insert into types_test (i, big, d, f, s, b, dt, day, n) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [
        -7,
        "18446744073709551615",
        "12.50",
        1.25,
        "héllo 'q'",
        Buffer.from([0, 1, 255]),
        "2024-01-31 12:34:56",
        "2024-02-29",
        null,
      ],
    );
    const insertId = (inserted as { insertId: number }).insertId;
    expect(insertId).toBeGreaterThan(0);
    const [rows] = await conn.execute("select i, big, d, f, s, b, dt, day, n from types_test where id = ?", [
      insertId,
    ]);
    expect(rows).toEqual([
      {
        i: -7,
        big: "18446744073709551615",
        d: "12.50",
        f: 1.25,
        s: "héllo 'q'",
        b: Buffer.from([0, 1, 255]),
        dt: "2024-01-31 12:34:56",
        day: "2024-02-29",
        n: null,
      },
    ]);
    const [[lastId]] = (await conn.query({
      sql: "select last_insert_id()",
      rowsAsArray: true,
    })) as unknown as [[string[]]];
    expect(String(lastId![0])).toBe(String(insertId));

    const results = (
      await conn.query("select 1 as a; select 'two' as b; select count(*) as c from product")
    )[0] as unknown[];
    // BIGINT results are strings with bigNumberStrings, as against MySQL itself.
    expect(results).toEqual([[{ a: "1" }], [{ b: "two" }], [{ c: "2" }]]);
  });

  it("round-trips a 20 MB blob", async () => {
    const conn = await connect("commerce");
    const blob = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < blob.length; i++) blob[i] = (i * 31) & 0xff;
    const [inserted] = await conn.execute("insert into types_test (blob_col) values (?)", [blob]);
    const id = (inserted as { insertId: number }).insertId;
    const [rows] = await conn.execute("select blob_col from types_test where id = ?", [id]);
    const back = (rows as { blob_col: Buffer }[])[0]!.blob_col;
    expect(back.length).toBe(blob.length);
    expect(back.equals(blob)).toBe(true);
  });

  it("answers introspection ORMs run, with keyspace names", async () => {
    const conn = await connect("commerce");
    const [tables] = await conn.query(
      "select table_schema, table_name from information_schema.tables where table_schema = 'commerce' and table_name = 'customer'",
    );
    expect(tables).toEqual([{ table_schema: "commerce", table_name: "customer" }]);
    const [columns] = await conn.query("show full columns from customer");
    expect((columns as { Field: string }[]).map((c) => c.Field)).toEqual(["customer_id", "email"]);
    const [index] = await conn.query("show index from commerce.customer");
    expect((index as { Key_name: string }[])[0]!.Key_name).toBe("PRIMARY");
    const [status] = await conn.query("show table status like 'product'");
    expect((status as { Name: string }[])[0]!.Name).toBe("product");
    const [create] = await conn.query("show create table corder");
    expect((create as { "Create Table": string }[])[0]!["Create Table"]).toContain("CREATE TABLE `corder`");
    const [databases] = await conn.query({ sql: "show databases", rowsAsArray: true });
    expect((databases as string[][]).map((r) => r[0])).toContain("commerce");
    const [[version]] = (await conn.query({ sql: "select @@version", rowsAsArray: true })) as unknown as [
      [string[]],
    ];
    expect(version![0]).toMatch(/-Vitess$/);
  });

  it("serves the gRPC Vitess API with a session: replica target, transactions", async () => {
    const client = createGrpcClient(VitessService, vtgate!.grpcAddress);
    closers.push(client);
    const execute = async (session: Session, sql: string) => {
      const response = await client.rpc.execute({
        callerId: undefined,
        session,
        query: { sql, bindVariables: {} },
        prepared: false,
      });
      return response;
    };
    let session = Session.fromPartial({ autocommit: true, targetString: "commerce@replica" });
    const replicaBefore = await tabletQueries(tablets[1]!);
    const read = await execute(session, "select sku from product order by sku");
    expect(read.error).toBeUndefined();
    expect(rowsAsStrings(read.result!)).toEqual([["SKU-1001"], ["SKU-1002"]]);
    expect(await tabletQueries(tablets[1]!)).toBe(replicaBefore + 1);

    session = Session.fromPartial({ autocommit: true, targetString: "commerce" });
    session = (await execute(session, "begin")).session!;
    const inserted = await execute(session, "insert into customer(email) values ('grpc@domain.com')");
    session = inserted.session!;
    expect(session.inTransaction).toBe(true);
    expect(session.shardSessions).toHaveLength(1);
    expect(session.shardSessions[0]!.transactionId).toBeGreaterThan(0);
    session = (await execute(session, "rollback")).session!;
    expect(session.inTransaction).toBe(false);
    const count = await execute(session, "select count(*) from customer where email = 'grpc@domain.com'");
    expect(rowsAsStrings(count.result!)).toEqual([["0"]]);

    const bad = await execute(session, "select * from nosuch_table");
    expect(bad.error?.message).toContain("nosuch_table");

    const streamed = [];
    for await (const response of client.rpc.streamExecute({
      callerId: undefined,
      session,
      query: { sql: "select sku from product order by sku", bindVariables: {} },
    })) {
      streamed.push(response);
    }
    expect(streamed[0]!.result!.fields.map((f) => f.name)).toEqual(["sku"]);
    expect(streamed.flatMap((r) => (r.result ? rowsAsStrings(r.result) : []))).toEqual([
      ["SKU-1001"],
      ["SKU-1002"],
    ]);
    expect(streamed.at(-1)!.session).toBeDefined();
  });

  it("serves /debug/status with the tablets and /metrics with query counts", async () => {
    const status = await (await fetch(`http://127.0.0.1:${vtgate!.httpPort}/debug/status`)).text();
    expect(status).toContain("zone1-0000000100");
    expect(status).toContain("SERVING");
    const metrics = await (await fetch(`http://127.0.0.1:${vtgate!.httpPort}/metrics`)).text();
    expect(counterTotal(metrics, "vtgate_queries_total")).toBeGreaterThan(10);
    expect(metrics).toMatch(/vtgate_query_errors_total\{[^}]*code="NOT_FOUND"/);
    expect(metrics).toMatch(/vtgate_tablet_calls_total\{[^}]*tablet="zone1-0000000101"/);
    expect(metrics).toMatch(/vtgate_mysql_connections\{[^}]*\} \d+/);
  });

  it("buffers writes during PlannedReparentShard: no error and no acknowledged write lost", async () => {
    vtctld = await startVtctld({ topoAddress: etcd!.clientAddress, dir: join(dir, "vtctld") });
    const conn = await connect("commerce");
    await conn.query("create table if not exists writes (id bigint not null primary key)");
    let next = 1;
    let stop = false;
    const errors: string[] = [];
    const acknowledged: number[] = [];
    const writer = (async () => {
      while (!stop) {
        const id = next++;
        try {
          await conn.query(`insert into writes (id) values (${id})`);
          acknowledged.push(id);
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
    })();
    await waitFor("some writes", () => acknowledged.length > 20);
    const prs = await vtctldclient([
      "--server",
      vtctld.grpcAddress,
      "PlannedReparentShard",
      "commerce/0",
      "--new-primary",
      "zone1-101",
    ]);
    expect(prs.stderr).toBe("");
    expect(prs.code).toBe(0);
    const afterSwitch = acknowledged.length;
    await waitFor("writes on the new primary", () => acknowledged.length > afterSwitch + 20, {
      timeoutMs: 30_000,
    });
    stop = true;
    await writer;
    expect(errors).toEqual([]);
    const [rows] = await conn.query({ sql: "select id from writes order by id", rowsAsArray: true });
    const stored = (rows as number[][]).map((r) => Number(r[0]));
    expect(stored).toEqual(acknowledged);
    // Writes that met the switch waited for the new primary; none ran out of the buffer window.
    const metrics = await (await fetch(`http://127.0.0.1:${vtgate!.httpPort}/metrics`)).text();
    expect(metrics).not.toMatch(
      /vtgate_buffer_requests_total\{[^}]*outcome="(window_exceeded|skipped_full|skipped_duration)"/,
    );
    const shown = await mariadb(vtgate!.mysqlPort, "show vitess_tablets;\n");
    expect(shown.stdout).toMatch(/zone1\tcommerce\t0\tPRIMARY\tSERVING\tzone1-0000000101/);
  });
});
