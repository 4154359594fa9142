import { DATABASE_NAME_PLACEHOLDER, fillDatabaseName, TABLE_VIEW } from "../mysql/schema.js";
import { diffSchema } from "../mysql/schema-diff.js";
import type { SchemaDefinition } from "../proto/tabletmanagerdata.js";
import type { Tablet } from "../proto/topodata.js";
import { errorCode, failedPrecondition, VtError } from "../vterrors/index.js";
import { durationMs, getTabletOrNotFound, requireAlias, requireName, tabletDbName } from "./common.js";
import type { VtctldHandlers, VtctlEnv } from "./env.js";
import { getTabletSchema, reloadShardReplicas, tabletErrorMessage } from "./schema-common.js";
import { getShardOrNotFound } from "./shards.js";

type CopySchemaHandlers = Pick<VtctldHandlers, "copySchemaShard">;

/** Vitess's vreplication.SQLMode, which CopySchemaShard applies its statements with. */
const COPY_SQL_MODE = "NO_AUTO_VALUE_ON_ZERO";
const DEFAULT_WAIT_REPLICAS_MS = 10_000;

/**
 * Vitess's SchemaDefinitionToSQLStrings: the CREATE DATABASE, each base table's CREATE TABLE qualified with
 * the placeholder database, then the views (which may select from the tables).
 */
export function schemaToSqlStatements(schema: SchemaDefinition): string[] {
  const statements = [schema.databaseSchema];
  const views: string[] = [];
  for (const table of schema.tableDefinitions) {
    if (table.type === TABLE_VIEW) {
      views.push(table.schema);
    } else {
      statements.push(
        table.schema.replace(/^CREATE TABLE `/m, `CREATE TABLE \`${DATABASE_NAME_PLACEHOLDER}\`.\``),
      );
    }
  }
  return [...statements, ...views].filter((s) => s !== "");
}

/**
 * CopySchemaShard: the schema of the source tablet (tables filtered as GetSchema filters them) created on the
 * destination shard's primary, from where it replicates. Tables the destination already has with the same
 * definition are left alone; one it has with a different definition stops the copy. Unless skip_verify, the
 * destination's replicas reload and the two schemas are compared.
 */
export function copySchemaHandlers(env: VtctlEnv): CopySchemaHandlers {
  return {
    async copySchemaShard(request) {
      const sourceAlias = requireAlias(request.sourceTabletAlias, "source_tablet_alias");
      const keyspace = requireName("keyspace", request.destinationKeyspace);
      const shard = requireName("shard", request.destinationShard);
      const destShard = await getShardOrNotFound(env, keyspace, shard);
      const destAlias = destShard.shard.primaryAlias;
      if (!destAlias || destAlias.cell === "") {
        throw failedPrecondition(
          `no primary in shard record ${keyspace}/${shard}. Consider running or retrying InitShardPrimary`,
        );
      }
      const filter = {
        tables: request.tables,
        excludeTables: request.excludeTables,
        includeViews: request.includeViews,
      };
      const { schema: source } = await getTabletSchema(env, sourceAlias, filter);
      const destTablet = await getTabletOrNotFound(env.ts, destAlias);
      const { schema: before } = await getTabletSchema(env, destAlias, filter);
      if (diffSchema("source", source, "dest", before).length === 0) return {};

      const existing = new Map(before.tableDefinitions.map((t) => [t.name, t.schema]));
      const missing: SchemaDefinition = {
        databaseSchema: source.databaseSchema,
        tableDefinitions: source.tableDefinitions.filter((t) => existing.get(t.name) !== t.schema),
      };
      for (const statement of schemaToSqlStatements(missing)) {
        await applyOn(destTablet, fillDatabaseName(statement, tabletDbName(destTablet)));
      }
      if (request.skipVerify) return {};

      const waitMs = durationMs(request.waitReplicasTimeout, DEFAULT_WAIT_REPLICAS_MS);
      await reloadShardReplicas(env, keyspace, shard, destTablet, waitMs);
      const { schema: after } = await getTabletSchema(env, destAlias, filter);
      const diffs = diffSchema("source", source, "dest", after);
      if (diffs.length > 0) throw failedPrecondition(`schemas are different:\n${diffs.join("\n")}`);
      return {};
    },
  };

  async function applyOn(tablet: Tablet, sql: string): Promise<void> {
    try {
      await env.tmc.forTablet(tablet).applySchema(
        {
          sql,
          force: false,
          allowReplication: true,
          beforeSchema: undefined,
          afterSchema: undefined,
          sqlMode: COPY_SQL_MODE,
          batchSize: 0,
          disableForeignKeyChecks: true,
        },
        { timeoutMs: Math.max(env.remoteOperationTimeoutMs, 30_000) },
      );
    } catch (err) {
      throw new VtError(
        errorCode(err),
        `creating a table failed. Most likely some tables already exist on the destination and differ from the source. Please remove all to be copied tables from the destination manually and run this command again. Full error: ${tabletErrorMessage(err, tablet)}`,
        { cause: err },
      );
    }
  }
}
