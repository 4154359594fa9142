import { randomBytes } from "node:crypto";
import type { Connection } from "mysql2/promise";
import { fillDatabaseName, readSchema, TABLE_VIEW } from "../../../libs/mysql/schema.js";
import { diffSchema } from "../../../libs/mysql/schema-diff.js";
import { quoteIdentifier, quoteString } from "../../../libs/mysql/sql-literal.js";
import type { ApplySchemaRequest, SchemaChangeResult } from "../../../libs/proto/tabletmanagerdata.js";
import { describeStatement, parseSchemaChanges } from "../../../libs/schemamanager/statements.js";
import { Code, fromMysqlError, invalidArgument, VtError } from "../../../libs/vterrors/index.js";
import type { MysqlDaemon } from "../mysql-daemon.js";

/** Prefix of the throw-away databases PreflightSchema works in (Vitess uses `_vt_preflight`). */
export const PREFLIGHT_DB_PREFIX = "_vt_preflight";

async function run(conn: Connection, sql: string): Promise<void> {
  try {
    await conn.query(sql);
  } catch (err) {
    throw fromMysqlError(err);
  }
}

/**
 * Vitess's PreflightSchemaChange: copies the CREATE statements of `dbName` (tables, then views) into a fresh
 * temporary database, applies each change there in order, and returns the schema before and after each one.
 * Binary logging is off on its session, so nothing of it replicates; the temporary database is dropped
 * however it ends. A change that fails is reported with its number, its text and the MySQL error.
 */
export async function preflightSchemaChanges(
  mysqld: MysqlDaemon,
  dbName: string,
  changes: readonly string[],
): Promise<SchemaChangeResult[]> {
  // Refuses what ApplySchema refuses, above all database-qualified names: binary logging is off here, so
  // `drop table vt_commerce.t` would change the live database without replicating.
  parseSchemaChanges(changes);
  const original = await mysqld.withDba((conn) =>
    readSchema(conn, dbName, { includeViews: true, tableSchemaOnly: true }),
  );
  const temp = `${PREFLIGHT_DB_PREFIX}_${randomBytes(6).toString("hex")}`;
  const conn = await mysqld.connect("dba");
  try {
    await run(conn, "SET SESSION sql_log_bin = 0");
    await run(
      conn,
      original.databaseSchema !== ""
        ? fillDatabaseName(original.databaseSchema, temp)
        : `CREATE DATABASE ${quoteIdentifier(temp)}`,
    );
    await run(conn, `USE ${quoteIdentifier(temp)}`);
    await copyTables(conn, original.tableDefinitions, temp);
    const results: SchemaChangeResult[] = [];
    for (const [i, change] of changes.entries()) {
      const beforeSchema = await readSchema(conn, temp, { includeViews: true });
      try {
        await conn.query(change);
      } catch (err) {
        const mysql = fromMysqlError(err);
        throw new VtError(
          mysql.code === Code.UNKNOWN ? Code.FAILED_PRECONDITION : mysql.code,
          `preflight of change ${i + 1} of ${changes.length} ("${describeStatement(change)}") failed: ${mysqlMessage(mysql)}`,
          { cause: err, mysql: mysql.mysql },
        );
      }
      const afterSchema = await readSchema(conn, temp, { includeViews: true });
      results.push({ beforeSchema, afterSchema });
    }
    return results;
  } finally {
    await conn.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(temp)}`).catch(() => undefined);
    conn.destroy();
  }
}

/** A MySQL error's message with its errno and SQLSTATE, as Vitess prints them. */
export function mysqlMessage(err: VtError): string {
  return err.mysql
    ? `${err.message} (errno ${err.mysql.errno}) (sqlstate ${err.mysql.sqlstate})`
    : err.message;
}

/** Base tables with foreign key checks off, then views (retried while one depends on another not yet made). */
async function copyTables(
  conn: Connection,
  tables: readonly { name: string; schema: string; type: string }[],
  temp: string,
): Promise<void> {
  await run(conn, "SET SESSION foreign_key_checks = 0");
  for (const table of tables) if (table.type !== TABLE_VIEW) await run(conn, table.schema);
  await run(conn, "SET SESSION foreign_key_checks = 1");
  let views = tables.filter((t) => t.type === TABLE_VIEW);
  while (views.length > 0) {
    const failed: typeof views = [];
    let lastError: unknown;
    for (const view of views) {
      try {
        await run(conn, fillDatabaseName(view.schema, temp));
      } catch (err) {
        failed.push(view);
        lastError = err;
      }
    }
    if (failed.length === views.length) throw lastError;
    views = failed;
  }
}

/**
 * Vitess's ApplySchemaChange on the tablet's own database: checks the schema is as the caller expects
 * (`before_schema`, unless `force`; a change already applied — the schema equals `after_schema` — is a
 * no-op), runs the SQL (multi-statement) with binary logging off unless `allow_replication`, and checks the
 * result against `after_schema`.
 */
export async function applySchemaChange(
  mysqld: MysqlDaemon,
  dbName: string,
  request: ApplySchemaRequest,
): Promise<SchemaChangeResult> {
  if (request.sql.trim() === "") throw invalidArgument("ApplySchema: empty sql");
  const read = () => mysqld.withDba((conn) => readSchema(conn, dbName, { includeViews: true }));
  const beforeSchema = await read();
  if (request.beforeSchema) {
    const diffs = diffSchema("actual", beforeSchema, "expected", request.beforeSchema);
    if (diffs.length > 0) {
      if (
        request.afterSchema &&
        diffSchema("actual", beforeSchema, "expected", request.afterSchema).length === 0
      )
        return { beforeSchema, afterSchema: beforeSchema };
      if (!request.force)
        throw new VtError(Code.FAILED_PRECONDITION, `BeforeSchema differs: ${diffs.join("; ")}`);
    }
  }
  const conn = await mysqld.connect("dba", { multipleStatements: true });
  try {
    if (!request.allowReplication) await run(conn, "SET SESSION sql_log_bin = 0");
    if (request.disableForeignKeyChecks) await run(conn, "SET SESSION foreign_key_checks = 0");
    if (request.sqlMode !== "") await run(conn, `SET SESSION sql_mode = ${quoteString(request.sqlMode)}`);
    // The database may not exist yet: the change may be the one creating it (CopySchemaShard).
    await conn.query(`USE ${quoteIdentifier(dbName)}`).catch(() => undefined);
    try {
      await conn.query(request.sql);
    } catch (err) {
      const mysql = fromMysqlError(err);
      throw new VtError(mysql.code, mysqlMessage(mysql), { cause: err, mysql: mysql.mysql });
    }
  } finally {
    conn.destroy();
  }
  const afterSchema = await read();
  if (request.afterSchema && !request.force) {
    const diffs = diffSchema("actual", afterSchema, "expected", request.afterSchema);
    if (diffs.length > 0)
      throw new VtError(Code.FAILED_PRECONDITION, `AfterSchema differs: ${diffs.join("; ")}`);
  }
  return { beforeSchema, afterSchema };
}
