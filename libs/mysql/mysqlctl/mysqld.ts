import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { type Logger, pino } from "pino";
import { failedPrecondition, internal, invalidArgument } from "../../vterrors/index.js";
import { type Connection, connectMysql, mysqlErrno } from "../connect.js";
import { findInstallDbBinary, findMysqldBinary, MYSQL_ROOT_ENV } from "./binaries.js";
import { DataDirNotEmptyError, MysqldAlreadyRunningError, MysqldStartError } from "./errors.js";
import { initDbStatements } from "./init-db.js";
import {
  type Mycnf,
  mycnfDirectories,
  type NewMycnfOptions,
  newMycnf,
  parseMycnf,
  renderMycnf,
} from "./mycnf.js";
import {
  isMysqldProcess,
  readPidFile,
  type SpawnedMysqld,
  signalProcess,
  spawnDetached,
  waitForExit,
} from "./process.js";

const execFileAsync = promisify(execFile);

/** Vitess's --wait-time default. */
export const DEFAULT_WAIT_TIME_MS = 5 * 60_000;
/** How long a process gets after SIGKILL before we give up on it. */
const KILL_GRACE_MS = 10_000;
const ER_ACCESS_DENIED = 1045;
/** sun_path is 108 bytes on Linux, including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

export interface MysqldOptions {
  /** MySQL/MariaDB installation root (--mysql-root); defaults to $VT_MYSQL_ROOT, then PATH. */
  mysqlRoot?: string;
  /** my.cnf fragments appended at init (Vitess's EXTRA_MY_CNF). */
  extraMyCnf?: readonly string[];
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Called with the pid of each mysqld process as soon as it is spawned (test harnesses record it). */
  onSpawn?: (pid: number) => void;
}

export interface WaitOptions {
  /** How long to wait for mysqld to come up or go down; defaults to 5 minutes. */
  waitTimeMs?: number;
}

export interface TeardownOptions extends WaitOptions {
  /** Remove the tablet directory even if mysqld could not be shut down. */
  force?: boolean;
}

/**
 * The my.cnf init wrote for this tablet if there is one (so start/shutdown use the port and paths chosen at
 * init), else the standard layout for these options.
 */
export function resolveMycnf(options: NewMycnfOptions): Mycnf {
  const fresh = newMycnf(options);
  if (!existsSync(fresh.path)) return fresh;
  return parseMycnf(readFileSync(fresh.path, "utf8"), fresh.path);
}

function isNonEmptyDir(path: string): boolean {
  try {
    return readdirSync(path).length > 0;
  } catch {
    return false;
  }
}

function tailOf(path: string, lines = 20): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no error log)";
  }
}

/**
 * One MariaDB instance managed like Vitess's mysqlctl: a tablet directory with its own my.cnf, data directory,
 * binlogs, socket and pid file. mysqld runs detached, so the controlling process may exit; every operation
 * finds it again through the pid file.
 */
export class Mysqld {
  private readonly log: Logger;

  constructor(
    readonly cnf: Mycnf,
    private readonly options: MysqldOptions = {},
  ) {
    this.log = (options.logger ?? pino({ enabled: false })).child({ tablet_uid: cnf.serverId });
  }

  get tabletDir(): string {
    return this.cnf.tabletDir;
  }

  /** The pid of this tablet's running mysqld, from its pid file; undefined when it is not running. */
  runningPid(): number | undefined {
    const pid = readPidFile(this.cnf.pidFile);
    return pid !== undefined && isMysqldProcess(pid) ? pid : undefined;
  }

  /** A connection as `user` (default vt_dba) over the socket, or over TCP to 127.0.0.1 with `tcp`. */
  connect(
    user = "vt_dba",
    { tcp = false, database }: { tcp?: boolean; database?: string } = {},
  ): Promise<Connection> {
    const address = tcp ? { host: "127.0.0.1", port: this.cnf.port } : { socket: this.cnf.socketFile };
    return connectMysql(address, { user, database });
  }

