import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGrpcClient, type GrpcClientHandle } from "../../libs/grpc/index.js";
import { quoteString } from "../../libs/mysql/sql-literal.js";
import { BinlogSource, VReplicationWorkflowState } from "../../libs/proto/binlogdata.js";
import type { ReadVReplicationWorkflowResponse } from "../../libs/proto/tabletmanagerdata.js";
import { TabletManagerService } from "../../libs/proto/tabletmanagerservice.js";
import { binlogSourceToText } from "../../services/vttablet/vreplication/binlog-source-text.js";
import {
  type ControlPlane,
  type ShardTablets,
  startControlPlane,
  startShardTablets,
} from "../harness/cluster.js";
import type { Connection } from "../harness/mysqld.js";
import { waitFor } from "../harness/wait.js";

/**
 * VReplication on real etcd, MariaDB and vttablets: source commerce/0 (zone1-100, primary), target
 * customer/0 (zone1-200, primary). Workflows are created with CreateVReplicationWorkflow over gRPC.
 */
type TmClient = GrpcClientHandle<typeof TabletManagerService>;

let plane: ControlPlane;
let source: ShardTablets;
let target: ShardTablets;
let sourceDb: Connection;
let targetDb: Connection;
let tm: TmClient;
/** The source's position before any data: its binlog is purged by the 1236 test. */
let earlyPosition = "";

const CUSTOMER_DDL =
  "CREATE TABLE customer (customer_id BIGINT NOT NULL AUTO_INCREMENT, email VARBINARY(128), " +
  "note VARCHAR(64), bin VARBINARY(8), PRIMARY KEY (customer_id)) ENGINE=InnoDB";
const BIG_DDL =
  "CREATE TABLE big (id BIGINT NOT NULL, name VARCHAR(64) NOT NULL, amount DECIMAL(12,2), created DATETIME, " +
  "flag TINYINT, PRIMARY KEY (id), KEY name_idx (name)) ENGINE=InnoDB";
const BIG_ROWS = 200_000;

beforeAll(async () => {
  plane = await startControlPlane("vreplication");
  await plane.ok("CreateKeyspace", "--durability-policy", "none", "commerce");
  await plane.ok("CreateShard", "commerce/0");
  await plane.ok("CreateKeyspace", "--durability-policy", "none", "customer");
  await plane.ok("CreateShard", "customer/0");
  source = await startShardTablets(plane, "commerce", "0", [{ uid: 100 }]);
  target = await startShardTablets(plane, "customer", "0", [{ uid: 200 }]);
  await plane.ok("PlannedReparentShard", "commerce/0", "--new-primary", "zone1-100");
  await plane.ok("PlannedReparentShard", "customer/0", "--new-primary", "zone1-200");
  sourceDb = await source.mysqlds[0]!.connect("vt_dba", { database: "vt_commerce" });
  targetDb = await target.mysqlds[0]!.connect("vt_dba", { database: "vt_customer" });
  for (const db of [sourceDb, targetDb]) {
    await db.query(CUSTOMER_DDL);
    await db.query(BIG_DDL);
  }
  earlyPosition = await sourcePosition();
  await sourceDb.query(
    "INSERT INTO customer (email, note, bin) SELECT concat('user', seq, '@domain.com'), " +
      "concat('note ', seq, ' ñ'), unhex(lpad(hex(seq), 8, '0')) FROM seq_1_to_20000",
  );
  await sourceDb.query(
    `INSERT INTO big SELECT seq, concat('name-', seq), seq / 7, '2024-01-01 00:00:00' + INTERVAL seq SECOND, seq % 2 FROM seq_1_to_${BIG_ROWS}`,
  );
  tm = createGrpcClient(TabletManagerService, target.tablets[0]!.grpcAddress);
}, 300_000);

afterAll(async () => {
  tm?.close();
  await sourceDb?.end().catch(() => undefined);
  await targetDb?.end().catch(() => undefined);
  await target?.stop();
  await source?.stop();
  await plane?.stop();
}, 120_000);

function moveTablesSource(tables: string[]): BinlogSource {
  return BinlogSource.fromPartial({
    keyspace: "commerce",
    shard: "0",
    filter: { rules: tables.map((table) => ({ match: table, filter: `select * from \`${table}\`` })) },
  });
}

