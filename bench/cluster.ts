/**
 * A cluster for benchmarks, outside vitest (test/harness is bound to vitest's inject): etcd, an unsharded
 * keyspace (one MariaDB through libs/mysql/mysqlctl, one vttablet made PRIMARY with `vtctldclient --server
 * internal PlannedReparentShard`), optionally a keyspace sharded by `hash` on `id` over `-80` and `80-` (one
 * MariaDB and PRIMARY vttablet per shard), and one vtgate per tablet transport, all on free 127.0.0.1 ports in
 * a temporary VTDATAROOT. Every process is stopped by its pid in `stop()`, which also runs on SIGINT/SIGTERM
 * and when a start step fails.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { findBinary } from "../libs/env/binaries.js";
import { connectMysql } from "../libs/mysql/connect.js";
import { Mysqld, newMycnf } from "../libs/mysql/mysqlctl/index.js";

const execFileAsync = promisify(execFile);
const DIST = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const VTTABLET_MAIN = join(DIST, "services/vttablet/main.js");
const VTGATE_MAIN = join(DIST, "services/vtgate/main.js");
const VTCTLDCLIENT_MAIN = join(DIST, "services/vtctldclient/main.js");

export interface ClusterOptions {
  keyspace: string;
  /** Tables of both keyspaces' VSchemas; in the sharded keyspace each is sharded by `hash` on `id`. */
  tables: readonly string[];
  /** A second keyspace of that name, sharded over -80 and 80-. */
  shardedKeyspace?: string;
  /** More unsharded keyspaces, one MariaDB and PRIMARY vttablet each, with no VSchema (MoveTables targets). */
  unshardedKeyspaces?: readonly string[];
  /** One vtgate per --tablet-transport (default: grpc only); vttablet serves both. */
  transports?: readonly string[];
  /** Extra flags for vttablet / vtgate. */
  vttabletArgs?: readonly string[];
  vtgateArgs?: readonly string[];
  /** Node flags for the vttablet and vtgate processes (e.g. ["--cpu-prof", "--cpu-prof-dir", dir]). */
  nodeArgs?: readonly string[];
  /** Leave the directory (logs) in place after stop(). */
  keepDir?: boolean;
}

export interface BenchVtgate {
  /** --tablet-transport: grpc or frame. */
  readonly transport: string;
  /** MySQL port (any user; database = keyspace name). */
  readonly port: number;
  /** HTTP port (/metrics). */
  readonly httpPort: number;
  readonly pid: number;
}

/** The PRIMARY tablet of one shard and its MariaDB. */
export interface BenchShard {
  readonly keyspace: string;
  readonly shard: string;
  /** MariaDB's TCP port (user vt_dba, no password; database vt_<keyspace>). */
  readonly mysqlPort: number;
  readonly vttabletPid: number;
}

export interface BenchCluster {
  readonly dir: string;
  /** The unsharded keyspace's primary's MariaDB TCP port (user vt_dba, no password; database vt_<keyspace>). */
  readonly mysqlPort: number;
  /** The vtgates, one per transport asked for. */
  readonly vtgates: readonly BenchVtgate[];
  readonly vttabletPid: number;
  /** The shards of the sharded keyspace (-80, 80-), when asked for. */
  readonly shards: readonly BenchShard[];
  /** The single shard of each of `unshardedKeyspaces`, in that order. */
  readonly unsharded: readonly BenchShard[];
  /** Runs vtctldclient (`--server internal`) against the cluster's topology; resolves with its stdout. */
  vtctldclient(...args: string[]): Promise<string>;
  /** Stops vtgate, vttablet, MariaDB and etcd (by pid) and removes the directory. Idempotent. */
  stop(): Promise<void>;
}

interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
  log: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function startProc(name: string, command: string, args: readonly string[], log: string): Proc {
  const fd = openSync(log, "a");
  let child: ChildProcess;
  try {
    child = spawn(command, [...args], { stdio: ["ignore", fd, fd] });
  } finally {
    closeSync(fd);
  }
  child.once("error", () => {});
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return { name, child, exited, log };
}

