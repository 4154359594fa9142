import { readSchema } from "../../../libs/mysql/schema.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { TabletManagerContext, TabletManagerHandlers } from "./context.js";
import { positionArgument, waitOptionsOf } from "./deadline.js";
import { applySchemaChange, preflightSchemaChanges } from "./schema-change.js";

/** GetSchema, ReloadSchema, PreflightSchema and ApplySchema. */
export function schemaHandlers(tm: TabletManagerContext): TabletManagerHandlers {
  return {
    getSchema: async (request) => {
      try {
        const schemaDefinition = await tm.mysqld.withDba((conn) =>
          readSchema(conn, tm.state.dbName, {
            tables: request.tables,
            excludeTables: request.excludeTables,
            includeViews: request.includeViews,
            tableSchemaOnly: request.tableSchemaOnly,
          }),
        );
        return { schemaDefinition };
      } catch (err) {
        if (err instanceof VtError) throw err;
        throw new VtError(Code.INVALID_ARGUMENT, `GetSchema: ${(err as Error).message}`, { cause: err });
      }
    },

    reloadSchema: async ({ waitPosition }, context) => {
      if (waitPosition !== "") {
        await tm.mysqld.waitForPosition(
          positionArgument(waitPosition, "wait_position"),
          waitOptionsOf(context),
        );
      }
      await tm.schema.reload();
      return {};
    },

    // The live schema does not change here, but a preflight is the sign that a change is coming: the cache
    // is refreshed so it is current when the change lands.
    preflightSchema: async ({ changes }) => {
      try {
        return { changeResults: await preflightSchemaChanges(tm.mysqld, tm.state.dbName, changes) };
      } finally {
        await tm.schema.reloadQuietly();
      }
    },

    applySchema: (request, context) =>
      tm.lock.run(
        "ApplySchema",
        async () => {
          try {
            const result = await applySchemaChange(tm.mysqld, tm.state.dbName, request);
            tm.logger.info({ sql: request.sql.slice(0, 200) }, "schema change applied");
            return result;
          } finally {
            await tm.schema.reloadQuietly();
          }
        },
        context.signal,
      ),
  };
}
