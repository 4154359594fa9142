/**
 * sysbench through vtgate vs. directly against the primary's MariaDB, same run (issues 5 and 6):
 * oltp_point_select and oltp_read_only on 10 tables × 10,000 rows, 8 threads, 30 s each, on an unsharded
 * keyspace; then oltp_point_select on the same tables in a keyspace sharded by `hash` on `id` over -80 and
 * 80- (each point select routed to one shard by its primary vindex), against the same direct baseline.
 * Prints queries/s, p95/p99 latency (from sysbench's histogram), the ratio vtgate/direct, the CPU time of
 * vtgate and of the vttablet(s) per query (from /proc/<pid>/stat before and after each run) and vtgate's
 * plan-cache hit rate during the run (vtgate_plan_cache_{hits,misses}_total from /metrics).
 *
 *   make bench-vtgate
 *   BENCH_SECONDS=10 BENCH_THREADS=8 BENCH_TESTS=oltp_point_select node dist/bench/vtgate.js
 *   node dist/bench/vtgate.js --duration 10 --cpu-prof /tmp/prof    (CPU profiles of vtgate and vttablets)
 *   node dist/bench/vtgate.js --sharded 0      (without the sharded keyspace; --sharded only: it alone)
 *
 * The cluster (etcd, one MariaDB and PRIMARY vttablet per shard, one vtgate per tablet transport: grpc and
 * frame, see libs/framerpc) comes from bench/cluster.ts; every process is stopped by pid at the end, on
 * error and on Ctrl-C.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { connectMysql } from "../libs/mysql/connect.js";
import { zeroKeyDes } from "../libs/vindexes/index.js";
import { type BenchCluster, type BenchShard, startCluster } from "./cluster.js";

const execFileAsync = promisify(execFile);
const KEYSPACE = "sbtest";
const SHARDED_KEYSPACE = "sbtest_sharded";
const TABLES = 10;
const TABLE_SIZE = 10_000;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const SECONDS = Number(argValue("--duration") ?? process.env.BENCH_SECONDS ?? 30);
const THREADS = Number(argValue("--threads") ?? process.env.BENCH_THREADS ?? 8);
const TESTS = (argValue("--tests") ?? process.env.BENCH_TESTS ?? "oltp_point_select,oltp_read_only").split(
  ",",
);
/** One vtgate per --tablet-transport, measured one after the other against the same tablet. */
const TRANSPORTS = (argValue("--transports") ?? process.env.BENCH_TRANSPORTS ?? "grpc,frame").split(",");
const CPU_PROF = argValue("--cpu-prof");
/** 1: also the sharded keyspace; 0: without it; only: the sharded keyspace alone (for its profiles). */
const SHARDED_MODE = argValue("--sharded") ?? process.env.BENCH_SHARDED ?? "1";
const SHARDED = SHARDED_MODE !== "0";
/** Extra vtgate/vttablet flags, e.g. --vtgate-args "--foo bar". */
const VTGATE_ARGS = (argValue("--vtgate-args") ?? process.env.BENCH_VTGATE_ARGS ?? "")
  .split(" ")
  .filter(Boolean);
const VTTABLET_ARGS = (argValue("--vttablet-args") ?? process.env.BENCH_VTTABLET_ARGS ?? "")
  .split(" ")
  .filter(Boolean);

interface Target {
  name: string;
  port: number;
  user: string;
  db: string;
  /** Processes whose CPU time is charged to this target's queries. */
  pids: { name: string; pid: number }[];
  /** vtgate's HTTP port, for the plan-cache counters. */
  httpPort?: number;
}

interface Measure {
  qps: number;
  p95ms: number;
  p99ms: number;
  /** CPU µs per query of each process in target.pids. */
  cpuPerQueryUs: Record<string, number>;
  /** Plan-cache hits / lookups during the run (vtgate only). */
  planCacheHitRate?: number;
}

function sysbenchArgs(test: string, target: Target): string[] {
  return [
    test,
    "--db-driver=mysql",
    "--mysql-host=127.0.0.1",
    `--mysql-port=${target.port}`,
    `--mysql-user=${target.user}`,
    `--mysql-db=${target.db}`,
    `--tables=${TABLES}`,
    `--table-size=${TABLE_SIZE}`,
    `--threads=${THREADS}`,
  ];
}

