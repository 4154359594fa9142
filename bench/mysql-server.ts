/**
 * Micro-benchmark of libs/mysql/server: point-select round trips through our MySQL protocol server
 * answering from a canned result, against the same clients talking to a real MariaDB (started with
 * libs/mysql/mysqlctl in a temporary directory) in the same run. Prints queries/s of each and the ratio.
 *
 *   make bench-mysql-server            (BENCH_SECONDS=10 BENCH_THREADS=8 by default)
 *
 * Workloads: mysql2 text queries, mysql2 prepared statements (binary protocol), and sysbench
 * oltp_point_select (native client, binary protocol) when sysbench is installed. Our server runs in a
 * child process so that, like mysqld, it does not share the client's event loop.
 */
import { execFile, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import mysql from "mysql2/promise";
import { connectMysql } from "../libs/mysql/connect.js";
import { Mysqld, newMycnf } from "../libs/mysql/mysqlctl/index.js";
import {
  type ClientConnection,
  type ConnectionHandler,
  MysqlServer,
  type PrepareResult,
  type ResultWriter,
} from "../libs/mysql/server/index.js";
import { type Field, MySqlFlag, type QueryResult, Type } from "../libs/proto/query.js";

const execFileAsync = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const THREADS = Number(process.env.BENCH_THREADS ?? 8);
const TABLE_SIZE = 10_000;
const POINT_SELECT = "SELECT c FROM sbtest1 WHERE id=?";

// ---- the server side: a canned point-select answer ----

const C_FIELD: Field = {
  name: "c",
  type: Type.CHAR,
  table: "sbtest1",
  orgTable: "sbtest1",
  database: "sbtest",
  orgName: "c",
  columnLength: 480,
  charset: 45,
  decimals: 0,
  flags: MySqlFlag.NOT_NULL_FLAG,
  columnType: "char(120)",
};
const C_VALUE = Buffer.from(
  "83868641912-28773972837-60736120486-75162659906-27563526494-20381887404-41576422241-93426793964-56405065102-33518432330",
);
const POINT_RESULT: QueryResult = {
  fields: [C_FIELD],
  rowsAffected: 0,
  insertId: "0",
  rows: [{ lengths: [C_VALUE.length], values: C_VALUE }],
  info: "",
  sessionStateChanges: "",
  insertIdChanged: false,
};
const OK_RESULT: QueryResult = { ...POINT_RESULT, fields: [], rows: [] };

class PointSelectHandler implements ConnectionHandler {
  newConnection(): void {}
  connectionClosed(): void {}
  comQuery(_conn: ClientConnection, sql: string, out: ResultWriter): Promise<void> {
    return out.write(/^\s*select/i.test(sql) ? POINT_RESULT : OK_RESULT);
  }
  async comInitDb(): Promise<void> {}
  async comPrepare(_conn: ClientConnection, sql: string): Promise<PrepareResult> {
    return /^\s*select/i.test(sql) ? { fields: [C_FIELD] } : {};
  }
  comStmtExecute(
    _conn: ClientConnection,
    stmt: { sql: string },
    _params: unknown,
    out: ResultWriter,
  ): Promise<void> {
    return out.write(/^\s*select/i.test(stmt.sql) ? POINT_RESULT : OK_RESULT);
  }
}

async function serve(): Promise<void> {
  const server = new MysqlServer({ handler: new PointSelectHandler(), maxConnections: 0 });
  await server.listen({ port: 0, host: "127.0.0.1" });
  process.send?.({ port: server.port });
  process.on("disconnect", () => process.exit(0));
}

// ---- the client side ----

interface Target {
  name: string;
  port: number;
  user: string;
}

interface Measure {
  qps: number;
  p95ms?: number;
}

async function mysql2Load(target: Target, prepared: boolean): Promise<Measure> {
  const conns = await Promise.all(
    Array.from({ length: THREADS }, () =>
      mysql.createConnection({ host: "127.0.0.1", port: target.port, user: target.user, database: "sbtest" }),
    ),
  );
  let count = 0;
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    conns.map(async (conn) => {
      while (Date.now() < deadline) {
        const id = 1 + Math.floor(Math.random() * TABLE_SIZE);
        if (prepared) await conn.execute(POINT_SELECT, [id]);
        else await conn.query(`SELECT c FROM sbtest1 WHERE id=${id}`);
        count++;
      }
    }),
  );
  await Promise.all(conns.map((c) => c.end()));
  return { qps: count / SECONDS };
}

