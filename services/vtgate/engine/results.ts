import { packRows } from "../../../libs/mysql/query-result.js";
import { type Field, type QueryResult, Type } from "../../../libs/proto/query.js";

/** A result column made at vtgate (not by MySQL): name and type, the rest defaulted. */
export function localField(name: string, type: Type = Type.VARCHAR): Field {
  return {
    name,
    type,
    table: "",
    orgTable: "",
    database: "",
    orgName: name,
    columnLength: type === Type.VARCHAR ? 1024 : 20,
    charset: 0,
    decimals: 0,
    flags: 0,
    columnType: "",
  };
}

export type LocalValue = string | number | bigint | null;

/** A result set built at vtgate (SHOW VITESS_TABLETS, SELECT @@version...). */
export function localResult(fields: Field[], rows: readonly (readonly LocalValue[])[]): QueryResult {
  return {
    fields,
    rowsAffected: 0,
    insertId: "0",
    rows: packRows(rows.map((row) => row.map((v) => (v === null ? null : Buffer.from(String(v), "utf8"))))),
    info: "",
    sessionStateChanges: "",
    insertIdChanged: false,
  };
}

/** The OK answer of a statement without a result set. */
export function okResult(rowsAffected = 0): QueryResult {
  return {
    fields: [],
    rowsAffected,
    insertId: "0",
    rows: [],
    info: "",
    sessionStateChanges: "",
    insertIdChanged: false,
  };
}

/** Sends a complete result to a stream callback: fields first, then the rows. */
export async function streamWhole(
  result: QueryResult,
  onResult: (r: QueryResult) => Promise<void>,
): Promise<void> {
  await onResult(result);
}