/** utime + stime of a process in clock ticks (USER_HZ, 100 on Linux). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}
const TICK_MS = 10;

/** The latency at `fraction` of the histogram's counts (bucket upper values, ms). */
function percentileOf(histogram: [number, number][], fraction: number): number {
  const total = histogram.reduce((sum, [, count]) => sum + count, 0);
  let seen = 0;
  for (const [value, count] of histogram) {
    seen += count;
    if (seen >= total * fraction) return value;
  }
  return histogram.length > 0 ? (histogram[histogram.length - 1] as [number, number])[0] : Number.NaN;
}

export function parseSysbench(stdout: string): { qps: number; p95ms: number; p99ms: number } {
  const qps = /queries:\s+\d+\s+\(([\d.]+) per sec\.\)/.exec(stdout);
  if (!qps) throw new Error(`cannot read sysbench output:\n${stdout}`);
  const histogram: [number, number][] = [];
  for (const match of stdout.matchAll(/^\s+([\d.]+)\s+\|\*+\s+(\d+)\s*$/gm)) {
    histogram.push([Number(match[1]), Number(match[2])]);
  }
  const p95 = /95th percentile:\s+([\d.]+)/.exec(stdout);
  return {
    qps: Number(qps[1]),
    p95ms: histogram.length > 0 ? percentileOf(histogram, 0.95) : Number(p95?.[1] ?? Number.NaN),
    p99ms: histogram.length > 0 ? percentileOf(histogram, 0.99) : Number.NaN,
  };
}

/** vtgate's plan-cache hits and misses so far (its /metrics). */
async function planCacheCounts(httpPort: number): Promise<{ hits: number; misses: number }> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  return { hits: value("vtgate_plan_cache_hits_total"), misses: value("vtgate_plan_cache_misses_total") };
}