async function createWorkflow(workflow: string, tables: string[], deferSecondaryKeys = false): Promise<void> {
  await tm.rpc.createVReplicationWorkflow({
    workflow,
    binlogSource: [moveTablesSource(tables)],
    cells: [],
    tabletTypes: [],
    tabletSelectionPreference: 0,
    workflowType: 1,
    workflowSubType: 0,
    deferSecondaryKeys,
    autoStart: true,
    stopAfterCopy: false,
    options: "",
  });
}

async function readWorkflow(workflow: string): Promise<ReadVReplicationWorkflowResponse> {
  return tm.rpc.readVReplicationWorkflow({ workflow });
}

async function waitForState(workflow: string, state: VReplicationWorkflowState, timeoutMs = 180_000) {
  return waitFor(
    `${workflow} in state ${VReplicationWorkflowState[state]}`,
    async () => {
      const stream = (await readWorkflow(workflow)).streams[0];
      if (stream?.state === VReplicationWorkflowState.Error && state !== VReplicationWorkflowState.Error)
        throw new Error(`stream in Error: ${stream.message}`);
      return stream?.state === state ? stream : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

async function sourcePosition(): Promise<string> {
  const [rows] = await sourceDb.query("SELECT @@global.gtid_binlog_pos AS pos");
  return `MariaDB/${(rows as { pos: string }[])[0]!.pos}`;
}

async function caughtUp(workflow: string): Promise<void> {
  const id = (await readWorkflow(workflow)).streams[0]!.id;
  await tm.rpc.vReplicationWaitForPos({ id, position: await sourcePosition() }, { timeoutMs: 60_000 });
}

async function selectAll(db: Connection, sql: string): Promise<string> {
  const [rows] = await db.query({ sql, rowsAsArray: true });
  return JSON.stringify(rows);
}

async function expectSameRows(table: string, orderBy: string): Promise<void> {
  const sql = `SELECT * FROM ${table} ORDER BY ${orderBy}`;
  const [want, got] = await Promise.all([selectAll(sourceDb, sql), selectAll(targetDb, sql)]);
  expect(got.length).toBeGreaterThan(2);
  expect(got === want).toBe(true);
}

async function checksum(db: Connection, table: string): Promise<string> {
  const [rows] = await db.query(`CHECKSUM TABLE ${table}`);
  return String((rows as { Checksum: string }[])[0]!.Checksum);
}

describe("VReplication between two vttablets", () => {
  it("copies a table while it is written to, then replicates; every row equal on both sides", async () => {
    let writing = true;
    let writes = 0;
    const writer = (async () => {
      while (writing) {
        const id = 1 + Math.floor(Math.random() * 22_000);
        const kind = writes % 3;
        if (kind === 0)
          await sourceDb.query("INSERT INTO customer (email, note) VALUES (?, 'new')", [`w${writes}@x`]);
        else if (kind === 1)
          await sourceDb.query("UPDATE customer SET note = concat('upd ', ?) WHERE customer_id = ?", [
            writes,
            id,
          ]);
        else await sourceDb.query("DELETE FROM customer WHERE customer_id = ?", [id]);
        writes++;
      }
    })();
    try {
      await createWorkflow("commerce2customer", ["customer"]);
      const created = await readWorkflow("commerce2customer");
      expect(created.workflow).toBe("commerce2customer");
      expect(created.dbName).toBe("vt_customer");
      await waitForState("commerce2customer", VReplicationWorkflowState.Running);
      await sleep(500);
    } finally {
      writing = false;
      await writer;
    }
    expect(writes).toBeGreaterThan(10);
    await caughtUp("commerce2customer");
    await expectSameRows("customer", "customer_id");
    const stream = (await readWorkflow("commerce2customer")).streams[0]!;
    expect(stream.rowsCopied).toBeGreaterThanOrEqual(19_000);
    expect(stream.bls?.filter?.rules[0]?.match).toBe("customer");
    const [copyState] = await targetDb.query("SELECT * FROM _vt.copy_state");
    expect(copyState).toEqual([]);

    // After the copy: inserts, updates and deletes replicate.
    await sourceDb.query("INSERT INTO customer (customer_id, email, bin) VALUES (900001, 'late@x', x'00ff')");
    await sourceDb.query("UPDATE customer SET email = 'changed@x' WHERE customer_id <= 100");
    await sourceDb.query("DELETE FROM customer WHERE customer_id BETWEEN 200 AND 300");
    await caughtUp("commerce2customer");
    await expectSameRows("customer", "customer_id");
    await waitFor(
      "a heartbeat recorded while idle",
      async () => ((await readWorkflow("commerce2customer")).streams[0]?.timeHeartbeat?.seconds ?? 0) > 0,
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    const [logs] = await targetDb.query(
      "SELECT CAST(type AS CHAR) AS type, CAST(state AS CHAR) AS state FROM _vt.vreplication_log ORDER BY id",
    );
    expect(logs).toContainEqual({ type: "State Changed", state: "Running" });
    expect(logs).toContainEqual({ type: "Stream Created", state: "Init" });
    const [created] = await targetDb.query(
      "SELECT CAST(message AS CHAR) AS message FROM _vt.vreplication_log WHERE type = 'Stream Created' LIMIT 1",
    );
    const params = JSON.parse((created as { message: string }[])[0]!.message) as Record<string, string>;
    expect(params).toMatchObject({
      workflow: "commerce2customer",
      db_name: "vt_customer",
      state: "Init",
      pos: "",
    });
    expect(params.source).toContain('filter:{rules:{match:"customer"');
  });

  it(`copies a ${BIG_ROWS}-row table with --defer-secondary-keys (prints rows/s)`, async () => {
    const started = Date.now();
    await createWorkflow("bigcopy", ["big"], true);
    expect((await readWorkflow("bigcopy")).deferSecondaryKeys).toBe(true);
    await waitForState("bigcopy", VReplicationWorkflowState.Running);
    const seconds = (Date.now() - started) / 1000;
    const rate = Math.round(BIG_ROWS / seconds);
    process.stdout.write(`vreplication copy: ${BIG_ROWS} rows in ${seconds.toFixed(1)} s = ${rate} rows/s\n`);
    await caughtUp("bigcopy");
    expect(await checksum(targetDb, "big")).toBe(await checksum(sourceDb, "big"));
    const [keys] = await targetDb.query("SHOW INDEX FROM big WHERE Key_name = 'name_idx'");
    expect((keys as unknown[]).length).toBe(1);
    const [actions] = await targetDb.query("SELECT * FROM _vt.post_copy_action");
    expect(actions).toEqual([]);
    await tm.rpc.deleteVReplicationWorkflow({ workflow: "bigcopy" });
    expect((await readWorkflow("bigcopy")).streams).toEqual([]);
  });

  it("resumes the copy from copy_state after the target vttablet is killed with SIGKILL", async () => {
    await targetDb.query("TRUNCATE TABLE big");
    await createWorkflow("bigkill", ["big"]);
    await waitFor(
      "some rows copied",
      async () => {
        const stream = (await readWorkflow("bigkill")).streams[0];
        return stream !== undefined && stream.rowsCopied >= 20_000 && stream.rowsCopied < BIG_ROWS;
      },
      { timeoutMs: 120_000, intervalMs: 50 },
    );
    const tablet = target.tablets[0]!;
    await tablet.process.stop({ signal: "SIGKILL" });
    const [state] = await targetDb.query("SELECT table_name, lastpk FROM _vt.copy_state");
    expect((state as unknown[]).length).toBe(1);
    await sourceDb.query("UPDATE big SET name = 'changed while down' WHERE id IN (1, 199999)");
    await tablet.restart();
    tm.close();
    tm = createGrpcClient(TabletManagerService, tablet.grpcAddress);
    await waitForState("bigkill", VReplicationWorkflowState.Running);
    await caughtUp("bigkill");
    expect(await checksum(targetDb, "big")).toBe(await checksum(sourceDb, "big"));
    const [rows] = await targetDb.query("SELECT count(*) AS n FROM big");
    expect((rows as { n: number }[])[0]!.n).toBe(BIG_ROWS);
    // The first workflow kept replicating across the restart.
    await sourceDb.query("INSERT INTO customer (customer_id, email) VALUES (900002, 'after-restart@x')");
    await caughtUp("commerce2customer");
    await expectSameRows("customer", "customer_id");
  });

  it("UpdateVReplicationWorkflow stops and starts a stream; a killed source tablet is retried", async () => {
    const update = (state: VReplicationWorkflowState) =>
      tm.rpc.updateVReplicationWorkflow({
        workflow: "commerce2customer",
        cells: [],
        tabletTypes: [],
        state,
        shards: [],
        configOverrides: {},
        filterRules: [],
      });
    await update(VReplicationWorkflowState.Stopped);
    await waitForState("commerce2customer", VReplicationWorkflowState.Stopped);
    await sourceDb.query("INSERT INTO customer (customer_id, email) VALUES (900010, 'while stopped')");
    await sleep(1_000);
    const [missing] = await targetDb.query("SELECT * FROM customer WHERE customer_id = 900010");
    expect(missing).toEqual([]);
    await update(VReplicationWorkflowState.Running);
    await waitForState("commerce2customer", VReplicationWorkflowState.Running);
    await caughtUp("commerce2customer");
    await expectSameRows("customer", "customer_id");

    const sourceTablet = source.tablets[0]!;
    await sourceTablet.process.stop({ signal: "SIGKILL" });
    await sourceDb.query("INSERT INTO customer (customer_id, email) VALUES (900011, 'source tablet down')");
    await waitFor(
      "the stream to report its retries",
      async () => (await readWorkflow("commerce2customer")).streams[0]?.message.startsWith("retrying"),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await sourceTablet.restart();
    await caughtUp("commerce2customer");
    await expectSameRows("customer", "customer_id");
    expect((await readWorkflow("commerce2customer")).streams[0]?.state).toBe(
      VReplicationWorkflowState.Running,
    );
  });

  it("goes to Error with MySQL's 1236 message when the source no longer has the position", async () => {
    await sourceDb.query("FLUSH BINARY LOGS");
    // A binlog a dump thread still reads is kept: retry until only the current one is left.
    await waitFor(
      "the older binlogs purged",
      async () => {
        const [status] = await sourceDb.query("SHOW MASTER STATUS");
        await sourceDb.query(`PURGE BINARY LOGS TO '${(status as { File: string }[])[0]!.File}'`);
        const [logs] = await sourceDb.query("SHOW BINARY LOGS");
        return (logs as unknown[]).length === 1;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    const bls = moveTablesSource(["customer"]);
    // A stream that has copied already, positioned before the purge (that binlog is gone).
    const stale = earlyPosition;
    await tm.rpc.vReplicationExec({
      query:
        "insert into _vt.vreplication (workflow, source, pos, max_tps, max_replication_lag, time_updated, " +
        `transaction_timestamp, state, db_name) values ('purged', ${quoteString(binlogSourceToText(bls))}, ` +
        `'${stale}', 9223372036854775807, 9223372036854775807, 0, 0, 'Running', 'vt_customer')`,
    });
    const stream = await waitForState("purged", VReplicationWorkflowState.Error, 60_000);
    expect(stream.message).toMatch(/1236|binary log|binlog/i);
    await sleep(3_000);
    const again = (await readWorkflow("purged")).streams[0]!;
    expect(again.state).toBe(VReplicationWorkflowState.Error);
    const [logRows] = await targetDb.query(
      `SELECT CAST(type AS CHAR) AS type, CAST(state AS CHAR) AS state, count FROM _vt.vreplication_log WHERE vrepl_id = ${again.id} AND type != 'Stream Created'`,
    );
    expect(logRows).toEqual([{ type: "Error", state: "Error", count: 1 }]);
    await tm.rpc.deleteVReplicationWorkflow({ workflow: "purged" });
  });

  it("DeleteVReplicationWorkflow stops the streams and removes their rows", async () => {
    const id = (await readWorkflow("commerce2customer")).streams[0]!.id;
    await tm.rpc.deleteVReplicationWorkflow({ workflow: "commerce2customer" });
    await tm.rpc.deleteVReplicationWorkflow({ workflow: "bigkill" });
    const [rows] = await targetDb.query("SELECT id FROM _vt.vreplication");
    expect(rows).toEqual([]);
    const [copy] = await targetDb.query(`SELECT * FROM _vt.copy_state WHERE vrepl_id = ${id}`);
    expect(copy).toEqual([]);
    expect(
      (
        await tm.rpc.readVReplicationWorkflows({
          includeIds: [],
          includeWorkflows: [],
          includeStates: [],
          excludeWorkflows: [],
          excludeStates: [],
          excludeFrozen: false,
        })
      ).workflows,
    ).toEqual([]);
    // Nothing applies any more.
    await sourceDb.query("INSERT INTO customer (customer_id, email) VALUES (900003, 'not replicated')");
    await sleep(1_000);
    const [late] = await targetDb.query("SELECT * FROM customer WHERE customer_id = 900003");
    expect(late).toEqual([]);
  });
});
