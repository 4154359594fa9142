import type { MysqlAddress } from "../../../libs/mysql/connect.js";
import { DbConnection } from "../../../libs/mysql/db-connection.js";
import { quoteIdentifier } from "../../../libs/mysql/sql-literal.js";
import { fromMysqlError } from "../../../libs/vterrors/index.js";
import type { StreamDb } from "./controller.js";

/**
 * Opens target connections for the engine and its streams: the dba user, in `dbName` when given. Writes
 * are binlogged, so the target's replicas follow (and `_vt.vreplication` replicates with them).
 */
export function dbStreamOpener(
  address: MysqlAddress,
  user: string,
  password: string,
): (dbName?: string) => Promise<StreamDb> {
  return async (dbName) => {
    let conn: DbConnection;
    try {
      conn = await DbConnection.connect(address, {
        user,
        password,
        connectTimeoutMs: 5_000,
        // The engine sends finished SQL: mysql2 would otherwise scan every statement (megabytes per copy
        // batch) for `?` placeholders.
        options: { queryFormat: (sql: string) => sql },
      });
    } catch (err) {
      throw fromMysqlError(err);
    }
    if (dbName) await conn.execute(`use ${quoteIdentifier(dbName)}`);
    return {
      execute: (sql) => conn.execute(sql),
      close: () => conn.destroy(),
    };
  };
}