function sysbenchArgs(target: Target): string[] {
  return [
    "oltp_point_select",
    "--db-driver=mysql",
    "--mysql-host=127.0.0.1",
    `--mysql-port=${target.port}`,
    `--mysql-user=${target.user}`,
    "--mysql-db=sbtest",
    "--tables=1",
    `--table-size=${TABLE_SIZE}`,
    `--threads=${THREADS}`,
  ];
}

async function sysbenchLoad(target: Target): Promise<Measure> {
  const { stdout } = await execFileAsync("sysbench", [...sysbenchArgs(target), `--time=${SECONDS}`, "run"], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const qps = /queries:\s+\d+\s+\(([\d.]+) per sec\.\)/.exec(stdout);
  const p95 = /95th percentile:\s+([\d.]+)/.exec(stdout);
  if (!qps) throw new Error(`cannot read sysbench output:\n${stdout}`);
  return { qps: Number(qps[1]), p95ms: p95 ? Number(p95[1]) : undefined };
}

async function hasSysbench(): Promise<boolean> {
  try {
    await execFileAsync("sysbench", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

async function startOurServer(): Promise<{ port: number; stop: () => void }> {
  const child = fork(process.argv[1], ["--serve"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`benchmark server exited with ${code}`)));
  });
  return {
    port,
    stop: () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGTERM");
    },
  };
}

async function startMariadb(root: string): Promise<{ mysqld: Mysqld; port: number }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const mysqld = new Mysqld(newMycnf({ vtDataRoot: root, uid: 9100, port }));
  await mysqld.init({ waitTimeMs: 120_000 });
  const conn = await connectMysql({ host: "127.0.0.1", port }, { user: "vt_dba" });
  try {
    await conn.query("CREATE DATABASE IF NOT EXISTS sbtest");
  } finally {
    await conn.end();
  }
  return { mysqld, port };
}

function row(name: string, direct: Measure, ours: Measure): string {
  const p95 = (m: Measure) => (m.p95ms === undefined ? "" : ` p95 ${m.p95ms.toFixed(2)} ms`);
  return (
    `${name.padEnd(28)} MariaDB ${direct.qps.toFixed(0).padStart(7)} q/s${p95(direct).padEnd(15)}` +
    `  ours ${ours.qps.toFixed(0).padStart(7)} q/s${p95(ours).padEnd(15)}  ratio ${(ours.qps / direct.qps).toFixed(2)}`
  );
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "bench-mysql-server-"));
  let ours: { port: number; stop: () => void } | undefined;
  let mysqld: Mysqld | undefined;
  const cleanup = async () => {
    ours?.stop();
    await mysqld?.teardown({ force: true, waitTimeMs: 60_000 }).catch(() => {});
    rmSync(root, { recursive: true, force: true });
  };
  process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));
  try {
    console.log(`starting MariaDB and our server (${THREADS} client threads, ${SECONDS} s per run)...`);
    const maria = await startMariadb(root);
    mysqld = maria.mysqld;
    ours = await startOurServer();
    const direct: Target = { name: "MariaDB", port: maria.port, user: "vt_dba" };
    const proto: Target = { name: "ours", port: ours.port, user: "bench" };
    const lines: string[] = [];
    const sysbench = await hasSysbench();
    if (sysbench) {
      await execFileAsync("sysbench", [...sysbenchArgs(direct), "prepare"]);
    } else {
      const conn = await connectMysql(
        { host: "127.0.0.1", port: maria.port },
        { user: "vt_dba", database: "sbtest" },
      );
      await conn.query("CREATE TABLE sbtest1 (id INT PRIMARY KEY, k INT, c CHAR(120), pad CHAR(60))");
      await conn.query("INSERT INTO sbtest1 SELECT seq, seq, ?, '' FROM seq_1_to_10000", [
        C_VALUE.toString(),
      ]);
      await conn.end();
    }
    for (const [name, run] of [
      ["mysql2 text point select", (t: Target) => mysql2Load(t, false)],
      ["mysql2 prepared point select", (t: Target) => mysql2Load(t, true)],
      ...(sysbench ? ([["sysbench oltp_point_select", sysbenchLoad]] as const) : []),
    ] as const) {
      const d = await run(direct);
      const o = await run(proto);
      lines.push(row(name, d, o));
      console.log(lines[lines.length - 1]);
    }
    console.log("\nour server (canned result) vs MariaDB (real point select), same clients, same run:");
    for (const line of lines) console.log(`  ${line}`);
  } finally {
    await cleanup();
  }
}

if (process.argv.includes("--serve")) {
  void serve();
} else {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
