import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGrpcClient, type GrpcClientHandle } from "../../libs/grpc/index.js";
import { rowsAsStrings } from "../../libs/mysql/query-result.js";
import { TabletManagerService } from "../../libs/proto/tabletmanagerservice.js";
import { Tablet, TabletType } from "../../libs/proto/topodata.js";
import { createTablet, deleteTablet, type TopoServer } from "../../libs/topo/index.js";
import {
  type ControlPlane,
  type ShardTablets,
  startControlPlane,
  startShardTablets,
} from "../harness/cluster.js";
import type { EtcdHandle } from "../harness/etcd.js";
import type { CliResult, VtctldHandle } from "../harness/vtctld.js";
import type { VttabletHandle } from "../harness/vttablet.js";
import { waitFor } from "../harness/wait.js";

let plane: ControlPlane | undefined;
let etcd: EtcdHandle;
let vtctld: VtctldHandle | undefined;
let ts: TopoServer | undefined;

/** vtctldclient against the running vtctld. */
const client = (...args: string[]): Promise<CliResult> => plane!.client(...args);

/** The command's stdout; fails the test with its stderr when it did not exit 0. */
async function ok(...args: string[]): Promise<string> {
  const result = await client(...args);
  expect(result.code, `${args.join(" ")} failed: ${result.stderr}`).toBe(0);
  return result.stdout;
}

beforeAll(async () => {
  // Before any vtctld exists, the client registers the cell in-process (--server internal).
  plane = await startControlPlane("vtctld");
  expect(plane.addCellResult.stderr).toBe("");
  expect(plane.addCellResult.stdout).toBe("Created cell: zone1\n");
  ({ etcd, vtctld, ts } = plane);
});

afterAll(async () => {
  await plane?.stop();
});

