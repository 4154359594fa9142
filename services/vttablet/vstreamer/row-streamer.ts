import type { Logger } from "pino";
import { unpackRow } from "../../../libs/mysql/query-result.js";
import { encodePosition } from "../../../libs/mysql/replication/index.js";
import { encodeSqlValue, quoteIdentifier } from "../../../libs/mysql/sql-literal.js";
import type { VStreamRowsRequest, VStreamRowsResponse } from "../../../libs/proto/binlogdata.js";
import { Field, type QueryResult, type Row } from "../../../libs/proto/query.js";
import { Code, invalidArgument, VtError } from "../../../libs/vterrors/index.js";
import { compileSelectRule } from "./filter-rules.js";
import { buildTablePlan, type TablePlan, type TableSchema } from "./plan-builder.js";
import { filterRow, pickColumns } from "./row-filter.js";
import type { SchemaSource } from "./schema-source.js";
import { openSnapshot, type SnapshotParams } from "./snapshot.js";
import type { VindexResolver } from "./vindex-resolver.js";

export interface RowStreamContext {
  readonly dbName: string;
  readonly schema: SchemaSource;
  readonly snapshot: Omit<SnapshotParams, "database">;
  readonly vindexes: () => Promise<VindexResolver>;
  /** Row bytes per response. */
  readonly packetSize: number;
  readonly logger: Logger;
}

/** A VStreamRows request checked against the table: the plan, the key columns and the SELECT to run. */
export interface RowStreamPlan {
  readonly plan: TablePlan;
  readonly pkColumns: readonly number[];
  readonly pkFields: Field[];
  readonly sql: string;
}

/** The key columns rows are ordered and resumed by: the primary key, or every column without one (Vitess). */
function keyColumns(table: TableSchema): number[] {
  return table.pkColumns.length > 0 ? [...table.pkColumns] : table.fields.map((_, i) => i);
}

/** `(a = 1 and b > 2) or (a > 1)`: rows after `lastpk` in key order (a tuple comparison would scan). */
export function afterKeyCondition(names: readonly string[], values: readonly string[]): string {
  const disjuncts: string[] = [];
  for (let last = names.length - 1; last >= 0; last--) {
    const terms: string[] = [];
    for (let i = 0; i < last; i++) terms.push(`${quoteIdentifier(names[i]!)} = ${values[i]}`);
    terms.push(`${quoteIdentifier(names[last]!)} > ${values[last]}`);
    disjuncts.push(`(${terms.join(" and ")})`);
  }
  return disjuncts.join(" or ");
}

/** The SELECT of a row stream: every column (the plan picks and filters), after `lastpk`, in key order. */
export function buildRowSelect(
  table: TableSchema,
  pkColumns: readonly number[],
  lastpk: QueryResult | undefined,
): string {
  const columns = table.fields.map((field) => quoteIdentifier(field.name)).join(", ");
  const names = pkColumns.map((i) => table.fields[i]!.name);
  let sql = `select ${columns} from ${quoteIdentifier(table.name)}`;
  const row = lastpk?.rows[0];
  if (row !== undefined) {
    if (row.lengths.length !== pkColumns.length) {
      throw invalidArgument(
        `lastpk has ${row.lengths.length} values, the key of ${table.name} (${names.join(", ")}) has ${pkColumns.length}`,
      );
    }
    const values = unpackRow(row).map((value, i) => {
      if (value === null) throw invalidArgument(`lastpk value of ${names[i]} is NULL`);
      const type = lastpk?.fields[i]?.type ?? table.fields[pkColumns[i]!]!.type;
      return encodeSqlValue(type, value);
    });
    sql += ` where ${afterKeyCondition(names, values)}`;
  }
  return `${sql} order by ${names.map(quoteIdentifier).join(", ")}`;
}

/** Checks a VStreamRows request (INVALID_ARGUMENT for a bad filter or an unknown table) and plans it. */
export async function prepareRowStream(
  context: RowStreamContext,
  request: VStreamRowsRequest,
): Promise<RowStreamPlan> {
  const { rule, needsVSchema } = compileSelectRule(request.query);
  const table = await context.schema.fresh(rule.match);
  if (table === undefined) {
    throw invalidArgument(
      `unknown table ${rule.match} in VStreamRows query: no such table in ${context.dbName}`,
    );
  }
  const vindexes = needsVSchema ? await context.vindexes() : undefined;
  const plan = buildTablePlan(rule, table, vindexes ?? noVindexes());
  const pkColumns = keyColumns(table);
  const pkFields = pkColumns.map((i) => keyField(table.fields[i]!));
  return { plan, pkColumns, pkFields, sql: buildRowSelect(table, pkColumns, request.lastpk) };
}

function keyField(field: Field): Field {
  return Field.fromPartial({ name: field.name, type: field.type });
}

function noVindexes(): VindexResolver {
  const fail = (): never => {
    throw new VtError(Code.INTERNAL, "the query needs no vindex");
  };
  return { primaryVindex: fail, findOrCreate: fail };
}

/**
 * Vitess's rowStreamer: the table's rows after `lastpk` in key order from a consistent snapshot. The first
 * response has the fields, the key fields and the snapshot's GTID position; then rows in responses of about
 * `packetSize` bytes, each with the key of the last row read (resume from there). Rows the filter rejects
 * are read and dropped. Stops when `signal` aborts.
 */
export async function* streamRows(
  context: RowStreamContext,
  prepared: RowStreamPlan,
  signal: AbortSignal,
): AsyncGenerator<VStreamRowsResponse> {
  const { conn, position } = await openSnapshot(
    { ...context.snapshot, database: context.dbName },
    prepared.plan.table.name,
  );
  let completed = false;
  try {
    yield response({
      fields: [...prepared.plan.fields],
      pkfields: prepared.pkFields,
      gtid: encodePosition(position),
    });
    let rows: Row[] = [];
    let bytes = 0;
    let lastpk: Row | undefined;
    for await (const chunk of conn.stream(prepared.sql, { chunkBytes: 64 * 1024 })) {
      if (signal.aborted) return;
      for (const row of chunk.rows) {
        lastpk = row;
        const out = filterRow(prepared.plan, row);
        if (out === undefined) continue;
        rows.push(out);
        bytes += out.values.length;
      }
      if (bytes >= context.packetSize && lastpk !== undefined) {
        yield response({ rows, lastpk: pickColumns(lastpk, prepared.pkColumns) });
        rows = [];
        bytes = 0;
      }
    }
    if (rows.length > 0 && lastpk !== undefined) {
      yield response({ rows, lastpk: pickColumns(lastpk, prepared.pkColumns) });
    }
    completed = true;
  } finally {
    if (completed) {
      await conn.execute("ROLLBACK").catch(() => undefined);
      await conn.close();
    } else {
      // Abandoned mid-table: cut the connection rather than read the rest.
      conn.destroy();
    }
  }
}

function response(parts: Partial<VStreamRowsResponse>): VStreamRowsResponse {
  return {
    fields: [],
    pkfields: [],
    gtid: "",
    rows: [],
    lastpk: undefined,
    throttled: false,
    heartbeat: false,
    throttledReason: "",
    ...parts,
  };
}