  /**
   * Creates the tablet directory and my.cnf, installs a fresh data directory, starts mysqld, creates the
   * `_vt` database and the Vitess users, and resets the binlog. Leaves mysqld running; returns its pid.
   * Refuses (DataDirNotEmptyError) when the data directory already has content.
   */
  async init({ waitTimeMs = DEFAULT_WAIT_TIME_MS }: WaitOptions = {}): Promise<number> {
    const { cnf } = this;
    if (isNonEmptyDir(cnf.dataDir)) throw new DataDirNotEmptyError(cnf.dataDir);
    if (Buffer.byteLength(cnf.socketFile) > MAX_SOCKET_PATH_BYTES) {
      throw invalidArgument(
        `socket path ${cnf.socketFile} is longer than ${MAX_SOCKET_PATH_BYTES} bytes, the limit for unix sockets; ` +
          "use a shorter VTDATAROOT or --mysql-socket",
      );
    }
    const running = this.runningPid();
    if (running !== undefined) throw new MysqldAlreadyRunningError(cnf.tabletDir, running);
    const binaryOptions = { mysqlRoot: this.mysqlRoot(), env: this.options.env };
    const mysqldBinary = findMysqldBinary(binaryOptions);
    const installDb = findInstallDbBinary(binaryOptions);
    const started = Date.now();

    for (const dir of mycnfDirectories(cnf)) mkdirSync(dir, { recursive: true });
    const osUser = process.getuid?.() === 0 ? userInfo().username : undefined;
    writeFileSync(cnf.path, renderMycnf(cnf, { osUser, extra: this.options.extraMyCnf }));
    this.log.info({ mycnf: cnf.path }, "wrote my.cnf");

    await this.installDataDir(installDb);
    const spawned = this.spawn(mysqldBinary);
    try {
      const pid = await this.waitUntilReady(spawned, "root", waitTimeMs);
      await this.runInitSql();
      this.log.info({ mysqld_pid: pid, elapsed_ms: Date.now() - started }, "mysqld initialized and running");
      return pid;
    } catch (err) {
      await this.stopSpawned(spawned);
      throw err;
    }
  }

  /** Starts mysqld from the existing my.cnf and waits until vt_dba can connect over the socket; returns the pid. */
  async start({ waitTimeMs = DEFAULT_WAIT_TIME_MS }: WaitOptions = {}): Promise<number> {
    const running = this.runningPid();
    if (running !== undefined) throw new MysqldAlreadyRunningError(this.cnf.tabletDir, running);
    if (!existsSync(this.cnf.path)) {
      throw failedPrecondition(`${this.cnf.path} does not exist: run init first`);
    }
    const mysqldBinary = findMysqldBinary({ mysqlRoot: this.mysqlRoot(), env: this.options.env });
    const started = Date.now();
    const spawned = this.spawn(mysqldBinary);
    try {
      const pid = await this.waitUntilReady(spawned, "vt_dba", waitTimeMs);
      this.log.info({ mysqld_pid: pid, elapsed_ms: Date.now() - started }, "mysqld started");
      return pid;
    } catch (err) {
      await this.stopSpawned(spawned);
      throw err;
    }
  }

  /**
   * Stops mysqld cleanly (SIGTERM, as `SHUTDOWN` does) and waits until the process is gone; SIGKILLs it
   * if it is still there after the wait time. Does nothing when mysqld is not running.
   */
  async shutdown({ waitTimeMs = DEFAULT_WAIT_TIME_MS }: WaitOptions = {}): Promise<void> {
    const pid = this.runningPid();
    if (pid === undefined) {
      this.log.info("mysqld is not running");
      return;
    }
    this.log.info({ mysqld_pid: pid }, "shutting down mysqld");
    await this.requestShutdown(pid);
    if (await waitForExit(pid, waitTimeMs)) {
      this.log.info({ mysqld_pid: pid }, "mysqld stopped");
      return;
    }
    this.log.warn({ mysqld_pid: pid, wait_time_ms: waitTimeMs }, "mysqld did not stop in time; killing it");
    signalProcess(pid, "SIGKILL");
    if (!(await waitForExit(pid, KILL_GRACE_MS))) {
      throw internal(`mysqld (pid ${pid}) is still running after SIGKILL`);
    }
    // A killed mysqld leaves its pid file and socket behind.
    rmSync(this.cnf.pidFile, { force: true });
    rmSync(this.cnf.socketFile, { force: true });
  }

  /** Shuts mysqld down and removes the tablet directory; with `force`, removes it even if shutdown failed. */
  async teardown({ force = false, ...wait }: TeardownOptions = {}): Promise<void> {
    try {
      await this.shutdown(wait);
    } catch (err) {
      if (!force) throw err;
      this.log.warn({ err }, "shutdown failed; removing the tablet directory anyway (--force)");
    }
    rmSync(this.cnf.tabletDir, { recursive: true, force: true });
    rmSync(this.cnf.socketFile, { force: true });
    this.log.info({ tablet_dir: this.cnf.tabletDir }, "removed tablet directory");
  }

  private mysqlRoot(): string | undefined {
    return this.options.mysqlRoot || (this.options.env ?? process.env)[MYSQL_ROOT_ENV] || undefined;
  }

