/**
 * MoveTables against `mariadb-dump | mariadb`, same run, same two servers (issue 8): a 1,000,000-row table
 * (sysbench's shape: id, k with a secondary key, c char(120), pad char(60)) in keyspace commerce is copied to
 * keyspace customer, each keyspace one MariaDB and PRIMARY vttablet (bench/cluster.ts). First the baseline:
 * mariadb-dump of the table piped into mariadb on the customer server (into a database of its own, dropped
 * afterwards); then MoveTables create, timed until the stream has copied every row and runs (copy_state
 * empty); then VDiff create, timed until its report is completed. Prints rows/s for each, and the ratio
 * MoveTables/dump (goal ≥ 1).
 *
 *   make bench-movetables
 *   BENCH_ROWS=200000 node dist/bench/movetables.js
 *   node dist/bench/movetables.js --cpu-prof /tmp/prof     (CPU profiles of both vttablets)
 *   BENCH_KEEP=1 node dist/bench/movetables.js             (keep the cluster's directory and logs)
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { findBinary } from "../libs/env/index.js";
import { type Connection, connectMysql } from "../libs/mysql/connect.js";
import { type BenchCluster, startCluster } from "./cluster.js";

const SOURCE = "commerce";
const TARGET = "customer";
const WORKFLOW = "bench";
const TABLE = "sbtest1";

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const ROWS = Number(argValue("--rows") ?? process.env.BENCH_ROWS ?? 1_000_000);
const CPU_PROF = argValue("--cpu-prof");

const CREATE_TABLE =
  `create table ${TABLE} (id int not null, k int not null default 0, c char(120) not null default '', ` +
  "pad char(60) not null default '', primary key (id), key k_1 (k)) engine=InnoDB";

/** sysbench's row contents, made by MariaDB's sequence engine in one statement. */
const FILL =
  `insert into ${TABLE} select seq, floor(rand(seq) * ${ROWS}), ` +
  "concat_ws('-', lpad(seq, 11, '0'), md5(seq), md5(seq + 1), md5(seq + 2), left(md5(seq + 3), 9)), " +
  `concat_ws('-', lpad(seq * 7, 11, '0'), md5(seq * 3), left(md5(seq * 5), 15)) from seq_1_to_${ROWS}`;

interface Measured {
  seconds: number;
  rows: number;
}

function rate(m: Measured): string {
  return `${Math.round(m.rows / m.seconds).toLocaleString("en-US")} rows/s (${m.rows.toLocaleString("en-US")} rows in ${m.seconds.toFixed(1)} s)`;
}

async function connect(port: number, database: string): Promise<Connection> {
  return connectMysql({ host: "127.0.0.1", port }, { user: "vt_dba", database });
}

async function firstRow(conn: Connection, sql: string): Promise<string[]> {
  const [rows] = await conn.query({ sql, rowsAsArray: true });
  return ((rows as unknown[][])[0] ?? []).map((value) => String(value));
}

