import { readSchema } from "../../../libs/mysql/schema.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { TabletManagerContext, TabletManagerHandlers } from "./context.js";
import { positionArgument, waitOptionsOf } from "./deadline.js";

/** GetSchema and ReloadSchema. */
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
  };
}