describe("vtctld and vtctldclient on a real etcd", () => {
  it("lists the cell", async () => {
    expect(await ok("GetCellInfoNames")).toBe("zone1\n");
    expect(JSON.parse(await ok("GetCellInfo", "zone1"))).toEqual({
      server_address: etcd.clientAddress,
      root: "/vitess/zone1",
    });
  });

  it("creates a keyspace and a shard and lists them as Vitess prints them", async () => {
    const created = await ok("CreateKeyspace", "--durability-policy", "none", "commerce");
    const [heading, ...json] = created.split("\n");
    expect(heading).toBe("Successfully created keyspace commerce. Result:");
    expect(JSON.parse(json.join("\n"))).toMatchObject({
      name: "commerce",
      keyspace: {
        keyspace_type: "NORMAL",
        durability_policy: "none",
        sidecar_db_name: "_vt",
        snapshot_time: null,
      },
    });

    const shard = JSON.parse(await ok("CreateShard", "commerce/0"));
    expect(shard).toMatchObject({
      keyspace: { name: "commerce" },
      shard: { keyspace: "commerce", name: "0", shard: { is_primary_serving: true } },
      shard_already_exists: false,
    });

    expect(await ok("GetKeyspaces")).toBe(
      [
        "[",
        "  {",
        '    "name": "commerce",',
        '    "keyspace": {',
        '      "durability_policy": "none",',
        '      "sidecar_db_name": "_vt"',
        "    }",
        "  }",
        "]",
        "",
      ].join("\n"),
    );
    expect(await ok("GetShard", "commerce/0")).toBe(
      [
        "{",
        '  "keyspace": "commerce",',
        '  "name": "0",',
        '  "shard": {',
        '    "primary_alias": null,',
        '    "primary_term_start_time": null,',
        '    "key_range": null,',
        '    "source_shards": [],',
        '    "tablet_controls": [],',
        '    "is_primary_serving": true',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("refuses DeleteKeyspace of a keyspace with shards without --recursive, changing nothing", async () => {
    const keyspaceBefore = await ok("GetKeyspace", "commerce");
    const shardBefore = await ok("GetShard", "commerce/0");
    const refused = await client("DeleteKeyspace", "commerce");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain(
      "DeleteKeyspace(commerce) error: rpc error: code = InvalidArgument desc = keyspace commerce still has 1 shard(s) (0); use --recursive",
    );
    expect(await ok("GetKeyspace", "commerce")).toBe(keyspaceBefore);
    expect(await ok("GetShard", "commerce/0")).toBe(shardBefore);
  });

  it("deletes a keyspace recursively", async () => {
    await ok("CreateShard", "--include-parent", "scratch/-80");
    expect(await ok("DeleteKeyspace", "--recursive", "scratch")).toBe(
      "Successfully deleted keyspace scratch.\n",
    );
    const gone = await client("GetKeyspace", "scratch");
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("code = NotFound desc = keyspace scratch not found");
  });

  it("answers bad command lines with usage and exit 2, bad input with a readable error and exit 1", async () => {
    const unknown = await client("NoSuchCommand");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "NoSuchCommand"');
    expect(unknown.stderr).toContain("Available Commands:");
    const badFlag = await client("GetTablets", "--no-such-flag");
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("unknown flag: --no-such-flag");
    expect(badFlag.stderr).toContain("vtctldclient GetTablets");
    const badArgs = await client("GetShard");
    expect(badArgs.code).toBe(2);
    const badAlias = await client("GetTablet", "zone1-abc");
    expect(badAlias.code).toBe(1);
    expect(badAlias.stderr).toContain('invalid tablet alias "zone1-abc"');
    const help = await client("PlannedReparentShard", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--new-primary");
  });

  it("serves its status page, health and metrics", async () => {
    const base = `http://127.0.0.1:${vtctld!.httpPort}`;
    const status = await (await fetch(`${base}/debug/status`)).text();
    expect(status).toContain("commerce");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain(
      'vtctld_rpc_total{method="getKeyspaces",code="OK"',
    );
  });
});

describe("tablets of commerce/0 with real MariaDBs", () => {
  let shard: ShardTablets | undefined;
  let tablets: VttabletHandle[] = [];

  beforeAll(async () => {
    shard = await startShardTablets(plane!, "commerce", "0", [
      { uid: 100, type: "replica" },
      { uid: 101, type: "replica" },
      { uid: 102, type: "rdonly" },
    ]);
    tablets = shard.tablets;
  }, 240_000);

  afterAll(async () => {
    for (const tm of tmClients) tm.close();
    await shard?.stop();
  });

  const tmClients: GrpcClientHandle<typeof TabletManagerService>[] = [];
  /** Rows of a query run as DBA straight over the tablet's gRPC (fast enough to time replication). */
  const directFetch = async (tablet: VttabletHandle, sql: string): Promise<(string | null)[][]> => {
    let tm = tmClients.find((c) => c.address === tablet.grpcAddress);
    if (!tm) {
      tm = createGrpcClient(TabletManagerService, tablet.grpcAddress);
      tmClients.push(tm);
    }
    const { result } = await tm.rpc.executeFetchAsDba({
      query: Buffer.from(sql),
      dbName: "vt_commerce",
      maxRows: 100_000,
      disableBinlogs: false,
      reloadSchema: false,
      disableForeignKeyChecks: false,
    });
    return result ? rowsAsStrings(result) : [];
  };

  /** An insert as the app user straight over the tablet's gRPC; fails on a read-only tablet. */
  const directApp = async (tablet: VttabletHandle, sql: string): Promise<void> => {
    let tm = tmClients.find((c) => c.address === tablet.grpcAddress);
    if (!tm) {
      tm = createGrpcClient(TabletManagerService, tablet.grpcAddress);
      tmClients.push(tm);
    }
    await tm.rpc.executeFetchAsApp({ query: Buffer.from(sql), maxRows: 0 }, { timeoutMs: 5_000 });
  };

  const fetchAsDba = async (alias: string, sql: string): Promise<unknown[][]> =>
    JSON.parse(await ok("ExecuteFetchAsDBA", "--json", alias, sql)).rows;

  it("GetTablets lists the three tablets, one line each", async () => {
    const lines = (await ok("GetTablets")).trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^zone1-0000000100 commerce 0 replica localhost:\d+ 127\.0\.0\.1:\d+ \[\] <null>$/,
    );
    expect(lines[1]).toMatch(/^zone1-0000000101 commerce 0 replica /);
    expect(lines[2]).toMatch(/^zone1-0000000102 commerce 0 rdonly /);
    expect(
      (await ok("GetTablets", "--keyspace", "commerce", "--shard", "0", "--tablet-type", "rdonly")).trimEnd(),
    ).toBe(lines[2]);
    const tablet = JSON.parse(await ok("GetTablet", "zone1-101"));
    expect(tablet).toMatchObject({
      alias: { cell: "zone1", uid: 101 },
      keyspace: "commerce",
      type: "REPLICA",
    });
  });

  it("refuses PlannedReparentShard to a tablet of another shard, changing nothing", async () => {
    const other = Tablet.fromPartial({
      alias: { cell: "zone1", uid: 200 },
      hostname: "localhost",
      keyspace: "customer",
      shard: "0",
      type: TabletType.REPLICA,
    });
    await createTablet(ts!, other);
    try {
      const before = await ok("GetShard", "commerce/0");
      const refused = await client("PlannedReparentShard", "commerce/0", "--new-primary", "zone1-200");
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        "rpc error: code = InvalidArgument desc = tablet zone1-0000000200 is not in shard commerce/0",
      );
      expect(await ok("GetShard", "commerce/0")).toBe(before);
    } finally {
      await deleteTablet(ts!, other.alias!);
    }
  });

  it("PlannedReparentShard --new-primary zone1-100 makes 100 a read-write PRIMARY that 101 and 102 follow", async () => {
    const events = await ok("PlannedReparentShard", "commerce/0", "--new-primary", "zone1-100");
    expect(events).toMatch(/^I\d{4} \d\d:\d\d:\d\d\.\d{6} planned-reparent\.ts:0\] /m);
    const shard = JSON.parse(await ok("GetShard", "commerce/0"));
    expect(shard.shard.primary_alias).toEqual({ cell: "zone1", uid: 100 });
    expect(shard.shard.primary_term_start_time.seconds).toMatch(/^\d+$/);
    const primaryLine = (await ok("GetTablets", "--tablet-type", "primary")).trimEnd();
    expect(primaryLine).toMatch(
      /^zone1-0000000100 commerce 0 primary .* \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/,
    );
    expect(await fetchAsDba("zone1-100", "SELECT @@global.read_only")).toEqual([[0]]);
    expect(await fetchAsDba("zone1-101", "SELECT @@global.read_only")).toEqual([[1]]);

    await ok(
      "ExecuteFetchAsDBA",
      "zone1-100",
      "CREATE TABLE product (sku VARBINARY(128), description VARBINARY(128), PRIMARY KEY (sku))",
    );
    await ok(
      "ExecuteFetchAsDBA",
      "zone1-100",
      "INSERT INTO product (sku, description) VALUES ('SKU-1001', 'Monitor')",
    );
    // The insert is acknowledged: it must reach both followers within a second.
    const written = Date.now();
    await Promise.all(
      [tablets[1]!, tablets[2]!].map((replica) =>
        waitFor(
          `the row on ${replica.alias}`,
          async () => (await directFetch(replica, "SELECT sku FROM product")).length === 1,
          { timeoutMs: 1_000, intervalMs: 20 },
        ),
      ),
    );
    expect(Date.now() - written).toBeLessThan(1_000);
    const table = await ok("ExecuteFetchAsDBA", "zone1-102", "SELECT sku, description FROM product");
    expect(table).toBe(
      [
        "+----------+-------------+",
        "|   sku    | description |",
        "+----------+-------------+",
        "| SKU-1001 | Monitor     |",
        "+----------+-------------+",
        "",
      ].join("\n"),
    );
  });

  it("PlannedReparentShard to 101 under a continuous writer loses no acknowledged insert", async () => {
    await ok(
      "ExecuteFetchAsDBA",
      "zone1-100",
      "CREATE TABLE load_rows (id BIGINT NOT NULL, PRIMARY KEY (id))",
    );
    const acknowledged: number[] = [];
    let stop = false;
    // Inserts as the app user into whichever tablet takes writes: 100, then 101 once promoted. Only inserts
    // that returned without error count.
    const writer = (async () => {
      let next = 1;
      let target = tablets[0]!;
      while (!stop) {
        try {
          await directApp(target, `INSERT INTO load_rows (id) VALUES (${next})`);
          acknowledged.push(next);
          next++;
        } catch {
          next++;
          target = target === tablets[0] ? tablets[1]! : tablets[0]!;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    })();
    await waitFor("the writer to get going", () => acknowledged.length >= 20, { timeoutMs: 10_000 });
    await ok("PlannedReparentShard", "commerce/0", "--new-primary", "zone1-101");
    const countAtReparent = acknowledged.length;
    await waitFor("inserts on the new primary", () => acknowledged.length >= countAtReparent + 20, {
      timeoutMs: 10_000,
    });
    stop = true;
    await writer;

    const onNewPrimary = new Set(
      (await directFetch(tablets[1]!, "SELECT id FROM load_rows")).map((row) => Number(row[0])),
    );
    const missing = acknowledged.filter((id) => !onNewPrimary.has(id));
    expect(missing).toEqual([]);
    expect(JSON.parse(await ok("GetShard", "commerce/0")).shard.primary_alias).toEqual({
      cell: "zone1",
      uid: 101,
    });
    const lines = (await ok("GetTablets", "--keyspace", "commerce")).trimEnd().split("\n");
    expect(lines.map((line) => line.split(" ")[3])).toEqual(["replica", "primary", "rdonly"]);
    // The old primary now replicates from the new one, as does the rdonly tablet.
    for (const follower of [tablets[0]!, tablets[2]!]) {
      await waitFor(`every acknowledged row on ${follower.alias}`, async () => {
        const rows = await directFetch(follower, "SELECT COUNT(*) FROM load_rows");
        return Number(rows[0]?.[0]) === onNewPrimary.size;
      });
    }
    const positions = (await ok("ShardReplicationPositions", "commerce/0")).trimEnd().split("\n");
    expect(positions).toHaveLength(3);
    expect(positions[0]).toMatch(/^zone1-0000000101 commerce 0 primary .* MariaDB\/0-\d+-\d+ 0$/);
  });

  it("ChangeTabletType moves a replica to rdonly and back", async () => {
    const changed = await ok("ChangeTabletType", "zone1-100", "rdonly");
    expect(changed).toMatch(
      /^- zone1-0000000100 commerce 0 replica .*\n\+ zone1-0000000100 commerce 0 rdonly /,
    );
    await ok("ChangeTabletType", "zone1-100", "replica");
    expect((await ok("GetTablets", "--tablet-alias", "zone1-100")).split(" ")[3]).toBe("replica");
    await ok("PingTablet", "zone1-100");
    expect(await ok("RefreshState", "zone1-100")).toBe("Refreshed state on zone1-0000000100\n");
  });
});

describe("vtctld shutdown", () => {
  it("exits 0 on SIGTERM and removes its pid file", async () => {
    const exit = await vtctld!.stop();
    expect(exit.code).toBe(0);
    const { existsSync } = await import("node:fs");
    expect(existsSync(vtctld!.pidFile)).toBe(false);
  });
});
