import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connection, connectMysql } from "../../libs/mysql/connect.js";
import { isMysqldProcess, type Mycnf, newMycnf, readPidFile } from "../../libs/mysql/mysqlctl/index.js";
import {
  MARIADB_FLAVOR,
  parseFlavoredGtidSet,
  positionAtLeast,
  positionEqual,
  positionGtidSetString,
} from "../../libs/mysql/replication/index.js";
import { type StartMysqldOptions, startMysqld, type TestMysqld } from "../harness/mysqld.js";
import { freePort } from "../harness/ports.js";
import { adoptPid, releasePid } from "../harness/processes.js";
import { makeTestDir } from "../harness/test-dir.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MYSQLCTL = join(REPO, "dist/services/mysqlctl/main.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [MYSQLCTL, ...args], { env, timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

async function queryOne<T>(conn: Connection, sql: string, values: unknown[] = []): Promise<T> {
  const [rows] = await conn.query(sql, values);
  return (rows as T[])[0] as T;
}

async function withConn<T>(
  connect: () => Promise<Connection>,
  fn: (conn: Connection) => Promise<T>,
): Promise<T> {
  const conn = await connect();
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

/** Stops every pid by SIGKILL if it is still a live mysqld: the safety net when a test fails midway. */
function killLeftovers(pids: Iterable<number>): void {
  for (const pid of pids) {
    if (isMysqldProcess(pid)) process.kill(pid, "SIGKILL");
    releasePid(pid);
  }
}

describe("mysqlctl CLI against MariaDB", () => {
  const uid = 100;
  let root: string;
  let cnf: Mycnf;
  let env: NodeJS.ProcessEnv;
  const pids = new Set<number>();
  const mysqlctl = (...args: string[]) => run(["--tablet-uid", String(uid), ...args], env);

  /** Records the running mysqld (started by the CLI, not by us) so it is killed even if the test fails. */
  function adoptRunning(): number {
    const pid = readPidFile(cnf.pidFile);
    if (pid === undefined) throw new Error(`no pid file at ${cnf.pidFile}`);
    adoptPid(pid, `mariadbd ${uid}`, "mariadbd");
    pids.add(pid);
    return pid;
  }

  const socketConn =
    (user = "vt_dba") =>
    () =>
      newConn(cnf, user, false);
  const tcpConn =
    (user = "vt_dba") =>
    () =>
      newConn(cnf, user, true);

  beforeAll(async () => {
    if (!existsSync(MYSQLCTL))
      throw new Error(`${MYSQLCTL} is missing: run 'npx tsc -p tsconfig.build.json'`);
    root = makeTestDir("mysqlctl");
    const port = await freePort();
    cnf = newMycnf({ vtDataRoot: root, uid, port });
    env = { ...process.env, VTDATAROOT: root, VT_MYSQL_ROOT: "" };
  });

  afterAll(() => {
    const current = cnf ? readPidFile(cnf.pidFile) : undefined;
    killLeftovers([...pids, ...(current === undefined ? [] : [current])]);
  });

  it("prints usage on --help, and usage with exit 2 for an unknown command or flag", async () => {
    const help = await run(["--help"], env);
    expect(help.code).toBe(0);
    for (const word of [
      "init",
      "start",
      "shutdown",
      "teardown",
      "--tablet-uid",
      "--mysql-port",
      "--wait-time",
    ]) {
      expect(help.stdout).toContain(word);
    }
    const unknown = await run(["frobnicate"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(unknown.stderr).toContain("Usage: mysqlctl");
    const badFlag = await run(["--no-such-flag", "init"], env);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("unknown flag: --no-such-flag");
  });

  it("requires VTDATAROOT", async () => {
    const { VTDATAROOT: _, ...withoutRoot } = env;
    const result = await run(["init"], withoutRoot);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("VTDATAROOT is not set");
  });

  it("init creates the tablet directory and leaves mysqld running after the CLI exits", async () => {
    const result = await mysqlctl("--mysql-port", String(cnf.port), "init", "--wait-time", "60s");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const pid = adoptRunning();
    expect(isMysqldProcess(pid)).toBe(true);
    for (const path of [cnf.path, cnf.dataDir, cnf.socketFile, cnf.errorLogPath, cnf.tmpDir]) {
      expect(existsSync(path), path).toBe(true);
    }
    expect(readFileSync(cnf.path, "utf8")).toContain(`port = ${cnf.port}`);
  });

  it("vt_dba connects over the socket and over TCP; the binlog is on, row-based", async () => {
    const viaSocket = await withConn(socketConn(), (conn) =>
      queryOne<Record<string, unknown>>(
        conn,
        "SELECT CURRENT_USER() AS user, @@binlog_format AS format, @@log_bin AS logBin, @@server_id AS serverId",
      ),
    );
    expect(viaSocket).toEqual({ user: "vt_dba@localhost", format: "ROW", logBin: 1, serverId: uid });
    const viaTcp = await withConn(tcpConn(), (conn) =>
      queryOne<{ user: string }>(conn, "SELECT CURRENT_USER() AS user"),
    );
    expect(viaTcp.user).toBe("vt_dba@127.0.0.1");
  });

  it("has the _vt database and the Vitess users", async () => {
    await withConn(socketConn(), async (conn) => {
      const [dbs] = await conn.query("SHOW DATABASES LIKE '\\_vt'");
      expect(dbs).toHaveLength(1);
      const [rows] = await conn.query("SELECT CONCAT(User, '@', Host) AS account FROM mysql.user");
      const accounts = (rows as { account: string }[]).map((row) => row.account);
      expect(accounts).toEqual(
        expect.arrayContaining([
          "vt_dba@localhost",
          "vt_dba@127.0.0.1",
          "vt_app@localhost",
          "vt_app@127.0.0.1",
          "vt_repl@%",
          "vt_filtered@localhost",
          "vt_allprivs@localhost",
        ]),
      );
      expect(accounts.filter((account) => account.startsWith("root@"))).toEqual(["root@localhost"]);
    });
    const app = await withConn(tcpConn("vt_app"), (conn) =>
      queryOne<{ user: string }>(conn, "SELECT CURRENT_USER() AS user"),
    );
    expect(app.user).toBe("vt_app@127.0.0.1");
  });

  it("starts at an empty GTID position that advances with each write", async () => {
    await withConn(socketConn(), async (conn) => {
      const position = async () =>
        parseFlavoredGtidSet(
          MARIADB_FLAVOR,
          (await queryOne<{ pos: string }>(conn, "SELECT @@gtid_binlog_pos AS pos")).pos,
        );
      const empty = await position();
      expect(positionGtidSetString(empty)).toBe("");
      await conn.query("CREATE DATABASE vt_test");
      await conn.query("CREATE TABLE vt_test.t (id INT PRIMARY KEY)");
      const afterDdl = await position();
      await conn.query("INSERT INTO vt_test.t VALUES (1)");
      const afterInsert = await position();
      expect(positionAtLeast(afterDdl, empty) && !positionEqual(afterDdl, empty)).toBe(true);
      expect(positionAtLeast(afterInsert, afterDdl) && !positionEqual(afterInsert, afterDdl)).toBe(true);
      expect(positionGtidSetString(afterInsert)).toBe(`0-${uid}-3`);
      const current = await queryOne<{ pos: string }>(conn, "SELECT @@gtid_current_pos AS pos");
      expect(current.pos).toBe(`0-${uid}-3`);
    });
  });

  it("refuses a second init on the same directory and keeps the running instance", async () => {
    const pid = readPidFile(cnf.pidFile);
    const result = await mysqlctl("--mysql-port", String(cnf.port), "init");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`data directory ${cnf.dataDir} already exists and is not empty`);
    expect(readPidFile(cnf.pidFile)).toBe(pid);
    expect(isMysqldProcess(pid as number)).toBe(true);
  });

  it("shutdown stops mysqld and leaves no process; shutting down again is a no-op", async () => {
    const pid = readPidFile(cnf.pidFile) as number;
    const result = await mysqlctl("shutdown");
    expect(result.code).toBe(0);
    expect(isMysqldProcess(pid)).toBe(false);
    expect(existsSync(cnf.pidFile)).toBe(false);
    releasePid(pid);
    const again = await mysqlctl("shutdown");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("mysqld is not running");
  });

  it("start brings mysqld back with its data and GTID position", async () => {
    const result = await mysqlctl("start");
    expect(result.code).toBe(0);
    const pid = adoptRunning();
    expect(isMysqldProcess(pid)).toBe(true);
    const row = await withConn(socketConn(), (conn) =>
      queryOne<{ n: number; pos: string }>(
        conn,
        "SELECT COUNT(*) AS n, @@gtid_binlog_pos AS pos FROM vt_test.t",
      ),
    );
    expect(row).toEqual({ n: 1, pos: `0-${uid}-3` });
    const twice = await mysqlctl("start");
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`already running (pid ${pid})`);
  });

  it("teardown stops mysqld and removes the tablet directory", async () => {
    const pid = readPidFile(cnf.pidFile) as number;
    const result = await mysqlctl("teardown");
    expect(result.code).toBe(0);
    expect(isMysqldProcess(pid)).toBe(false);
    expect(existsSync(cnf.tabletDir)).toBe(false);
    releasePid(pid);
  });
});

function newConn(cnf: Mycnf, user: string, tcp: boolean): Promise<Connection> {
  return connectMysql(tcp ? { host: "127.0.0.1", port: cnf.port } : { socket: cnf.socketFile }, { user });
}

/** Pids of live processes whose command line contains `marker` (e.g. a tablet's my.cnf path). */
function processesMatching(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      if (cmdline.includes(marker) && isMysqldProcess(Number(entry))) found.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

describe("mysqlctl init when mysqld cannot start", () => {
  let blocker: Server | undefined;
  let cnf: Mycnf | undefined;

  afterAll(async () => {
    if (cnf) killLeftovers(processesMatching(cnf.path));
    await new Promise((done) => (blocker ? blocker.close(done) : done(undefined)));
  });

  it("says that mysqld died, quotes the error log and leaves no process behind", async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((done) => blocker?.listen(port, "127.0.0.1", done));
    const root = makeTestDir("mysqlctl-fail");
    cnf = newMycnf({ vtDataRoot: root, uid: 102, port });
    const env = { ...process.env, VTDATAROOT: root };
    const result = await run(
      ["--tablet-uid", "102", "--mysql-port", String(port), "init", "--wait-time", "60s"],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("mysqld exited with code 1 during startup");
    expect(result.stderr).toContain(`--- last lines of ${cnf.errorLogPath} ---`);
    expect(result.stderr).toContain("Address already in use");
    expect(processesMatching(cnf.path)).toEqual([]);
  });
});

describe("test harness startMysqld", () => {
  let instance: TestMysqld | undefined;
  const pids = new Set<number>();

  afterAll(() => killLeftovers(pids));

  it("starts a MariaDB on a free port that the test can connect to, and stops it by pid", async () => {
    const options: StartMysqldOptions = { uid: 101 };
    instance = await startMysqld(makeTestDir("harness-mysqld"), options);
    pids.add(instance.pid);
    expect(isMysqldProcess(instance.pid)).toBe(true);
    const row = await withConn(
      () => (instance as TestMysqld).connect("vt_app", { tcp: true }),
      (conn) => queryOne<{ port: number }>(conn, "SELECT @@port AS port"),
    );
    expect(row.port).toBe(instance.port);
    const pid = instance.pid;
    await instance.shutdown();
    expect(isMysqldProcess(pid)).toBe(false);
  });
});
