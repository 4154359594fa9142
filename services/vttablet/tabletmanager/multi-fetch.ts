import type { Connection, FieldPacket, ResultSetHeader } from "mysql2/promise";
import { ER_VITESS_MAX_ROWS_EXCEEDED } from "../../../libs/mysql/db-connection.js";
import {
  type ColumnDefinition,
  emptyQueryResult,
  fieldsOf,
  packRows,
  type RawRow,
} from "../../../libs/mysql/query-result.js";
import type { QueryResult } from "../../../libs/proto/query.js";
import { Code, fromMysqlError, VtError } from "../../../libs/vterrors/index.js";

function columnOf(field: FieldPacket): ColumnDefinition {
  return {
    name: field.name,
    columnType: field.columnType ?? field.type ?? 0,
    flags: typeof field.flags === "number" ? field.flags : 0,
    characterSet: field.characterSet ?? field.charsetNr ?? 0,
    columnLength: field.columnLength ?? field.length ?? 0,
    decimals: field.decimals,
    table: field.table,
    orgTable: field.orgTable,
    schema: field.schema ?? field.db ?? "",
    orgName: field.orgName,
    extendedFormat: field.extendedFormat,
  };
}

function isHeader(value: unknown): value is ResultSetHeader {
  return typeof value === "object" && value !== null && "affectedRows" in value && !Array.isArray(value);
}

function resultOf(rows: unknown, fields: FieldPacket[] | undefined, maxRows: number): QueryResult {
  const result = emptyQueryResult();
  if (isHeader(rows)) {
    result.rowsAffected = rows.affectedRows;
    result.insertId = String(rows.insertId ?? 0);
    result.info = rows.info ?? "";
    return result;
  }
  const raw = rows as RawRow[];
  if (maxRows > 0 && raw.length > maxRows) {
    throw new VtError(Code.RESOURCE_EXHAUSTED, `Row count exceeded ${maxRows}`, {
      mysql: { errno: ER_VITESS_MAX_ROWS_EXCEEDED, sqlstate: "HY000" },
    });
  }
  result.fields = fieldsOf((fields ?? []).map(columnOf));
  result.rows = packRows(raw);
  return result;
}

/**
 * Runs several `;`-separated statements on a connection opened with multipleStatements and returns one
 * query.QueryResult per statement, values exactly as MySQL sent them (single statements go through
 * DbConnection). More than `maxRows` rows in one result (when > 0) is RESOURCE_EXHAUSTED, as Vitess's
 * ExecuteFetch; MySQL errors keep their errno and SQLSTATE.
 */
export async function executeMultiFetch(
  conn: Connection,
  sql: string,
  maxRows: number,
): Promise<QueryResult[]> {
  let rows: unknown;
  let fields: unknown;
  try {
    [rows, fields] = await conn.query({
      sql,
      rowsAsArray: true,
      typeCast: (field, next) => (field.type === "NULL" ? next() : field.buffer()),
    });
  } catch (err) {
    throw fromMysqlError(err);
  }
  // Several statements give an array of per-statement results with an array of per-statement fields; one
  // statement gives its result alone.
  const multi =
    Array.isArray(rows) &&
    rows.length > 0 &&
    (isHeader(rows[0]) || Array.isArray(rows[0])) &&
    Array.isArray(fields) &&
    fields.length === rows.length &&
    (fields[0] === undefined || Array.isArray(fields[0]));
  if (multi) {
    const results = rows as unknown[];
    return results.map((one, i) => resultOf(one, (fields as (FieldPacket[] | undefined)[])[i], maxRows));
  }
  return [resultOf(rows, fields as FieldPacket[] | undefined, maxRows)];
}
