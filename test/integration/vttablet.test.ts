import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGrpcClient, type GrpcClientHandle } from "../../libs/grpc/index.js";
import { rowsAsStrings } from "../../libs/mysql/query-result.js";
import type { StreamHealthResponse } from "../../libs/proto/query.js";
import { QueryService } from "../../libs/proto/queryservice.js";
import { TabletManagerService } from "../../libs/proto/tabletmanagerservice.js";
import { TabletType } from "../../libs/proto/topodata.js";
import {
  createCellInfo,
  getKeyspace,
  getShard,
  getShardReplication,
  getTablet,
  openTopoServer,
  parseTabletAlias,
  type TopoServer,
  tabletAliasString,
} from "../../libs/topo/index.js";
import { Code, VtError } from "../../libs/vterrors/index.js";
import { type EtcdHandle, startEtcd } from "../harness/etcd.js";
import { startMysqld, type TestMysqld } from "../harness/mysqld.js";
import { makeTestDir } from "../harness/test-dir.js";
import { startVttablet, type VttabletHandle } from "../harness/vttablet.js";
import { waitFor } from "../harness/wait.js";

const CELL = "zone1";
const KEYSPACE = "commerce";
const SHARD = "0";
const ALIAS_100 = parseTabletAlias("zone1-100");
const ALIAS_101 = parseTabletAlias("zone1-101");

type TmClient = GrpcClientHandle<typeof TabletManagerService>;

