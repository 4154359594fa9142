import { TableDefinition } from "../proto/tabletmanagerdata.js";
import { getShardNames } from "../topo/index.js";
import { errorCode, VtError } from "../vterrors/index.js";
import { aliasOf, getKeyspaceOrNotFound, getTabletOrNotFound, requireAlias, requireName } from "./common.js";
import type { VtctldHandlers, VtctlEnv } from "./env.js";
import { EventLog, getTabletSchema, reloadShard, tabletErrorMessage } from "./schema-common.js";
import { getShardOrNotFound } from "./shards.js";

type SchemaHandlers = Pick<
  VtctldHandlers,
  "getSchema" | "reloadSchema" | "reloadSchemaShard" | "reloadSchemaKeyspace"
>;

/** Vitess's default concurrency of ReloadSchemaShard/Keyspace. */
const DEFAULT_RELOAD_CONCURRENCY = 10;

/** GetSchema and the ReloadSchema family. */
export function schemaHandlers(env: VtctlEnv): SchemaHandlers {
  const { ts } = env;
  return {
    async getSchema(request) {
      const alias = requireAlias(request.tabletAlias);
      const namesOrSizes = request.tableNamesOnly || request.tableSizesOnly;
      const { schema } = await getTabletSchema(env, alias, {
        tables: request.tables,
        excludeTables: request.excludeTables,
        includeViews: request.includeViews,
        tableSchemaOnly: request.tableSchemaOnly || namesOrSizes,
      });
      if (request.tableNamesOnly) {
        schema.tableDefinitions = schema.tableDefinitions.map((t) =>
          TableDefinition.create({ name: t.name }),
        );
      } else if (request.tableSizesOnly) {
        schema.tableDefinitions = schema.tableDefinitions.map((t) =>
          TableDefinition.create({
            name: t.name,
            type: t.type,
            rowCount: t.rowCount,
            dataLength: t.dataLength,
          }),
        );
      }
      return { schema };
    },

    async reloadSchema(request) {
      const tablet = await getTabletOrNotFound(ts, requireAlias(request.tabletAlias));
      try {
        await env.tmc
          .forTablet(tablet)
          .reloadSchema({ waitPosition: "" }, { timeoutMs: env.remoteOperationTimeoutMs });
      } catch (err) {
        throw new VtError(
          errorCode(err),
          `ReloadSchema(${aliasOf(tablet)}) failed: ${tabletErrorMessage(err, tablet)}`,
          { cause: err },
        );
      }
      return {};
    },

    async reloadSchemaShard(request) {
      const keyspace = requireName("keyspace", request.keyspace);
      const shard = requireName("shard", request.shard);
      await getShardOrNotFound(env, keyspace, shard);
      const log = new EventLog(env);
      await reloadShard(env, keyspace, shard, {
        waitPosition: request.waitPosition,
        includePrimary: request.includePrimary,
        concurrency: request.concurrency || DEFAULT_RELOAD_CONCURRENCY,
        timeoutMs: env.remoteOperationTimeoutMs,
        log,
      });
      return { events: log.events };
    },

    async reloadSchemaKeyspace(request) {
      const keyspace = requireName("keyspace", request.keyspace);
      await getKeyspaceOrNotFound(ts, keyspace);
      const log = new EventLog(env);
      await Promise.all(
        (await getShardNames(ts, keyspace)).map((shard) =>
          reloadShard(env, keyspace, shard, {
            waitPosition: request.waitPosition,
            includePrimary: request.includePrimary,
            concurrency: request.concurrency || DEFAULT_RELOAD_CONCURRENCY,
            timeoutMs: env.remoteOperationTimeoutMs,
            log,
          }),
        ),
      );
      return { events: log.events };
    },
  };
}