async function stopProc(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const pid = proc.child.pid as number;
  process.kill(pid, "SIGTERM");
  const timer = setTimeout(() => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) process.kill(pid, "SIGKILL");
  }, 15_000);
  await proc.exited;
  clearTimeout(timer);
}

function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

async function waitFor(what: string, proc: Proc, probe: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`${proc.name} exited during startup; log tail:\n${tail(proc.log)}`);
    }
    try {
      if (await probe()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms (${String(last)}); log tail:\n${tail(proc.log)}`);
}

async function httpOk(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return response.status === 200;
}

async function vtctldclient(topo: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [VTCTLDCLIENT_MAIN, "--server", "internal", "--topo-implementation", "etcd2"].concat([
      "--topo-global-server-address",
      topo,
      "--topo-global-root",
      "/vitess/global",
      ...args,
    ]),
    { timeout: 120_000 },
  );
  return stdout;
}

/** Starts the cluster; throws (after stopping whatever started) when a step fails. */
export async function startCluster(options: ClusterOptions): Promise<BenchCluster> {
  const dir = mkdtempSync(join(tmpdir(), "bench-vt-"));
  const procs: Proc[] = [];
  const mysqlds: Mysqld[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      for (const proc of [...procs].reverse()) await stopProc(proc).catch(() => {});
      for (const mysqld of mysqlds)
        await mysqld.teardown({ force: true, waitTimeMs: 60_000 }).catch(() => {});
      if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  const onSignal = () => void stop().then(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    // etcd
    const clientPort = await freePort();
    const peerPort = await freePort();
    const clientUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const topo = `127.0.0.1:${clientPort}`;
    const etcd = startProc(
      "etcd",
      findBinary({ names: ["etcd"], debianPackage: "etcd-server" }),
      [
        ...["--name", "default", "--data-dir", join(dir, "etcd"), "--listen-client-urls", clientUrl],
        ...["--advertise-client-urls", clientUrl, "--listen-peer-urls", peerUrl],
        ...["--initial-advertise-peer-urls", peerUrl, "--initial-cluster", `default=${peerUrl}`],
      ],
      join(dir, "etcd.log"),
    );
    procs.push(etcd);
    await waitFor("etcd", etcd, async () => (await fetch(`${clientUrl}/health`)).ok, 30_000);

    // keyspaces, one MariaDB and PRIMARY vttablet per shard
    await vtctldclient(topo, "AddCellInfo", "--root", "/vitess/zone1", "--server-address", topo, "zone1");
    const topoArgs = ["--topo-implementation", "etcd2", "--topo-global-server-address", topo];
    const startTablet = async (keyspace: string, shard: string, uid: number): Promise<BenchShard> => {
      await vtctldclient(topo, "CreateShard", `${keyspace}/${shard}`);
      const mysqlPort = await freePort();
      const cnf = newMycnf({ vtDataRoot: dir, uid, port: mysqlPort });
      const instance = new Mysqld(cnf);
      mysqlds.push(instance);
      await instance.init({ waitTimeMs: 120_000 });
      const tabletHttp = await freePort();
      const alias = `zone1-${uid}`;
      mkdirSync(join(dir, `vttablet-${uid}`), { recursive: true });
      const vttablet = startProc(
        `vttablet ${alias}`,
        process.execPath,
        [
          ...(options.nodeArgs ?? []),
          VTTABLET_MAIN,
          ...topoArgs,
          ...["--topo-global-root", "/vitess/global", "--tablet-path", alias],
          ...["--init-keyspace", keyspace, "--init-shard", shard, "--init-tablet-type", "replica"],
          ...["--port", String(tabletHttp), "--grpc-port", String(await freePort())],
          ...["--frame-port", String(await freePort())],
          ...["--db-socket", cnf.socketFile, "--mysql-port", String(mysqlPort)],
          ...["--pid-file", join(dir, `vttablet-${uid}`, "vttablet.pid"), ...(options.vttabletArgs ?? [])],
        ],
        join(dir, `vttablet-${uid}.log`),
      );
      procs.push(vttablet);
      await waitFor(`vttablet ${alias}`, vttablet, () => httpOk(tabletHttp));
      await vtctldclient(topo, "PlannedReparentShard", `${keyspace}/${shard}`, "--new-primary", alias);
      return { keyspace, shard, mysqlPort, vttabletPid: vttablet.child.pid as number };
    };
    await vtctldclient(topo, "CreateKeyspace", "--durability-policy", "none", options.keyspace);
    const primary = await startTablet(options.keyspace, "0", 100);
    const unshardedVSchema = { tables: Object.fromEntries(options.tables.map((t) => [t, {}])) };
    await vtctldclient(topo, "ApplyVSchema", "--vschema", JSON.stringify(unshardedVSchema), options.keyspace);
    const shards: BenchShard[] = [];
    const sharded = options.shardedKeyspace;
    if (sharded !== undefined) {
      await vtctldclient(topo, "CreateKeyspace", "--durability-policy", "none", sharded);
      shards.push(await startTablet(sharded, "-80", 200), await startTablet(sharded, "80-", 300));
      const vschema = {
        sharded: true,
        vindexes: { hash: { type: "hash" } },
        tables: Object.fromEntries(
          options.tables.map((t) => [t, { column_vindexes: [{ column: "id", name: "hash" }] }]),
        ),
      };
      await vtctldclient(topo, "ApplyVSchema", "--vschema", JSON.stringify(vschema), sharded);
      await vtctldclient(topo, "RebuildKeyspaceGraph", sharded);
    }

    const unsharded: BenchShard[] = [];
    for (const [i, keyspace] of (options.unshardedKeyspaces ?? []).entries()) {
      await vtctldclient(topo, "CreateKeyspace", "--durability-policy", "none", keyspace);
      unsharded.push(await startTablet(keyspace, "0", 400 + 100 * i));
    }

    // one vtgate per transport asked for
    const vtgates: BenchVtgate[] = [];
    for (const transport of options.transports ?? ["grpc"]) {
      const port = await freePort();
      const vtgateHttp = await freePort();
      const vtgate = startProc(
        `vtgate (${transport})`,
        process.execPath,
        [
          ...(options.nodeArgs ?? []),
          VTGATE_MAIN,
          ...topoArgs,
          ...["--topo-global-root", "/vitess/global", "--cell", "zone1", "--cells-to-watch", "zone1"],
          ...["--tablet-types-to-wait", "PRIMARY", "--port", String(vtgateHttp), "--grpc-port", "0"],
          ...["--mysql-server-port", String(port), "--mysql-server-bind-address", "127.0.0.1"],
          ...["--mysql-auth-server-impl", "none", "--pid-file", join(dir, `vtgate-${transport}.pid`)],
          ...["--tablet-transport", transport, ...(options.vtgateArgs ?? [])],
        ],
        join(dir, `vtgate-${transport}.log`),
      );
      procs.push(vtgate);
      await waitFor("vtgate", vtgate, async () => {
        const conn = await connectMysql({ host: "127.0.0.1", port }, { user: "bench" });
        try {
          for (const target of [options.keyspace, ...shards.map((s) => `${s.keyspace}:${s.shard}`)]) {
            await conn.query(`use \`${target}\``);
            await conn.query("select 1 from dual");
          }
          return true;
        } finally {
          await conn.end();
        }
      });
      vtgates.push({ transport, port, httpPort: vtgateHttp, pid: vtgate.child.pid as number });
    }
    return {
      dir,
      mysqlPort: primary.mysqlPort,
      vtgates,
      vttabletPid: primary.vttabletPid,
      shards,
      unsharded,
      vtctldclient: (...args) => vtctldclient(topo, ...args),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