describe("vttablet: two tablets of commerce/0 on real etcd and MariaDB", () => {
  let dir: string;
  let etcd: EtcdHandle | undefined;
  let ts: TopoServer | undefined;
  const mysqlds: TestMysqld[] = [];
  const tablets: VttabletHandle[] = [];
  const clients: { close(): void }[] = [];
  let tm100: TmClient;
  let tm101: TmClient;

  const tmClient = (tablet: VttabletHandle): TmClient => {
    const client = createGrpcClient(TabletManagerService, tablet.grpcAddress);
    clients.push(client);
    return client;
  };

  const dba = async (client: TmClient, sql: string) =>
    (
      await client.rpc.executeFetchAsDba({
        query: Buffer.from(sql),
        dbName: "vt_commerce",
        maxRows: 1000,
        disableBinlogs: false,
        reloadSchema: false,
        disableForeignKeyChecks: false,
      })
    ).result;

  beforeAll(async () => {
    dir = makeTestDir("vttablet");
    etcd = await startEtcd(dir);
    ts = await openTopoServer({
      implementation: "etcd2",
      globalServerAddress: etcd.clientAddress,
      globalRoot: "/vitess/global",
    });
    await createCellInfo(ts, CELL, { serverAddress: etcd.clientAddress, root: `/vitess/${CELL}` });
    mysqlds.push(await startMysqld(dir, { uid: 100 }));
    mysqlds.push(await startMysqld(dir, { uid: 101 }));
    const start = (uid: number, mysqld: TestMysqld) =>
      startVttablet({
        tabletPath: `${CELL}-${uid}`,
        keyspace: KEYSPACE,
        shard: SHARD,
        topoAddress: etcd!.clientAddress,
        mysql: { socket: mysqld.socket, port: mysqld.port },
        dir,
      });
    tablets.push(...(await Promise.all([start(100, mysqlds[0]!), start(101, mysqlds[1]!)])));
    tm100 = tmClient(tablets[0]!);
    tm101 = tmClient(tablets[1]!);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(tablets.map((tablet) => tablet.stop()));
    for (const mysqld of mysqlds) await mysqld.shutdown();
    await ts?.close();
    await etcd?.stop();
  });

  it("registers both tablets, the keyspace and the shard in the topology", async () => {
    const topo = ts!;
    await getKeyspace(topo, KEYSPACE);
    const shard = await getShard(topo, KEYSPACE, SHARD);
    expect(shard.shard.keyRange).toBeUndefined();
    for (const [i, alias] of [ALIAS_100, ALIAS_101].entries()) {
      const { tablet } = await getTablet(topo, alias);
      expect(tablet.hostname).toBe("localhost");
      // framerpc on a free port by default (--frame-port -1).
      expect(tablet.portMap).toEqual({
        vt: tablets[i]!.httpPort,
        grpc: tablets[i]!.grpcPort,
        frame: expect.any(Number),
      });
      expect(tablet.keyspace).toBe(KEYSPACE);
      expect(tablet.shard).toBe(SHARD);
      expect(tablet.type).toBe(TabletType.REPLICA);
      expect(tablet.mysqlHostname).toBe("127.0.0.1");
      expect(tablet.mysqlPort).toBe(mysqlds[i]!.port);
      expect(tablet.dbNameOverride).toBe("");
    }
    const replication = await getShardReplication(topo, CELL, KEYSPACE, SHARD);
    const listed = replication.shardReplication.nodes
      .map((node) => tabletAliasString(node.tabletAlias!))
      .sort();
    expect(listed).toEqual(["zone1-0000000100", "zone1-0000000101"]);
  });

  it("refuses ChangeType to PRIMARY", async () => {
    const err = await tm101.rpc
      .changeType({ tabletType: TabletType.PRIMARY, semiSync: false })
      .catch((e) => e);
    expect(err).toBeInstanceOf(VtError);
    expect((err as VtError).code).toBe(Code.INVALID_ARGUMENT);
  });

  it("InitPrimary makes 100 a read-write PRIMARY named by the shard record", async () => {
    const { position } = await tm100.rpc.initPrimary({ semiSync: false });
    expect(typeof position).toBe("string");
    const { tablet } = await getTablet(ts!, ALIAS_100);
    expect(tablet.type).toBe(TabletType.PRIMARY);
    expect(tablet.primaryTermStartTime?.seconds).toBeGreaterThan(0);
    const shard = await getShard(ts!, KEYSPACE, SHARD);
    expect(tabletAliasString(shard.shard.primaryAlias!)).toBe("zone1-0000000100");
    const readOnly = await dba(tm100, "SELECT @@GLOBAL.read_only");
    expect(rowsAsStrings(readOnly!)).toEqual([["0"]]);

    const timeCreatedNs = String(BigInt(Date.now()) * 1_000_000n);
    await tm100.rpc.populateReparentJournal({
      timeCreatedNs,
      actionName: "InitShardPrimary",
      primaryAlias: ALIAS_100,
      replicationPosition: position,
    });
    const { position: after } = await tm100.rpc.primaryPosition({});
    expect(after).toMatch(/^MariaDB\/0-100-\d+$/);

    // 101 replicates from 100 from InitPrimary's position, and waits for the journal entry to arrive.
    await tm101.rpc.initReplica(
      { parent: ALIAS_100, replicationPosition: position, timeCreatedNs, semiSync: false },
      { timeoutMs: 30_000 },
    );
    const { length } = await tm101.rpc.readReparentJournalInfo({});
    expect(length).toBe(1);
  });

  it("replicates a row written on 100 to 101 within a second", async () => {
    await dba(
      tm100,
      "CREATE TABLE customer (customer_id BIGINT NOT NULL AUTO_INCREMENT, email VARCHAR(128), PRIMARY KEY (customer_id))",
    );
    const inserted = await tm100.rpc.executeFetchAsApp({
      query: Buffer.from("INSERT INTO customer (email) VALUES ('alice@domain.com')"),
      maxRows: 0,
    });
    expect(inserted.result?.rowsAffected).toBe(1);
    const started = Date.now();
    await waitFor(
      "the row on 101",
      async () => rowsAsStrings((await dba(tm101, "SELECT email FROM customer"))!).length === 1,
      { timeoutMs: 1_000, intervalMs: 20 },
    );
    expect(Date.now() - started).toBeLessThan(1_000);

    const { status } = await tm101.rpc.replicationStatus({});
    expect(status?.ioState).toBe(3);
    expect(status?.sqlState).toBe(3);
    expect(status?.sourcePort).toBe(mysqlds[0]!.port);
    expect(status?.position).toMatch(/^MariaDB\/0-100-\d+$/);
    const { position: primaryPosition } = await tm100.rpc.primaryPosition({});
    await tm101.rpc.waitForPosition({ position: primaryPosition }, { timeoutMs: 5_000 });
  });

  it("keeps 101 read-only for the app user", async () => {
    const err = await tm101.rpc
      .executeFetchAsApp({ query: Buffer.from("INSERT INTO customer (email) VALUES ('x')"), maxRows: 0 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(VtError);
    expect((err as VtError).mysql?.errno).toBe(1290);
  });

  it("GetSchema lists the table with its columns and primary key", async () => {
    const { schemaDefinition } = await tm101.rpc.getSchema({
      tables: [],
      includeViews: false,
      excludeTables: [],
      tableSchemaOnly: false,
    });
    const customer = schemaDefinition?.tableDefinitions.find((table) => table.name === "customer");
    expect(customer).toBeDefined();
    expect(customer?.columns).toEqual(["customer_id", "email"]);
    expect(customer?.primaryKeyColumns).toEqual(["customer_id"]);
    expect(customer?.type).toBe("BASE TABLE");
    expect(customer?.schema).toMatch(/^CREATE TABLE `customer`/);
    expect(customer?.schema).not.toMatch(/AUTO_INCREMENT=/);
    expect(customer?.fields.map((field) => field.columnType)).toEqual(["bigint(20)", "varchar(128)"]);
    expect(schemaDefinition?.databaseSchema).toContain("{{.DatabaseName}}");
    const excluded = await tm101.rpc.getSchema({
      tables: [],
      includeViews: false,
      excludeTables: ["/^cust/"],
      tableSchemaOnly: false,
    });
    expect(excluded.schemaDefinition?.tableDefinitions.map((table) => table.name)).not.toContain("customer");
  });

  it("fetches as dba: several statements, a row limit, MySQL errors with errno", async () => {
    const { results } = await tm100.rpc.executeMultiFetchAsDba({
      sql: Buffer.from("SELECT 1 AS a; SELECT COUNT(*) FROM customer; SET @x = 1"),
      dbName: "vt_commerce",
      maxRows: 10,
      disableBinlogs: false,
      reloadSchema: false,
      disableForeignKeyChecks: false,
    });
    expect(results.map((r) => rowsAsStrings(r))).toEqual([[["1"]], [["1"]], []]);
    expect(results[0]?.fields[0]?.name).toBe("a");
    const tooMany = await dba(tm100, "SELECT seq FROM seq_1_to_2000").catch((e) => e);
    expect((tooMany as VtError).code).toBe(Code.RESOURCE_EXHAUSTED);
    const missing = await dba(tm100, "SELECT * FROM nosuchtable").catch((e) => e);
    expect((missing as VtError).mysql).toEqual({ errno: 1146, sqlstate: "42S02" });
    await tm100.rpc.reloadSchema({ waitPosition: "" });
  });

  it("SIGTERM makes 101 NOT_SERVING in StreamHealth before it exits 0; a restart re-registers the same record", async () => {
    const tablet = tablets[1]!;
    const query = createGrpcClient(QueryService, tablet.grpcAddress);
    clients.push(query);
    const seen: StreamHealthResponse[] = [];
    const stream = (async () => {
      try {
        for await (const health of query.rpc.streamHealth({})) seen.push(health);
      } catch {
        // The connection may drop after the last message.
      }
    })();
    await waitFor("a serving REPLICA health message", () =>
      seen.some((h) => h.serving && h.target?.tabletType === TabletType.REPLICA),
    );
    const before = (await getTablet(ts!, ALIAS_101)).tablet;

    const exit = await tablet.stop();
    await stream;
    expect(exit.code).toBe(0);
    const firstNotServing = seen.findIndex((h) => !h.serving);
    expect(firstNotServing).toBeGreaterThan(0);
    expect(existsSync(tablet.pidFile)).toBe(false);

    await tablet.restart();
    const after = (await getTablet(ts!, ALIAS_101)).tablet;
    expect(after.type).toBe(TabletType.REPLICA);
    // The same ports, but a new free framerpc port (--frame-port -1).
    expect(after.portMap).toEqual({ ...before.portMap, frame: expect.any(Number) });
    expect(after.tabletStartTime?.seconds).toBeGreaterThanOrEqual(before.tabletStartTime?.seconds ?? 0);
    const replication = await getShardReplication(ts!, CELL, KEYSPACE, SHARD);
    expect(replication.shardReplication.nodes).toHaveLength(2);
    // Replication survived the restart: a new row still arrives.
    await dba(tm100, "INSERT INTO customer (email) VALUES ('bob@domain.com')");
    await waitFor(
      "the second row on 101",
      async () =>
        rowsAsStrings((await dba(tm101, "SELECT email FROM customer ORDER BY customer_id"))!).length === 2,
    );
  });

  it("shows the tablet on /debug/status", async () => {
    const page = await (await fetch(`http://127.0.0.1:${tablets[0]!.httpPort}/debug/status`)).text();
    expect(page).toContain("zone1-0000000100");
    expect(page).toContain("commerce/0");
    expect(page).toContain("PRIMARY");
  });

  it("runs a planned reparent to 101 through the tablet manager: demote, catch up, promote, repoint", async () => {
    const query100 = createGrpcClient(QueryService, tablets[0]!.grpcAddress);
    clients.push(query100);
    const health100 = async () => {
      for await (const health of query100.rpc.streamHealth({})) return health;
      throw new Error("no health");
    };

    const { primaryStatus } = await tm100.rpc.demotePrimary({ force: false });
    expect(primaryStatus?.position).toMatch(/^MariaDB\/0-100-\d+$/);
    expect(primaryStatus?.filePosition).toMatch(/^FilePos\/vt-0000000100-bin\.\d+:\d+$/);
    expect((await health100()).serving).toBe(false);
    const readOnly = await dba(tm100, "SELECT @@GLOBAL.read_only");
    expect(rowsAsStrings(readOnly!)).toEqual([["1"]]);

    await tm101.rpc.waitForPosition({ position: primaryStatus!.position }, { timeoutMs: 10_000 });
    const { status: stopped } = await tm101.rpc.stopReplicationAndGetStatus({ stopReplicationMode: 0 });
    expect(stopped?.before?.sqlState).toBe(3);
    expect(stopped?.after?.sqlState).toBe(1);
    const { position } = await tm101.rpc.promoteReplica({ semiSync: false });
    expect(position).toContain("0-100-");
    expect((await getTablet(ts!, ALIAS_101)).tablet.type).toBe(TabletType.PRIMARY);
    expect(tabletAliasString((await getShard(ts!, KEYSPACE, SHARD)).shard.primaryAlias!)).toBe(
      "zone1-0000000101",
    );

    await tm100.rpc.setReplicationSource(
      {
        parent: ALIAS_101,
        timeCreatedNs: "0",
        forceStartReplication: false,
        waitPosition: position,
        semiSync: false,
        heartbeatInterval: 0,
      },
      { timeoutMs: 30_000 },
    );
    expect((await getTablet(ts!, ALIAS_100)).tablet.type).toBe(TabletType.REPLICA);
    await waitFor("100 serving as REPLICA", async () => {
      const health = await health100();
      return health.serving && health.target?.tabletType === TabletType.REPLICA;
    });

    await tm101.rpc.executeFetchAsApp({
      query: Buffer.from("INSERT INTO customer (email) VALUES ('carol@domain.com')"),
      maxRows: 0,
    });
    await waitFor("the new primary's row on 100", async () =>
      rowsAsStrings((await dba(tm100, "SELECT email FROM customer"))!).some(
        (r) => r[0] === "carol@domain.com",
      ),
    );
    const { status: full } = await tm100.rpc.fullStatus({});
    expect(full?.readOnly).toBe(true);
    expect(full?.replicationStatus?.sourcePort).toBe(mysqlds[1]!.port);
    expect(full?.serverId).toBe(100);
  });

  it("a restarted primary comes back PRIMARY and read-write", async () => {
    await tablets[1]!.restart();
    expect((await getTablet(ts!, ALIAS_101)).tablet.type).toBe(TabletType.PRIMARY);
    const readOnly = await dba(tm101, "SELECT @@GLOBAL.read_only");
    expect(rowsAsStrings(readOnly!)).toEqual([["0"]]);
  });
});
