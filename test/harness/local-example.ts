import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, freePortBase } from "./ports.js";
import { adoptPid, isLiveProcess } from "./processes.js";
import { makeTestDir } from "./test-dir.js";

const run = promisify(execFile);
const REPO = join(import.meta.dirname, "../..");
export const LOCAL_DIR = join(REPO, "deploy/local");
export const COMMON_DIR = join(REPO, "deploy/common");

export interface StartedProcess {
  name: string;
  marker: string;
  pid: number;
}

/**
 * The deploy/local example run by a test: its own VTDATAROOT and every port free, scripts run as users
 * run them, and every process they start recorded from its pid file, so it is stopped by pid even when
 * a step fails.
 */
export class LocalExample {
  readonly started: StartedProcess[] = [];

  private constructor(
    readonly vtdataroot: string,
    readonly env: NodeJS.ProcessEnv,
    private readonly uids: readonly number[],
  ) {}

  static async create(prefix: string, uids: readonly number[]): Promise<LocalExample> {
    const vtdataroot = makeTestDir(prefix);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      VTDATAROOT: vtdataroot,
      CELL: "zone1",
      ETCD_PORT: String(await freePort()),
      ETCD_PEER_PORT: String(await freePort()),
      VTCTLD_WEB_PORT: String(await freePort()),
      VTCTLD_GRPC_PORT: String(await freePort()),
      VTGATE_WEB_PORT: String(await freePort()),
      VTGATE_GRPC_PORT: String(await freePort()),
      VTGATE_MYSQL_PORT: String(await freePort()),
      TABLET_HTTP_BASE: String(await freePortBase(uids)),
      TABLET_GRPC_BASE: String(await freePortBase(uids)),
      MYSQL_PORT_BASE: String(await freePortBase(uids)),
    };
    return new LocalExample(vtdataroot, env, uids);
  }

  tabletDir(uid: number): string {
    return join(this.vtdataroot, `vt_${String(uid).padStart(10, "0")}`);
  }

  /** Runs deploy/local/<name> and returns its stdout. */
  async script(name: string): Promise<string> {
    try {
      return (await run("bash", [join(LOCAL_DIR, name)], { env: this.env, timeout: 300_000 })).stdout;
    } finally {
      this.trackStartedProcesses();
    }
  }

  async vtctldclient(...args: string[]): Promise<string> {
    const server = ["--server", `localhost:${this.env.VTCTLD_GRPC_PORT}`];
    return (await run(join(REPO, "bin/vtctldclient"), [...server, ...args], { env: this.env })).stdout;
  }

  /** The mariadb client connected to vtgate, reading `inputFile` when given. */
  async mysql(args: readonly string[], inputFile?: string): Promise<string> {
    const input = inputFile ? ` < ${inputFile}` : "";
    const command = `mariadb --no-defaults -h 127.0.0.1 -P ${this.env.VTGATE_MYSQL_PORT} ${args.join(" ")}${input}`;
    return (await run("bash", ["-c", command], { env: this.env, timeout: 60_000 })).stdout;
  }

  /** SIGKILLs whatever the scripts started and is still running (for afterAll). */
  killLeftovers(): void {
    for (const started of this.started) {
      if (isLiveProcess(started.pid, started.marker)) process.kill(started.pid, "SIGKILL");
    }
  }

  private trackStartedProcesses(): void {
    const pidFiles: [string, string, string][] = [
      ["etcd", join(this.vtdataroot, "tmp/etcd.pid"), "etcd"],
      ["vtctld", join(this.vtdataroot, "tmp/vtctld.pid"), "vtctld"],
      ["vtgate", join(this.vtdataroot, "tmp/vtgate.pid"), "vtgate"],
      ...this.uids.flatMap((uid): [string, string, string][] => [
        [`mysqld ${uid}`, join(this.tabletDir(uid), "mysql.pid"), "mariadbd"],
        [`vttablet ${uid}`, join(this.tabletDir(uid), "vttablet.pid"), "vttablet"],
      ]),
    ];
    for (const [name, pidFile, marker] of pidFiles) {
      if (!existsSync(pidFile) || this.started.some((s) => s.name === name)) continue;
      const pid = Number(readFileSync(pidFile, "utf8").trim());
      adoptPid(pid, name, marker);
      this.started.push({ name, marker, pid });
    }
  }
}