  private async installDataDir(installDb: string): Promise<void> {
    const root = this.mysqlRoot();
    const args = [
      `--defaults-file=${this.cnf.path}`,
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      ...(root ? [`--basedir=${root}`] : []),
    ];
    this.log.info({ command: installDb, args }, "installing data directory");
    try {
      const { stdout, stderr } = await execFileAsync(installDb, args, { maxBuffer: 16 * 1024 * 1024 });
      this.log.debug({ stdout, stderr }, "data directory installed");
    } catch (err) {
      const { stdout = "", stderr = "" } = err as { stdout?: string; stderr?: string };
      const output = `${stdout}${stderr}`.trimEnd().split("\n").slice(-20).join("\n");
      throw new MysqldStartError(
        `${installDb} failed: ${(err as Error).message.split("\n")[0]}\n${output}`,
        this.cnf.errorLogPath,
        tailOf(this.cnf.errorLogPath),
      );
    }
  }

  private spawn(mysqldBinary: string): SpawnedMysqld {
    this.log.info({ command: mysqldBinary, mycnf: this.cnf.path }, "starting mysqld");
    const spawned = spawnDetached(mysqldBinary, [`--defaults-file=${this.cnf.path}`], this.cnf.errorLogPath);
    this.options.onSpawn?.(spawned.child.pid as number);
    return spawned;
  }

  /** Polls a socket connection as `user` until it succeeds, the process exits, or the wait time passes. */
  private async waitUntilReady(spawned: SpawnedMysqld, user: string, waitTimeMs: number): Promise<number> {
    const deadline = Date.now() + waitTimeMs;
    let lastError: unknown;
    for (;;) {
      const status = spawned.exitStatus();
      if (status) {
        const how = status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
        throw this.startError(`mysqld ${how} during startup`);
      }
      try {
        const conn = await connectMysql({ socket: this.cnf.socketFile }, { user, connectTimeoutMs: 5_000 });
        await conn.end();
        return readPidFile(this.cnf.pidFile) ?? (spawned.child.pid as number);
      } catch (err) {
        if (mysqlErrno(err) === ER_ACCESS_DENIED) {
          throw this.startError(`mysqld is up but refused ${user}: ${(err as Error).message}`);
        }
        lastError = err;
      }
      if (Date.now() >= deadline) {
        const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
        throw this.startError(
          `mysqld did not accept connections on ${this.cnf.socketFile} within ${waitTimeMs} ms${reason}`,
        );
      }
      await sleep(100);
    }
  }

  private startError(message: string): MysqldStartError {
    return new MysqldStartError(message, this.cnf.errorLogPath, tailOf(this.cnf.errorLogPath));
  }

  /** Runs the init SQL as root: removes insecure accounts, creates `_vt` and the users, resets the binlog. */
  private async runInitSql(): Promise<void> {
    const conn = await connectMysql({ socket: this.cnf.socketFile }, { user: "root" });
    try {
      await conn.query("SET sql_log_bin = 0");
      // Anonymous users and root from anywhere but the socket (their hosts depend on the machine).
      const [rows] = await conn.query(
        "SELECT User, Host FROM mysql.user WHERE User = '' OR (User = 'root' AND Host <> 'localhost')",
      );
      for (const row of rows as { User: string; Host: string }[]) {
        await conn.query("DROP USER ?@?", [row.User, row.Host]);
      }
      for (const statement of initDbStatements()) {
        await conn.query(statement);
      }
    } finally {
      await conn.end();
    }
    this.log.info("ran init SQL: _vt database, Vitess users, binlog reset");
  }

  /** SIGTERM is mysqld's clean shutdown; when we may not signal it (another OS user), ask over SQL. */
  private async requestShutdown(pid: number): Promise<void> {
    try {
      signalProcess(pid, "SIGTERM");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EPERM") throw err;
      const conn = await this.connect("vt_dba");
      try {
        await conn.query("SHUTDOWN");
      } finally {
        conn.destroy();
      }
    }
  }

  /** Cleans up after a failed init/start: a mysqld we spawned must not be left behind. */
  private async stopSpawned(spawned: SpawnedMysqld): Promise<void> {
    const pid = spawned.child.pid;
    if (pid === undefined || spawned.exitStatus()) return;
    try {
      signalProcess(pid, "SIGTERM");
      if (!(await waitForExit(pid, 30_000))) {
        signalProcess(pid, "SIGKILL");
        await waitForExit(pid, KILL_GRACE_MS);
      }
    } catch (err) {
      this.log.warn({ err, mysqld_pid: pid }, "could not stop mysqld after a failed start");
    }
  }
}
