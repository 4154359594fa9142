import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openTopoServer, type TopoServer } from "../../libs/topo/index.js";
import { type EtcdHandle, startEtcd } from "./etcd.js";
import { startMysqld, type TestMysqld } from "./mysqld.js";
import { makeTestDir } from "./test-dir.js";
import { type CliResult, startVtctld, type VtctldHandle, vtctldclient } from "./vtctld.js";
import { startVttablet, type VttabletHandle } from "./vttablet.js";

/**
 * etcd holding the global topology and cell zone1 (root /vitess/zone1), and a vtctld over it: what every
 * control-plane test starts from.
 */
export interface ControlPlane {
  /** The test's VTDATAROOT. */
  readonly dir: string;
  readonly etcd: EtcdHandle;
  readonly vtctld: VtctldHandle;
  /** A topology client of the test's own, for checks the CLI cannot make. */
  readonly ts: TopoServer;
  /** What `vtctldclient AddCellInfo` printed when zone1 was registered (before vtctld ran). */
  readonly addCellResult: CliResult;
  /** Runs the vtctldclient executable against the vtctld. */
  client(...args: string[]): Promise<CliResult>;
  /** As client, returning stdout; throws with the command's stderr when it did not exit 0. */
  ok(...args: string[]): Promise<string>;
  /** Registers another cell in the same etcd, under root /vitess/<cell>. */
  addCell(cell: string): Promise<void>;
  /** Stops vtctld and etcd and closes `ts`. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the control plane in a fresh directory named after `name`: etcd, then zone1 registered with
 * `vtctldclient --server internal AddCellInfo` (no vtctld exists yet), then vtctld. Whatever started is
 * stopped again when a later step fails.
 */
export async function startControlPlane(name: string): Promise<ControlPlane> {
  const dir = makeTestDir(name);
  const etcd = await startEtcd(dir);
  let vtctld: VtctldHandle | undefined;
  let ts: TopoServer | undefined;
  try {
    const addCell = (server: string[], cell: string) =>
      vtctldclient([
        ...server,
        "AddCellInfo",
        "--root",
        `/vitess/${cell}`,
        "--server-address",
        etcd.clientAddress,
        cell,
      ]);
    const internal = [
      "--server",
      "internal",
      "--topo-implementation",
      "etcd2",
      "--topo-global-server-address",
      etcd.clientAddress,
    ];
    const addCellResult = await addCell(internal, "zone1");
    if (addCellResult.code !== 0) throw new Error(`AddCellInfo zone1 failed: ${addCellResult.stderr}`);
    vtctld = await startVtctld({ topoAddress: etcd.clientAddress, dir });
    ts = await openTopoServer({
      implementation: "etcd2",
      globalServerAddress: etcd.clientAddress,
      globalRoot: "/vitess/global",
    });
    const server = ["--server", vtctld.grpcAddress];
    const client = (...args: string[]) => vtctldclient([...server, ...args]);
    const openTs = ts;
    const runningVtctld = vtctld;
    let stopped: Promise<void> | undefined;
    return {
      dir,
      etcd,
      vtctld,
      ts,
      addCellResult,
      client,
      async ok(...args) {
        const result = await client(...args);
        if (result.code !== 0)
          throw new Error(`vtctldclient ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
        return result.stdout;
      },
      async addCell(cell) {
        const result = await addCell(server, cell);
        if (result.code !== 0) throw new Error(`AddCellInfo ${cell} failed: ${result.stderr}`);
      },
      stop() {
        stopped ??= (async () => {
          await openTs.close();
          await runningVtctld.stop();
          await etcd.stop();
        })();
        return stopped;
      },
    };
  } catch (err) {
    await ts?.close();
    await vtctld?.stop();
    await etcd.stop();
    throw err;
  }
}

export interface TabletSpec {
  uid: number;
  /** replica (default), rdonly, spare. */
  type?: string;
}

/** Tablets of one shard, each on its own MariaDB. */
export interface ShardTablets {
  readonly mysqlds: TestMysqld[];
  readonly tablets: VttabletHandle[];
  /** Stops every vttablet, then every mysqld. Idempotent. */
  stop(): Promise<void>;
}

/** Starts a MariaDB and a vttablet (in zone1) for each of `specs`, in keyspace/shard; all tablets in parallel. */
export async function startShardTablets(
  plane: Pick<ControlPlane, "dir" | "etcd">,
  keyspace: string,
  shard: string,
  specs: readonly TabletSpec[],
): Promise<ShardTablets> {
  const mysqlds: TestMysqld[] = [];
  const tablets: VttabletHandle[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await Promise.all(tablets.map((tablet) => tablet.stop()));
      for (const mysqld of mysqlds) await mysqld.shutdown();
    })();
    return stopped;
  };
  try {
    for (const spec of specs) mysqlds.push(await startMysqld(plane.dir, { uid: spec.uid }));
    const started = await Promise.allSettled(
      specs.map((spec, i) =>
        startVttablet({
          tabletPath: `zone1-${spec.uid}`,
          keyspace,
          shard,
          tabletType: spec.type ?? "replica",
          topoAddress: plane.etcd.clientAddress,
          mysql: { socket: (mysqlds[i] as TestMysqld).socket, port: (mysqlds[i] as TestMysqld).port },
          dir: plane.dir,
        }),
      ),
    );
    for (const outcome of started) if (outcome.status === "fulfilled") tablets.push(outcome.value);
    const failed = started.find((outcome) => outcome.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } catch (err) {
    await stop();
    throw err;
  }
  return { mysqlds, tablets, stop };
}

export interface CommerceCluster extends ControlPlane, ShardTablets {}

/**
 * Seed 000's starting point: keyspace commerce with shard 0 served by zone1-100 (PRIMARY, through
 * PlannedReparentShard), zone1-101 (REPLICA) and zone1-102 (RDONLY), each on its own MariaDB, under a vtctld.
 * `stop()` stops the tablets, the MariaDBs, vtctld and etcd.
 */
export async function startCommerceCluster(name: string): Promise<CommerceCluster> {
  const plane = await startControlPlane(name);
  let shard: ShardTablets | undefined;
  try {
    await plane.ok("CreateKeyspace", "--durability-policy", "none", "commerce");
    await plane.ok("CreateShard", "commerce/0");
    shard = await startShardTablets(plane, "commerce", "0", [
      { uid: 100, type: "replica" },
      { uid: 101, type: "replica" },
      { uid: 102, type: "rdonly" },
    ]);
    await plane.ok("PlannedReparentShard", "commerce/0", "--new-primary", "zone1-100");
  } catch (err) {
    await shard?.stop();
    await plane.stop();
    throw err;
  }
  const tablets = shard;
  return {
    ...plane,
    mysqlds: tablets.mysqlds,
    tablets: tablets.tablets,
    async stop() {
      await tablets.stop();
      await plane.stop();
    },
  };
}

const DEPLOY = join(resolve(dirname(fileURLToPath(import.meta.url)), "../.."), "deploy/local");

/** Seed 000's commerce schema and initial VSchema, applied through vtctld (as 101_initial_cluster.sh does). */
export async function applyCommerceSchema(plane: Pick<ControlPlane, "ok">): Promise<void> {
  await plane.ok("ApplySchema", "--sql-file", join(DEPLOY, "create_commerce_schema.sql"), "commerce");
  await plane.ok("ApplyVSchema", "--vschema-file", join(DEPLOY, "vschema_commerce_initial.json"), "commerce");
}

/**
 * Seed 004's MoveTables target: keyspace customer with shard 0 served by `specs` (default zone1-200 replica,
 * 201 replica, 202 rdonly), zone1-200 made PRIMARY by PlannedReparentShard. The tablets are stopped when
 * the reparent fails.
 */
export async function startCustomerShard(
  plane: Pick<ControlPlane, "dir" | "etcd" | "ok">,
  specs: readonly TabletSpec[] = [
    { uid: 200, type: "replica" },
    { uid: 201, type: "replica" },
    { uid: 202, type: "rdonly" },
  ],
): Promise<ShardTablets> {
  await plane.ok("CreateKeyspace", "--durability-policy", "none", "customer");
  await plane.ok("CreateShard", "customer/0");
  const shard = await startShardTablets(plane, "customer", "0", specs);
  try {
    await plane.ok("PlannedReparentShard", "customer/0", "--new-primary", `zone1-${specs[0]?.uid ?? 200}`);
  } catch (err) {
    await shard.stop();
    throw err;
  }
  return shard;
}