/** `mariadb-dump` of the table on the source server piped into `mariadb` on the target server. */
async function dumpAndLoad(sourcePort: number, targetPort: number, targetDb: Connection): Promise<Measured> {
  const dump = findBinary({ names: ["mariadb-dump", "mysqldump"], debianPackage: "mariadb-client" });
  const client = findBinary({ names: ["mariadb", "mysql"], debianPackage: "mariadb-client" });
  await targetDb.query("drop database if exists dump_target");
  await targetDb.query("create database dump_target");
  const start = performance.now();
  await new Promise<void>((done, fail) => {
    const dumper = spawn(
      dump,
      ["-h127.0.0.1", `-P${sourcePort}`, "-uvt_dba", "--single-transaction", `vt_${SOURCE}`, TABLE],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const loader = spawn(client, ["-h127.0.0.1", `-P${targetPort}`, "-uvt_dba", "dump_target"], {
      stdio: ["pipe", "inherit", "inherit"],
    });
    dumper.stdout.pipe(loader.stdin);
    let left = 2;
    const exited = (name: string) => (code: number | null) => {
      if (code !== 0) fail(new Error(`${name} exited ${code}`));
      else if (--left === 0) done();
    };
    dumper.once("exit", exited("mariadb-dump"));
    loader.once("exit", exited("mariadb"));
  });
  const seconds = (performance.now() - start) / 1000;
  const [count] = await firstRow(targetDb, `select count(*) from dump_target.${TABLE}`);
  if (Number(count) !== ROWS) throw new Error(`mariadb-dump | mariadb loaded ${count} rows of ${ROWS}`);
  await targetDb.query("drop database dump_target");
  return { seconds, rows: ROWS };
}

/** MoveTables create, until the stream has copied the table and runs. */
async function moveTables(cluster: BenchCluster, targetDb: Connection): Promise<Measured> {
  const start = performance.now();
  await cluster.vtctldclient(
    ...["MoveTables", "--target-keyspace", TARGET, "--workflow", WORKFLOW, "create"],
    ...["--source-keyspace", SOURCE, "--tables", TABLE],
  );
  console.log(`MoveTables create returned after ${((performance.now() - start) / 1000).toFixed(1)} s`);
  for (;;) {
    const [state, message, left] = await firstRow(
      targetDb,
      "select state, message, (select count(*) from _vt.copy_state c where c.vrepl_id = v.id) " +
        `from _vt.vreplication v where workflow = '${WORKFLOW}'`,
    );
    if (state === "Error") throw new Error(`the MoveTables stream failed: ${message}`);
    if (state === "Running" && left === "0") break;
    await sleep(100);
  }
  const seconds = (performance.now() - start) / 1000;
  const [count] = await firstRow(targetDb, `select count(*) from ${TABLE}`);
  if (Number(count) !== ROWS) throw new Error(`MoveTables copied ${count} rows of ${ROWS}`);
  return { seconds, rows: ROWS };
}

interface VDiffReport {
  State?: string;
  RowsCompared?: number;
  HasMismatch?: boolean;
}

/** VDiff create, until its report is completed; undefined when this build has no VDiff command. */
async function vdiff(cluster: BenchCluster): Promise<(Measured & { mismatch: boolean }) | undefined> {
  const vd = ["VDiff", "--target-keyspace", TARGET, "--workflow", WORKFLOW];
  const start = performance.now();
  let created: string;
  try {
    created = await cluster.vtctldclient(...vd, "create");
  } catch (err) {
    console.log(`VDiff: not run (${(err as Error).message.split("\n")[0]})`);
    return undefined;
  }
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(created)?.[0];
  if (uuid === undefined) throw new Error(`VDiff create printed no UUID: ${created}`);
  for (;;) {
    const report = JSON.parse(
      await cluster.vtctldclient(...vd, "show", uuid, "--format=json"),
    ) as VDiffReport;
    if (report.State === "completed") {
      const seconds = (performance.now() - start) / 1000;
      return { seconds, rows: Number(report.RowsCompared ?? 0), mismatch: report.HasMismatch === true };
    }
    if (report.State === "error") throw new Error(`VDiff ${uuid} failed: ${JSON.stringify(report)}`);
    await sleep(500);
  }
}

async function main(): Promise<void> {
  if (CPU_PROF) mkdirSync(resolve(CPU_PROF), { recursive: true });
  console.log(`bench-movetables: ${ROWS.toLocaleString("en-US")} rows, ${SOURCE} -> ${TARGET}`);
  const cluster = await startCluster({
    keyspace: SOURCE,
    tables: [TABLE],
    unshardedKeyspaces: [TARGET],
    transports: [],
    nodeArgs: CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", resolve(CPU_PROF)] : [],
    keepDir: process.env.BENCH_KEEP === "1",
  });
  const target = cluster.unsharded[0];
  if (target === undefined) throw new Error(`keyspace ${TARGET} did not start`);
  const sourceDb = await connect(cluster.mysqlPort, `vt_${SOURCE}`);
  const targetDb = await connect(target.mysqlPort, `vt_${TARGET}`);
  try {
    await cluster.vtctldclient("ApplySchema", "--sql", CREATE_TABLE, SOURCE);
    const fillStart = performance.now();
    await sourceDb.query(FILL);
    const [bytes] = await firstRow(
      sourceDb,
      `select data_length from information_schema.tables where table_schema = 'vt_${SOURCE}' and table_name = '${TABLE}'`,
    );
    console.log(
      `loaded ${TABLE} in ${((performance.now() - fillStart) / 1000).toFixed(1)} s (${Math.round(Number(bytes) / 1e6)} MB of data)`,
    );

    const dumped = await dumpAndLoad(cluster.mysqlPort, target.mysqlPort, targetDb);
    console.log(`mariadb-dump | mariadb: ${rate(dumped)}`);
    const moved = await moveTables(cluster, targetDb);
    console.log(`MoveTables copy:        ${rate(moved)}`);
    console.log(`ratio MoveTables/dump:  ${(dumped.seconds / moved.seconds).toFixed(2)} (goal >= 1)`);
    const diffed = await vdiff(cluster);
    if (diffed !== undefined) {
      console.log(`VDiff:                  ${rate(diffed)}, ${diffed.mismatch ? "MISMATCH" : "no mismatch"}`);
    }
  } finally {
    await sourceDb.end().catch(() => undefined);
    await targetDb.end().catch(() => undefined);
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
