import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, freePortBase } from "../harness/ports.js";
import { adoptPid, isLiveProcess } from "../harness/processes.js";
import { makeTestDir } from "../harness/test-dir.js";

const run = promisify(execFile);
const REPO = join(import.meta.dirname, "../..");
const LOCAL = join(REPO, "deploy/local");
const UIDS = [100, 101, 102] as const;

/** What seed 000 shows for `mysql --table < ../common/select_commerce_data.sql`. */
const SEED_TABLES = `Using commerce
Customer
+-------------+--------------------+
| customer_id | email              |
+-------------+--------------------+
|           1 | alice@domain.com   |
|           2 | bob@domain.com     |
|           3 | charlie@domain.com |
|           4 | dan@domain.com     |
|           5 | eve@domain.com     |
+-------------+--------------------+
Product
+----------+-------------+-------+
| sku      | description | price |
+----------+-------------+-------+
| SKU-1001 | Monitor     |   100 |
| SKU-1002 | Keyboard    |    30 |
+----------+-------------+-------+
COrder
+----------+-------------+----------+-------+
| order_id | customer_id | sku      | price |
+----------+-------------+----------+-------+
|        1 |           1 | SKU-1001 |   100 |
|        2 |           2 | SKU-1002 |    30 |
|        3 |           3 | SKU-1002 |    30 |
|        4 |           4 | SKU-1002 |    30 |
|        5 |           5 | SKU-1002 |    30 |
+----------+-------------+----------+-------+`;

interface Started {
  name: string;
  marker: string;
  pid: number;
}

let env: NodeJS.ProcessEnv;
let vtdataroot: string;
const started: Started[] = [];

const tabletDir = (uid: number) => join(vtdataroot, `vt_${String(uid).padStart(10, "0")}`);

/** Every process the scripts started, from the pid files they write, recorded for the global teardown. */
function trackStartedProcesses(): void {
  const pidFiles: [string, string, string][] = [
    ["etcd", join(vtdataroot, "tmp/etcd.pid"), "etcd"],
    ["vtctld", join(vtdataroot, "tmp/vtctld.pid"), "vtctld"],
    ["vtgate", join(vtdataroot, "tmp/vtgate.pid"), "vtgate"],
    ...UIDS.flatMap((uid): [string, string, string][] => [
      [`mysqld ${uid}`, join(tabletDir(uid), "mysql.pid"), "mariadbd"],
      [`vttablet ${uid}`, join(tabletDir(uid), "vttablet.pid"), "vttablet"],
    ]),
  ];
  for (const [name, pidFile, marker] of pidFiles) {
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    adoptPid(pid, name, marker);
    started.push({ name, marker, pid });
  }
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
    VTGATE_WEB_PORT: String(await freePort()),
    VTGATE_GRPC_PORT: String(await freePort()),
    VTGATE_MYSQL_PORT: String(await freePort()),
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

describe("the local example (make demo, 401_teardown.sh)", () => {
  let demoOutput = "";

  it("101 brings up the cluster and the demo prints seed 000's tables through vtgate", async () => {
    try {
      ({ stdout: demoOutput } = await run("bash", [join(LOCAL, "demo.sh")], { env, timeout: 300_000 }));
    } finally {
      trackStartedProcesses();
    }
    expect(demoOutput).toContain(SEED_TABLES);
    expect(demoOutput).toContain("Tear it down with: make down");
  });

  it("shows one serving PRIMARY, REPLICA and RDONLY in show vitess_tablets", () => {
    const rows = demoOutput.split("\n").filter((line) => line.startsWith("| zone1 | commerce"));
    expect(
      rows.map((row) =>
        row
          .split("|")
          .slice(4, 7)
          .map((cell) => cell.trim()),
      ),
    ).toEqual([
      ["PRIMARY", "SERVING", "zone1-0000000100"],
      ["REPLICA", "SERVING", "zone1-0000000101"],
      ["RDONLY", "SERVING", "zone1-0000000102"],
    ]);
  });

  it("lists the tablets with vtctldclient, rdonly for uid 102", async () => {
    const { stdout } = await run(
      join(REPO, "bin/vtctldclient"),
      ["--server", `localhost:${env.VTCTLD_GRPC_PORT}`, "GetTablets", "--keyspace", "commerce"],
      { env },
    );
    expect(
      stdout
        .trim()
        .split("\n")
        .map((line) => line.split(" ").slice(0, 4).join(" ")),
    ).toEqual([
      "zone1-0000000100 commerce 0 primary",
      "zone1-0000000101 commerce 0 replica",
      "zone1-0000000102 commerce 0 rdonly",
    ]);
  });

  it("401_teardown.sh stops every process by its pid file and removes the data root", async () => {
    const { stdout } = await run("bash", [join(LOCAL, "401_teardown.sh")], { env, timeout: 120_000 });
    expect(stdout).toContain("All good! It looks like every process has shut down");
    expect(started.length).toBe(9);
    for (const process of started) {
      expect(isLiveProcess(process.pid, process.marker), `${process.name} still running`).toBe(false);
    }
    expect(existsSync(vtdataroot) ? readdirSync(vtdataroot) : []).toEqual([]);
  });
});
