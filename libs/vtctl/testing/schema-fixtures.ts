import type { SchemaDefinition, TableDefinition } from "../../proto/tabletmanagerdata.js";
import { TabletType } from "../../proto/topodata.js";
import { updateShardFields } from "../../topo/index.js";
import { addTablet, type TestVtctld } from "./fixtures.js";

/** A table definition as a tablet's GetSchema returns it. */
export function tableDef(name: string, options: Partial<TableDefinition> = {}): TableDefinition {
  return {
    name,
    schema: `CREATE TABLE \`${name}\` (\n  \`id\` bigint NOT NULL,\n  PRIMARY KEY (\`id\`)\n) ENGINE=InnoDB`,
    columns: ["id"],
    primaryKeyColumns: ["id"],
    type: "BASE TABLE",
    dataLength: 16384,
    rowCount: 0,
    fields: [],
    ...options,
  };
}

export function schemaDef(...tables: TableDefinition[]): SchemaDefinition {
  return {
    databaseSchema:
      "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `{{.DatabaseName}}` /*!40100 DEFAULT CHARACTER SET utf8mb4 */",
    tableDefinitions: tables,
  };
}

/**
 * A keyspace with `shards`, each with a PRIMARY (uid `firstUid`, then +100 per shard) recorded in its shard
 * record, a REPLICA (uid +1) and an RDONLY (uid +2), all in zone1.
 */
export async function addKeyspaceWithShards(
  vtctld: TestVtctld,
  keyspace: string,
  shards: readonly string[],
  firstUid = 100,
): Promise<void> {
  await vtctld.call("createKeyspace", { name: keyspace });
  for (const [i, shard] of shards.entries()) {
    const base = firstUid + 100 * i;
    await vtctld.call("createShard", { keyspace, shardName: shard });
    await addTablet(vtctld.ts, {
      uid: base,
      keyspace,
      shard,
      type: TabletType.PRIMARY,
      primaryTermStartSeconds: 1,
    });
    await addTablet(vtctld.ts, { uid: base + 1, keyspace, shard, type: TabletType.REPLICA });
    await addTablet(vtctld.ts, { uid: base + 2, keyspace, shard, type: TabletType.RDONLY });
    await updateShardFields(vtctld.ts, keyspace, shard, (record) => {
      record.primaryAlias = { cell: "zone1", uid: base };
      record.primaryTermStartTime = { seconds: 1, nanoseconds: 0 };
    });
  }
}