async function run(test: string, target: Target): Promise<Measure> {
  const plansBefore = target.httpPort ? await planCacheCounts(target.httpPort) : undefined;
  const before = target.pids.map(({ pid }) => cpuTicks(pid));
  const { stdout } = await execFileAsync(
    "sysbench",
    [...sysbenchArgs(test, target), `--time=${SECONDS}`, "--histogram=on", "run"],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const after = target.pids.map(({ pid }) => cpuTicks(pid));
  const plansAfter = target.httpPort ? await planCacheCounts(target.httpPort) : undefined;
  const parsed = parseSysbench(stdout);
  const queries = parsed.qps * SECONDS;
  const cpuPerQueryUs: Record<string, number> = {};
  target.pids.forEach(({ name }, i) => {
    cpuPerQueryUs[name] = (((after[i] as number) - (before[i] as number)) * TICK_MS * 1000) / queries;
  });
  let planCacheHitRate: number | undefined;
  if (plansBefore && plansAfter) {
    const hits = plansAfter.hits - plansBefore.hits;
    planCacheHitRate = hits / (hits + plansAfter.misses - plansBefore.misses);
  }
  return { ...parsed, cpuPerQueryUs, planCacheHitRate };
}

function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

function line(label: string, m: Measure, direct?: Measure): string {
  const ms = (v: number) => (Number.isNaN(v) ? "   -" : v.toFixed(2));
  const base = `  ${label.padEnd(40)} ${m.qps.toFixed(0).padStart(7)} q/s  p95 ${ms(m.p95ms).padStart(6)} ms  p99 ${ms(m.p99ms).padStart(6)} ms`;
  if (!direct) return base;
  const cpu = Object.entries(m.cpuPerQueryUs)
    .map(([name, us]) => `${name} ${us.toFixed(0)} µs`)
    .join(", ");
  const plans =
    m.planCacheHitRate === undefined ? "" : `  plan cache hits ${(m.planCacheHitRate * 100).toFixed(1)} %`;
  return `${base}  ratio ${(m.qps / direct.qps).toFixed(2)}  CPU/query: ${cpu}${plans}`;
}

/** Whether `id` of a sysbench table lives in shard -80 (hash: the first byte of its keyspace id < 0x80). */
function inLowerHalf(id: number): boolean {
  const ksid = new Uint8Array(8);
  zeroKeyDes(0, id, ksid);
  return (ksid[0] as number) < 0x80;
}

/**
 * Fills each shard of the sharded keyspace: sysbench prepare writes all rows on every shard's MariaDB, then
 * each shard drops the rows its key range does not hold, so every row lives exactly where `hash` routes it.
 */
async function prepareShards(shards: readonly BenchShard[]): Promise<void> {
  for (const shard of shards) {
    const target: Target = {
      name: shard.shard,
      port: shard.mysqlPort,
      user: "vt_dba",
      db: `vt_${SHARDED_KEYSPACE}`,
      pids: [],
    };
    await execFileAsync("sysbench", [...sysbenchArgs("oltp_point_select", target), "prepare"], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const lower = shard.shard === "-80";
    const foreign: number[] = [];
    for (let id = 1; id <= TABLE_SIZE; id++) if (inLowerHalf(id) !== lower) foreign.push(id);
    const conn = await connectMysql(
      { host: "127.0.0.1", port: shard.mysqlPort },
      { user: "vt_dba", database: target.db },
    );
    try {
      for (let t = 1; t <= TABLES; t++)
        await conn.query(`DELETE FROM sbtest${t} WHERE id IN (${foreign.join(",")})`);
    } finally {
      await conn.end();
    }
  }
}

async function main(): Promise<void> {
  const nodeArgs: string[] = [];
  if (CPU_PROF) {
    mkdirSync(resolve(CPU_PROF), { recursive: true });
    nodeArgs.push("--cpu-prof", "--cpu-prof-dir", resolve(CPU_PROF));
  }
  console.log(
    `starting etcd, MariaDB, vttablet (PRIMARY) and vtgate(s)... (${THREADS} threads, ${SECONDS} s per run, ` +
      `${TABLES} tables × ${TABLE_SIZE} rows)`,
  );
  let cluster: BenchCluster | undefined;
  try {
    cluster = await startCluster({
      keyspace: KEYSPACE,
      tables: Array.from({ length: TABLES }, (_, i) => `sbtest${i + 1}`),
      ...(SHARDED ? { shardedKeyspace: SHARDED_KEYSPACE } : {}),
      nodeArgs,
      vtgateArgs: VTGATE_ARGS,
      vttabletArgs: VTTABLET_ARGS,
      keepDir: process.env.BENCH_KEEP === "1",
      transports: TRANSPORTS,
    });
    const direct: Target = {
      name: "direct",
      port: cluster.mysqlPort,
      user: "vt_dba",
      db: `vt_${KEYSPACE}`,
      pids: [],
    };
    const tablet = { name: "vttablet", pid: cluster.vttabletPid };
    const vtgates: Target[] = cluster.vtgates.map((v) => ({
      name: `vtgate (${v.transport})`,
      port: v.port,
      user: "bench",
      db: KEYSPACE,
      pids: [{ name: "vtgate", pid: v.pid }, tablet],
      httpPort: v.httpPort,
    }));
    const shards = cluster.shards;
    const shardedVtgates: Target[] = cluster.vtgates.map((v) => ({
      name: `vtgate (${v.transport}), 2 shards`,
      port: v.port,
      user: "bench",
      db: SHARDED_KEYSPACE,
      pids: [
        { name: "vtgate", pid: v.pid },
        ...shards.map((s) => ({ name: `vttablet ${s.shard}`, pid: s.vttabletPid })),
      ],
      httpPort: v.httpPort,
    }));
    const conn = await connectMysql({ host: "127.0.0.1", port: cluster.mysqlPort }, { user: "vt_dba" });
    await conn.query(`CREATE DATABASE IF NOT EXISTS vt_${KEYSPACE}`);
    await conn.end();
    await execFileAsync("sysbench", [...sysbenchArgs("oltp_point_select", direct), "prepare"], {
      maxBuffer: 16 * 1024 * 1024,
    });
    if (shards.length > 0) await prepareShards(shards);
    const sharded = shards.length > 0 ? shardedVtgates : [];
    // Warm every path (plan cache, JIT, buffer pool) before measuring.
    for (const target of [direct, ...(SHARDED_MODE === "only" ? [] : vtgates), ...sharded]) {
      await execFileAsync("sysbench", [...sysbenchArgs("oltp_point_select", target), "--time=3", "run"]);
    }
    const lines: string[] = [];
    for (const test of TESTS) {
      const loadBefore = loadAverage();
      const d = await run(test, direct);
      const rows = [test, line("MariaDB direct", d)];
      const unsharded = SHARDED_MODE === "only" ? [] : vtgates;
      for (const target of unsharded) rows.push(line(`through ${target.name}`, await run(test, target), d));
      if (test === "oltp_point_select") {
        for (const target of sharded) rows.push(line(`through ${target.name}`, await run(test, target), d));
      }
      rows.push(`  (load average before: ${loadBefore}, after: ${loadAverage()})`);
      lines.push(rows.join("\n"));
      console.log(lines[lines.length - 1]);
    }
    console.log(`\nsysbench, ${THREADS} threads, ${SECONDS} s, ${TABLES} tables × ${TABLE_SIZE} rows:`);
    for (const line of lines) console.log(line);
  } finally {
    await cluster?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
