import type { Connection, RowDataPacket } from "mysql2/promise";
import type { SchemaDefinition, TableDefinition } from "../proto/tabletmanagerdata.js";
import { type ColumnInfo, columnField } from "./schema-columns.js";
import { quoteIdentifier } from "./sql-literal.js";

export const TABLE_BASE = "BASE TABLE";
export const TABLE_VIEW = "VIEW";
/** Stands for the database name in SchemaDefinition.database_schema, as in Vitess. */
export const DATABASE_NAME_PLACEHOLDER = "{{.DatabaseName}}";

export interface SchemaFilter {
  /** Names or `/regexp/`s to keep; empty keeps every table. */
  tables?: readonly string[];
  /** Names or `/regexp/`s to drop, applied after `tables`. */
  excludeTables?: readonly string[];
  /** Views are dropped unless asked for. */
  includeViews?: boolean;
}

export interface ReadSchemaOptions extends SchemaFilter {
  /** Only names, types and CREATE statements: no columns, primary keys or fields. */
  tableSchemaOnly?: boolean;
}

/**
 * A table filter as Vitess's tmutils.TableFilter: each entry is an exact table name or a `/regexp/` matched
 * anywhere in the name. Throws on an invalid regexp, naming it.
 */
export function tableMatcher(patterns: readonly string[]): (name: string) => boolean {
  const exact = new Set<string>();
  const regexps: RegExp[] = [];
  for (const pattern of patterns) {
    if (pattern.length > 2 && pattern.startsWith("/") && pattern.endsWith("/")) {
      try {
        regexps.push(new RegExp(pattern.slice(1, -1)));
      } catch (err) {
        throw new Error(`invalid table regexp ${pattern}: ${(err as Error).message}`, { cause: err });
      }
    } else {
      exact.add(pattern);
    }
  }
  return (name) => exact.has(name) || regexps.some((re) => re.test(name));
}

/** Keeps the tables `filter` selects (for schemas read elsewhere, e.g. compared by ValidateSchema). */
export function filterTables(tables: readonly TableDefinition[], filter: SchemaFilter): TableDefinition[] {
  const include = filter.tables?.length ? tableMatcher(filter.tables) : () => true;
  const exclude = filter.excludeTables?.length ? tableMatcher(filter.excludeTables) : () => false;
  return tables.filter(
    (table) =>
      include(table.name) && !exclude(table.name) && (filter.includeViews || table.type !== TABLE_VIEW),
  );
}

/** SHOW CREATE TABLE without the AUTO_INCREMENT counter, so identical tables compare equal (as Vitess). */
export function normalizeCreateTable(statement: string): string {
  return statement.replace(/ AUTO_INCREMENT=\d+/i, "");
}

/**
 * A view's CREATE statement with its own database (`vt_commerce`.`t`) written as the placeholder, as Vitess's
 * GetSchema does, so the same view compares equal in databases of different names and can be copied.
 */
function viewWithPlaceholder(statement: string, dbName: string): string {
  return statement.replaceAll(
    `${quoteIdentifier(dbName)}.`,
    `${quoteIdentifier(DATABASE_NAME_PLACEHOLDER)}.`,
  );
}

/** A schema statement (database_schema, a view) for database `dbName`: the placeholder replaced by its name. */
export function fillDatabaseName(statement: string, dbName: string): string {
  return statement.replaceAll(DATABASE_NAME_PLACEHOLDER, dbName.replaceAll("`", "``"));
}

type Row = RowDataPacket & Record<string, unknown>;

async function select(conn: Connection, sql: string, params: unknown[] = []): Promise<Row[]> {
  const [rows] = await conn.query<Row[]>(sql, params);
  return rows;
}

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
}

async function databaseSchema(conn: Connection, dbName: string): Promise<string> {
  const [row] = await select(conn, `SHOW CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(dbName)}`);
  const statement = row ? text(Object.values(row)[1]) : "";
  return statement.replace(quoteIdentifier(dbName), quoteIdentifier(DATABASE_NAME_PLACEHOLDER));
}

