/**
 * Benchmark of libs/mysql/binlog's decoder: 1,000,000 row events of mixed column types written by a real
 * MariaDB (started with libs/mysql/mysqlctl in a temporary directory), then decoded
 *   - by our file reader (every value to MySQL's text form), best of BENCH_RUNS,
 *   - by our network stream (COM_BINLOG_DUMP over the unix socket, non-blocking) once,
 *   - by `mariadb-binlog --base64-output=decode-rows -v <files> > /dev/null`, best of BENCH_RUNS,
 * in the same run. Prints rows/s of each and the ratio ours/mariadb-binlog (goal: at least 1).
 *
 *   make bench-binlog              (BENCH_ROWS=1000000 BENCH_RUNS=3 by default)
 */
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findBinary } from "../libs/env/index.js";
import { BinlogStream, readBinlogFiles } from "../libs/mysql/binlog/index.js";
import { type Connection, connectMysql } from "../libs/mysql/connect.js";
import { Mysqld, newMycnf } from "../libs/mysql/mysqlctl/index.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BATCH = 50_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const TABLE = `CREATE TABLE bench_rows (
  id BIGINT PRIMARY KEY,
  a INT NOT NULL,
  b BIGINT UNSIGNED,
  c VARCHAR(64) NOT NULL,
  d DECIMAL(12,4),
  e DOUBLE,
  f DATETIME(6),
  g TIMESTAMP NULL,
  h TINYINT,
  i TEXT,
  j ENUM('new','paid','shipped','done'),
  k DATE,
  l FLOAT
) DEFAULT CHARSET=utf8mb4`;

/** Inserts 60%, updates 30% (before and after images) and deletes 10% of ROWS row events, in batches. */
async function writeRows(conn: Connection): Promise<{ inserts: number; updates: number; deletes: number }> {
  const inserts = Math.round(ROWS * 0.6);
  const updates = Math.round(ROWS * 0.3);
  const deletes = ROWS - inserts - updates;
  await conn.query(TABLE);
  for (let from = 1; from <= inserts; from += BATCH) {
    const to = Math.min(inserts, from + BATCH - 1);
    await conn.query(
      `INSERT INTO bench_rows
       SELECT seq, CAST(seq AS SIGNED) * 7 - 1000000, seq * 1000003, CONCAT('customer-', seq, '-é'), seq / 7, seq * 1.5e-3,
              '2024-01-01 00:00:00' + INTERVAL seq SECOND + INTERVAL seq MOD 1000000 MICROSECOND,
              IF(seq MOD 10 = 0, NULL, FROM_UNIXTIME(1700000000 + seq)), seq MOD 127,
              REPEAT('lorem ipsum ', 1 + seq MOD 8), ELT(1 + seq MOD 4, 'new', 'paid', 'shipped', 'done'),
              '2020-01-01' + INTERVAL seq MOD 3000 DAY, seq / 3
       FROM seq_${from}_to_${to}`,
    );
  }
  for (let from = 1; from <= updates; from += BATCH) {
    const to = Math.min(updates, from + BATCH - 1);
    await conn.query(
      `UPDATE bench_rows SET a = a + 1, c = CONCAT(c, '+'), d = d * 2, g = NULL WHERE id BETWEEN ${from} AND ${to}`,
    );
  }
  await conn.query(`DELETE FROM bench_rows WHERE id > ${inserts - deletes}`);
  return { inserts, updates, deletes };
}

interface Result {
  rows: number;
  seconds: number;
}

async function decodeFiles(files: string[]): Promise<Result> {
  const started = process.hrtime.bigint();
  let rows = 0;
  for await (const event of readBinlogFiles(files)) {
    if (event.kind === "rows") rows += event.rows.length;
  }
  return { rows, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function decodeStream(socket: string): Promise<Result> {
  const started = process.hrtime.bigint();
  let rows = 0;
  const stream = new BinlogStream({
    address: { socket },
    user: "vt_repl",
    serverId: 777_001,
    start: { kind: "gtid", position: { flavor: undefined, gtidSet: undefined } },
    nonBlocking: true,
  });
  for await (const event of stream) {
    if (event.kind === "rows") rows += event.rows.length;
  }
  return { rows, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function runMariadbBinlog(binary: string, files: string[]): Promise<number> {
  const devNull = openSync("/dev/null", "w");
  const started = process.hrtime.bigint();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(binary, ["--base64-output=decode-rows", "-v", ...files], {
        stdio: ["ignore", devNull, "inherit"],
      });
      child.once("error", reject);
      child.once("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`${binary} exited with ${code}`)),
      );
    });
  } finally {
    closeSync(devNull);
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const rate = (rows: number, seconds: number) =>
  `${Math.round(rows / seconds)
    .toLocaleString("en-US")
    .padStart(11)} rows/s`;

async function main(): Promise<void> {
  const binary = findBinary({ names: ["mariadb-binlog", "mysqlbinlog"], debianPackage: "mariadb-client" });
  const root = mkdtempSync(join(tmpdir(), "bench-binlog-"));
  const mysqld = new Mysqld(newMycnf({ vtDataRoot: root, uid: 9200, port: await freePort() }));
  const cleanup = async () => {
    await mysqld.teardown({ force: true, waitTimeMs: 60_000 }).catch(() => {});
    rmSync(root, { recursive: true, force: true });
  };
  process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));
  try {
    console.log(`starting MariaDB and writing ${ROWS.toLocaleString("en-US")} row events...`);
    await mysqld.init({ waitTimeMs: 120_000 });
    const conn = await connectMysql({ socket: mysqld.cnf.socketFile }, { user: "vt_dba" });
    let files: string[];
    try {
      await conn.query("CREATE DATABASE bench");
      await conn.query("USE bench");
      const written = Date.now();
      const counts = await writeRows(conn);
      console.log(
        `wrote ${counts.inserts} inserts, ${counts.updates} updates, ${counts.deletes} deletes in ` +
          `${((Date.now() - written) / 1000).toFixed(1)} s`,
      );
      await conn.query("FLUSH BINARY LOGS");
      const [logs] = await conn.query("SHOW BINARY LOGS");
      const names = (logs as { Log_name: string; File_size: number }[]).slice(0, -1);
      const bytes = names.reduce((sum, log) => sum + Number(log.File_size), 0);
      files = names.map((log) => join(dirname(mysqld.cnf.binLogPath), log.Log_name));
      console.log(`binlog: ${files.length} file(s), ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
    } finally {
      await conn.end();
    }

    let ours: Result | undefined;
    let theirs = Number.POSITIVE_INFINITY;
    for (let run = 0; run < RUNS; run++) {
      const result = await decodeFiles(files);
      if (ours === undefined || result.seconds < ours.seconds) ours = result;
      theirs = Math.min(theirs, await runMariadbBinlog(binary, files));
    }
    const stream = await decodeStream(mysqld.cnf.socketFile);
    if (ours!.rows !== ROWS || stream.rows !== ROWS) {
      throw new Error(
        `decoded ${ours!.rows} rows from files and ${stream.rows} from the stream, wrote ${ROWS}`,
      );
    }
    console.log(`\n${ROWS.toLocaleString("en-US")} row events, best of ${RUNS}:`);
    console.log(`  ours, binlog files    ${rate(ROWS, ours!.seconds)}  (${ours!.seconds.toFixed(2)} s)`);
    console.log(`  ours, network stream  ${rate(ROWS, stream.seconds)}  (${stream.seconds.toFixed(2)} s)`);
    console.log(`  mariadb-binlog -v     ${rate(ROWS, theirs)}  (${theirs.toFixed(2)} s)`);
    console.log(
      `  ratio ours/mariadb-binlog: ${(theirs / ours!.seconds).toFixed(2)} (files), ${(theirs / stream.seconds).toFixed(2)} (stream)`,
    );
  } finally {
    await cleanup();
  }
}

await main();
