import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, freePortBase } from "../harness/ports.js";
import { adoptPid, isLiveProcess } from "../harness/processes.js";
import { makeTestDir } from "../harness/test-dir.js";

const run = promisify(execFile);
const REPO = join(import.meta.dirname, "../..");
const LOCAL = join(REPO, "deploy/local");
const COMMON = join(REPO, "deploy/common");
const UIDS = [100, 101, 102, 200, 201, 202] as const;

let env: NodeJS.ProcessEnv;
let vtdataroot: string;
const started: { name: string; marker: string; pid: number }[] = [];

const tabletDir = (uid: number) => join(vtdataroot, `vt_${String(uid).padStart(10, "0")}`);

/** Every process the scripts started, from their pid files, so they are killed even when a step fails. */
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
    if (!existsSync(pidFile) || started.some((s) => s.name === name)) continue;
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    adoptPid(pid, name, marker);
    started.push({ name, marker, pid });
  }
}

async function script(name: string): Promise<string> {
  try {
    return (await run("bash", [join(LOCAL, name)], { env, timeout: 300_000 })).stdout;
  } finally {
    trackStartedProcesses();
  }
}

async function mysql(args: string[], input?: string): Promise<string> {
  const command = `mariadb --no-defaults -h 127.0.0.1 -P ${env.VTGATE_MYSQL_PORT} ${args.join(" ")}${input ? ` < ${input}` : ""}`;
  return (await run("bash", ["-c", command], { env, timeout: 60_000 })).stdout;
}

async function vtctldclient(...args: string[]): Promise<string> {
  const server = ["--server", `localhost:${env.VTCTLD_GRPC_PORT}`];
  return (await run(join(REPO, "bin/vtctldclient"), [...server, ...args], { env })).stdout;
}

beforeAll(async () => {
  vtdataroot = makeTestDir("local-example-movetables");
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

describe("the local example's MoveTables steps (201-205, seed 004)", () => {
  it("101 and the sample data", async () => {
    await script("101_initial_cluster.sh");
    await mysql([], join(COMMON, "insert_commerce_data.sql"));
  }, 300_000);

  it("201 starts the customer tablets with zone1-200 as primary", async () => {
    await script("201_customer_tablets.sh");
    const tablets = (await vtctldclient("GetTablets", "--keyspace", "customer"))
      .trim()
      .split("\n")
      .map((line) => line.split(" ").slice(0, 4).join(" "));
    expect(tablets).toEqual([
      "zone1-0000000200 customer 0 primary",
      "zone1-0000000201 customer 0 replica",
      "zone1-0000000202 customer 0 rdonly",
    ]);
  }, 300_000);

  it("202 creates the workflow and waits until it replicates; the 16 rules point at commerce", async () => {
    const out = await script("202_move_tables.sh");
    expect(out).toMatch(/^The following vreplication streams exist for workflow customer.commerce2customer:/);
    const rules = JSON.parse(await vtctldclient("GetRoutingRules")) as { rules: { to_tables: string[] }[] };
    expect(rules.rules).toHaveLength(16);
    for (const rule of rules.rules) expect(rule.to_tables[0]).toMatch(/^commerce\./);
  }, 300_000);

  it("203 switches reads, 204 writes; customer/0 serves the moved rows", async () => {
    expect(await script("203_switch_reads.sh")).toContain(
      "Current State: All Reads Switched. Writes Not Switched",
    );
    expect(await script("204_switch_writes.sh")).toContain(
      "Current State: All Reads Switched. Writes Switched",
    );
    const out = await mysql(["--table"], join(COMMON, "select_customer0_data.sql"));
    expect(out).toContain("Using customer/0");
    expect(out).toContain("| eve@domain.com");
  }, 300_000);

  it("205 completes: rules and workflows are gone", async () => {
    expect(await script("205_clean_commerce.sh")).toContain(
      "Successfully completed the commerce2customer workflow in the customer keyspace",
    );
    expect(await vtctldclient("GetRoutingRules")).toBe('{\n  "rules": []\n}\n');
    expect(await vtctldclient("Workflow", "--keyspace", "customer", "list")).toBe("[]\n");
  }, 300_000);

  it("401_teardown.sh stops every process", async () => {
    const { stdout } = await run("bash", [join(LOCAL, "401_teardown.sh")], { env, timeout: 120_000 });
    expect(stdout).toContain("All good! It looks like every process has shut down");
    for (const process of started) {
      expect(isLiveProcess(process.pid, process.marker), `${process.name} still running`).toBe(false);
    }
  }, 180_000);
});
