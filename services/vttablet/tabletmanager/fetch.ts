import { DbConnection } from "../../../libs/mysql/db-connection.js";
import { quoteIdentifier } from "../../../libs/mysql/sql-literal.js";
import type { QueryResult } from "../../../libs/proto/query.js";
import { Code, fromMysqlError, VtError } from "../../../libs/vterrors/index.js";
import type { ConnectRole } from "../mysql-daemon.js";
import { isDdl } from "../schema-cache.js";
import type { TabletManagerContext, TabletManagerHandlers } from "./context.js";
import { executeMultiFetch } from "./multi-fetch.js";

interface FetchOptions {
  role: ConnectRole;
  sql: string;
  dbName: string;
  maxRows: number;
  disableBinlogs?: boolean;
  disableForeignKeyChecks?: boolean;
  reloadSchema?: boolean;
}

/**
 * The options of a fetch request; the requests share these fields (AllPrivs has no session switches, App no
 * database). An empty query is INVALID_ARGUMENT.
 */
function fetchOptions(
  role: ConnectRole,
  sql: Buffer,
  request: Omit<FetchOptions, "role" | "sql">,
): FetchOptions {
  const options: FetchOptions = {
    role,
    sql: sql.toString("utf8"),
    dbName: request.dbName,
    maxRows: request.maxRows,
    disableBinlogs: request.disableBinlogs,
    disableForeignKeyChecks: request.disableForeignKeyChecks,
    reloadSchema: request.reloadSchema,
  };
  if (options.sql.trim() === "") throw new VtError(Code.INVALID_ARGUMENT, "empty query");
  return options;
}

/** Session statements a fetch asks for; the database is selected with USE, whose failure is ignored. */
function sessionSetup(options: FetchOptions): string[] {
  const statements: string[] = [];
  if (options.disableBinlogs) statements.push("SET SESSION sql_log_bin = 0");
  if (options.disableForeignKeyChecks) statements.push("SET SESSION foreign_key_checks = 0");
  return statements;
}

/**
 * Runs one statement on a fresh connection as `role`. As Vitess, a database that does not exist (yet) is not
 * an error: the statement may be the one creating it. DDL (or reloadSchema) refreshes the schema cache.
 */
async function fetchAs(tm: TabletManagerContext, options: FetchOptions): Promise<QueryResult> {
  const { user, password } = tm.mysqld.roles[options.role];
  const conn = await DbConnection.connect(tm.mysqld.address, { user, password, connectTimeoutMs: 5_000 });
  try {
    if (options.dbName !== "")
      await conn.execute(`USE ${quoteIdentifier(options.dbName)}`).catch(() => undefined);
    for (const statement of sessionSetup(options)) await conn.execute(statement);
    return await conn.execute(options.sql, { maxRows: options.maxRows });
  } finally {
    conn.destroy();
    if (options.reloadSchema || isDdl(options.sql)) await tm.schema.reloadQuietly();
  }
}

/** ExecuteFetchAsDba, ExecuteMultiFetchAsDba, ExecuteFetchAsAllPrivs, ExecuteFetchAsApp. */
export function fetchHandlers(tm: TabletManagerContext): TabletManagerHandlers {
  return {
    executeFetchAsDba: async (request) => ({
      result: await fetchAs(tm, fetchOptions("dba", request.query, request)),
    }),

    executeMultiFetchAsDba: async (request) => {
      const options = fetchOptions("dba", request.sql, request);
      const conn = await tm.mysqld.connect("dba", { multipleStatements: true });
      try {
        if (options.dbName !== "")
          await conn.query(`USE ${quoteIdentifier(options.dbName)}`).catch(() => undefined);
        for (const statement of sessionSetup(options))
          await conn.query(statement).catch((err) => {
            throw fromMysqlError(err);
          });
        return { results: await executeMultiFetch(conn, options.sql, options.maxRows) };
      } finally {
        conn.destroy();
        await tm.schema.reloadQuietly();
      }
    },

    executeFetchAsAllPrivs: async (request) => ({
      result: await fetchAs(tm, fetchOptions("allprivs", request.query, request)),
    }),

    executeFetchAsApp: async (request) => ({
      result: await fetchAs(tm, fetchOptions("app", request.query, { ...request, dbName: tm.state.dbName })),
    }),
  };
}
