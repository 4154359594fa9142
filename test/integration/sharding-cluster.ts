import { type Connection, createConnection } from "mysql2/promise";
import {
  type ControlPlane,
  type ShardTablets,
  startControlPlane,
  startShardTablets,
} from "../harness/cluster.js";
import { startVtgate, type VtgateHandle } from "../harness/vtgate.js";

/** What the sharding tests lay out: the unsharded `commerce` keyspace and `customer` split in -80/80-. */
export interface ShardedClusterSpec {
  /** DDL of commerce/0 and of both customer shards (ApplySchema). */
  readonly commerceSchema: readonly string[];
  readonly customerSchema: readonly string[];
  readonly commerceVSchema: unknown;
  readonly customerVSchema: unknown;
  /** Rows inserted into commerce through vtgate once it serves (the sequences' first rows). */
  readonly commerceRows: readonly string[];
}

export interface ShardedCluster {
  readonly plane: ControlPlane;
  /** By `keyspace/shard`: commerce/0 (tablet 100), customer/-80 (200), customer/80- (300). */
  readonly shards: ReadonlyMap<string, ShardTablets>;
  readonly vtgate: VtgateHandle;
  /** A MySQL connection to vtgate with the database (target) given; the caller ends it. */
  connect(database?: string): Promise<Connection>;
  stop(): Promise<void>;
}

const LAYOUT: readonly [string, string, number][] = [
  ["commerce", "0", 100],
  ["customer", "-80", 200],
  ["customer", "80-", 300],
];

/** etcd, vtctld, one PRIMARY tablet per shard (PlannedReparentShard), schemas, VSchemas and vtgate. */
export async function startShardedCluster(name: string, spec: ShardedClusterSpec): Promise<ShardedCluster> {
  const plane = await startControlPlane(name);
  const shards = new Map<string, ShardTablets>();
  let vtgate: VtgateHandle | undefined;
  const stop = async () => {
    await vtgate?.stop();
    for (const s of shards.values()) await s.stop();
    await plane.stop();
  };
  try {
    for (const ks of ["commerce", "customer"]) {
      await plane.ok("CreateKeyspace", "--durability-policy", "none", ks);
    }
    for (const [ks, shard] of LAYOUT) await plane.ok("CreateShard", `${ks}/${shard}`);
    const started = await Promise.all(
      LAYOUT.map(([ks, shard, uid]) => startShardTablets(plane, ks, shard, [{ uid, type: "replica" }])),
    );
    for (const [i, [ks, shard]] of LAYOUT.entries()) shards.set(`${ks}/${shard}`, started[i] as ShardTablets);
    for (const [ks, shard, uid] of LAYOUT) {
      await plane.ok("PlannedReparentShard", `${ks}/${shard}`, "--new-primary", `zone1-${uid}`);
    }
    for (const sql of spec.commerceSchema) await plane.ok("ApplySchema", "--sql", sql, "commerce");
    for (const sql of spec.customerSchema) await plane.ok("ApplySchema", "--sql", sql, "customer");
    await plane.ok("ApplyVSchema", "--vschema", JSON.stringify(spec.commerceVSchema), "commerce");
    await plane.ok("ApplyVSchema", "--vschema", JSON.stringify(spec.customerVSchema), "customer");
    await plane.ok("RebuildKeyspaceGraph", "commerce");
    await plane.ok("RebuildKeyspaceGraph", "customer");
    vtgate = await startVtgate({
      topoAddress: plane.etcd.clientAddress,
      dir: plane.dir,
      tabletTypesToWait: "PRIMARY",
      waitForServingTablets: LAYOUT.length,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const gate = vtgate;
  const connect = (database = "customer") =>
    createConnection({
      host: "127.0.0.1",
      port: gate.mysqlPort,
      user: "app",
      database,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
    });
  const commerce = await connect("commerce");
  try {
    for (const sql of spec.commerceRows) await commerce.query(sql);
  } finally {
    await commerce.end();
  }
  return { plane, shards, vtgate: gate, connect, stop };
}

/** The rows of a query, each as an array. */
export async function rows(conn: Connection, sql: string): Promise<unknown[][]> {
  const [result] = await conn.query({ sql, rowsAsArray: true });
  return result as unknown[][];
}