async function readColumns(conn: Connection, dbName: string): Promise<Map<string, ColumnInfo[]>> {
  const rows = await select(
    conn,
    `SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.IS_NULLABLE, c.COLUMN_KEY, c.EXTRA,
            c.COLUMN_DEFAULT IS NOT NULL AS HAS_DEFAULT, c.CHARACTER_MAXIMUM_LENGTH, c.NUMERIC_PRECISION,
            c.NUMERIC_SCALE, c.DATETIME_PRECISION, COALESCE(co.ID, 0) AS COLLATION_ID
       FROM information_schema.COLUMNS c
       LEFT JOIN information_schema.COLLATIONS co ON co.COLLATION_NAME = c.COLLATION_NAME
      WHERE c.TABLE_SCHEMA = ?
      ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
    [dbName],
  );
  const byTable = new Map<string, ColumnInfo[]>();
  for (const row of rows) {
    const table = text(row.TABLE_NAME);
    const column: ColumnInfo = {
      table,
      name: text(row.COLUMN_NAME),
      dataType: text(row.DATA_TYPE),
      columnType: text(row.COLUMN_TYPE),
      nullable: text(row.IS_NULLABLE) === "YES",
      key: text(row.COLUMN_KEY),
      extra: text(row.EXTRA),
      hasDefault: Number(row.HAS_DEFAULT) === 1,
      characterMaximumLength: numberOrNull(row.CHARACTER_MAXIMUM_LENGTH),
      numericPrecision: numberOrNull(row.NUMERIC_PRECISION),
      numericScale: numberOrNull(row.NUMERIC_SCALE),
      datetimePrecision: numberOrNull(row.DATETIME_PRECISION),
      collationId: Number(row.COLLATION_ID) || 0,
    };
    const list = byTable.get(table);
    if (list) list.push(column);
    else byTable.set(table, [column]);
  }
  return byTable;
}

async function readPrimaryKeys(conn: Connection, dbName: string): Promise<Map<string, string[]>> {
  const rows = await select(
    conn,
    `SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ? AND INDEX_NAME = 'PRIMARY'
      ORDER BY TABLE_NAME, SEQ_IN_INDEX`,
    [dbName],
  );
  const byTable = new Map<string, string[]>();
  for (const row of rows) {
    const table = text(row.TABLE_NAME);
    const list = byTable.get(table);
    if (list) list.push(text(row.COLUMN_NAME));
    else byTable.set(table, [text(row.COLUMN_NAME)]);
  }
  return byTable;
}

/**
 * The schema of database `dbName` as Vitess's GetSchema reports it: the CREATE DATABASE statement (name
 * replaced by {{.DatabaseName}}), then one TableDefinition per table (and view, when asked) sorted by name,
 * with its CREATE statement, columns in order, primary key columns, fields, and the catalog's estimates of
 * rows and data length. A missing database gives an empty list of tables.
 */
export async function readSchema(
  conn: Connection,
  dbName: string,
  options: ReadSchemaOptions = {},
): Promise<SchemaDefinition> {
  const databaseStatement = await databaseSchema(conn, dbName);
  const tableRows = await select(
    conn,
    `SELECT TABLE_NAME, TABLE_TYPE, DATA_LENGTH, TABLE_ROWS FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'VIEW')
      ORDER BY TABLE_NAME`,
    [dbName],
  );
  const candidates: TableDefinition[] = tableRows.map((row) => ({
    name: text(row.TABLE_NAME),
    schema: "",
    columns: [],
    primaryKeyColumns: [],
    type: text(row.TABLE_TYPE),
    dataLength: Number(row.DATA_LENGTH ?? 0) || 0,
    rowCount: Number(row.TABLE_ROWS ?? 0) || 0,
    fields: [],
  }));
  const tables = filterTables(candidates, options);
  const columns = options.tableSchemaOnly ? new Map() : await readColumns(conn, dbName);
  const primaryKeys = options.tableSchemaOnly ? new Map() : await readPrimaryKeys(conn, dbName);
  for (const table of tables) {
    const [row] = await select(
      conn,
      `SHOW CREATE TABLE ${quoteIdentifier(dbName)}.${quoteIdentifier(table.name)}`,
    );
    const statement = row ? text(Object.values(row)[1]) : "";
    table.schema =
      table.type === TABLE_VIEW ? viewWithPlaceholder(statement, dbName) : normalizeCreateTable(statement);
    if (options.tableSchemaOnly) continue;
    const tableColumns: ColumnInfo[] = columns.get(table.name) ?? [];
    table.columns = tableColumns.map((column) => column.name);
    table.fields = tableColumns.map((column) => columnField(dbName, column));
    table.primaryKeyColumns = primaryKeys.get(table.name) ?? [];
  }
  tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { databaseSchema: databaseStatement, tableDefinitions: tables };
}
