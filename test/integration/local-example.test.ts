import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, freePortBase } from "../harness/ports.js";
import { adoptPid, isLiveProcess } from "../harness/processes.js";
import { makeTestDir } from "../harness/test-dir.js";
import { waitFor } from "../harness/wait.js";

const run = promisify(execFile);
const REPO = join(import.meta.dirname, "../..");
const SCRIPTS = join(REPO, "deploy/local/scripts");
const UIDS = [100, 101, 102] as const;

/** The processes the scripts start, found through the pid files they write under $VTDATAROOT. */
interface Started {
  name: string;
  pidFile: string;
  marker: string;
  pid: number;
}

let env: NodeJS.ProcessEnv;
let vtdataroot: string;
const started: Started[] = [];

async function script(name: string, extra: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await run("bash", [join(SCRIPTS, name)], {
    env: { ...env, ...extra },
    timeout: 120_000,
  });
  return stdout;
}

/** Records a process a script started so the global teardown can stop it by pid if this file fails. */
function track(name: string, pidFile: string, marker: string): void {
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  adoptPid(pid, name, marker);
  started.push({ name, pidFile, marker, pid });
}

const tabletDir = (uid: number) => join(vtdataroot, `vt_${String(uid).padStart(10, "0")}`);

async function vtctldclient(...args: string[]): Promise<string> {
  const { stdout } = await run(
    join(REPO, "bin/vtctldclient"),
    ["--server", `localhost:${env.VTCTLD_GRPC_PORT}`, ...args],
    {
      env,
      timeout: 120_000,
    },
  );
  return stdout;
}

beforeAll(async () => {
  vtdataroot = makeTestDir("local-example");
  env = {
    ...process.env,
    VTDATAROOT: vtdataroot,
    CELL: "zone1",
    ETCD_PORT: String(await freePort()),
    ETCD_PEER_PORT: String(await freePort()),
    VTCTLD_WEB_PORT: String(await freePort()),
    VTCTLD_GRPC_PORT: String(await freePort()),
    TABLET_HTTP_BASE: String(await freePortBase(UIDS)),
    TABLET_GRPC_BASE: String(await freePortBase(UIDS)),
    MYSQL_PORT_BASE: String(await freePortBase(UIDS)),
  };
});

afterAll(() => {
  for (const process of started) {
    if (isLiveProcess(process.pid, process.marker)) globalThis.process.kill(process.pid, "SIGKILL");
  }
});

describe("deploy/local scripts", () => {
  it("bring up etcd with the cell registered, and vtctld", async () => {
    expect(await script("etcd-up.sh")).toContain("etcd start done...");
    track("etcd", join(vtdataroot, "tmp/etcd.pid"), "etcd");
    await script("vtctld-up.sh");
    track("vtctld", join(vtdataroot, "tmp/vtctld.pid"), "vtctld");
    expect((await vtctldclient("GetCellInfoNames")).trim()).toBe("zone1");
  });

  it("bring up mysqld and a vttablet for each uid, replica or rdonly by the uid's last digit", async () => {
    for (const uid of UIDS) {
      await script("mysqlctl-up.sh", { TABLET_UID: String(uid) });
      track(`mysqld ${uid}`, join(tabletDir(uid), "mysql.pid"), "mariadbd");
      await script("vttablet-up.sh", { TABLET_UID: String(uid), KEYSPACE: "commerce" });
      track(`vttablet ${uid}`, join(tabletDir(uid), "vttablet.pid"), "vttablet");
    }
    const lines = (await vtctldclient("GetTablets", "--keyspace", "commerce")).trim().split("\n");
    expect(lines.map((line) => line.split(" ").slice(0, 4).join(" "))).toEqual([
      "zone1-0000000100 commerce 0 replica",
      "zone1-0000000101 commerce 0 replica",
      "zone1-0000000102 commerce 0 rdonly",
    ]);
    expect(lines[0]).toContain(`localhost:${Number(env.TABLET_HTTP_BASE) + 100}`);
  });

  it("elects a primary with PlannedReparentShard", async () => {
    await vtctldclient("PlannedReparentShard", "commerce/0", "--new-primary", "zone1-100");
    const primary = await waitFor("zone1-100 to be primary", async () => {
      const line = (
        await vtctldclient("GetTablets", "--keyspace", "commerce", "--tablet-type", "primary")
      ).trim();
      return line.startsWith("zone1-0000000100 commerce 0 primary") ? line : undefined;
    });
    expect(primary).toMatch(/ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("stop every process by its pid file and leave none behind", async () => {
    for (const uid of UIDS) {
      await script("vttablet-down.sh", { TABLET_UID: String(uid) });
      await script("mysqlctl-down.sh", { TABLET_UID: String(uid) });
    }
    await script("vtctld-down.sh");
    await script("etcd-down.sh");
    for (const process of started) {
      expect(isLiveProcess(process.pid, process.marker), `${process.name} still running`).toBe(false);
    }
    expect(existsSync(join(vtdataroot, "tmp/etcd.pid"))).toBe(false);
  });
});
