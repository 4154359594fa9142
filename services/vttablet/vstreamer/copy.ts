import { connectMysql } from "../../../libs/mysql/connect.js";
import { parsePosition, positionAtLeast } from "../../../libs/mysql/replication/index.js";
import { quoteIdentifier } from "../../../libs/mysql/sql-literal.js";
import {
  type Filter,
  Filter as FilterCodec,
  RowChange,
  type TableLastPK,
  type VEvent,
  VEventType,
  type VStreamRequest,
  type VStreamResponse,
  VStreamRowsRequest,
} from "../../../libs/proto/binlogdata.js";
import { type QueryResult, QueryResult as QueryResultCodec } from "../../../libs/proto/query.js";
import { invalidArgument, type VtError } from "../../../libs/vterrors/index.js";
import { type CompiledRule, compileFilter, ruleFor } from "./filter-rules.js";
import { prepareRowStream, type RowStreamContext, streamRows } from "./row-streamer.js";
import { prepareVStream, runVStream, type VStreamContext } from "./vstream.js";

/** One table of a copy phase: its name, the rows' query, and where to resume (undefined: the start). */
interface CopyTable {
  readonly name: string;
  readonly query: string;
  readonly lastpk: QueryResult | undefined;
}

/** The select a rule copies a table with (a regexp rule's key range as in_keyrange on the primary vindex). */
function copyQuery(rule: CompiledRule, table: string): string {
  if (rule.kind === "table") return rule.select.text;
  const from = `select * from ${quoteIdentifier(table)}`;
  return rule.keyRange === "" ? from : `${from} where in_keyrange('${rule.keyRange}')`;
}

async function baseTables(context: RowStreamContext): Promise<string[]> {
  const { address, user, password } = context.snapshot;
  const conn = await connectMysql(address, { user, password });
  try {
    const [rows] = await conn.query({
      sql: "select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
      values: [context.dbName],
      rowsAsArray: true,
    });
    return (rows as unknown[][]).map((row) => String(row[0]));
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/**
 * The tables a request copies: each table_last_p_ks entry names a table (with its last key copied, or none
 * to start at its first row) or a rule's `/regexp/` (every table of the database it matches, from the
 * start). Each must match a rule of the filter: INVALID_ARGUMENT otherwise.
 */
export async function tablesToCopy(
  context: RowStreamContext,
  filter: Filter | undefined,
  entries: readonly TableLastPK[],
): Promise<CopyTable[]> {
  const rules = compileFilter(filter).rules;
  const out: CopyTable[] = [];
  const named = new Set(entries.filter((e) => !e.tableName.startsWith("/")).map((e) => e.tableName));
  const hasRegexp = entries.some((e) => e.tableName.startsWith("/"));
  const all = hasRegexp ? await baseTables(context) : [];
  for (const entry of entries) {
    const names = entry.tableName.startsWith("/")
      ? all.filter(
          (t) =>
            !named.has(t) &&
            ruleFor(rules, t) !== undefined &&
            new RegExp(entry.tableName.slice(1, -1)).test(t),
        )
      : [entry.tableName];
    for (const name of names) {
      if (out.some((t) => t.name === name)) continue;
      const rule = ruleFor(rules, name);
      if (rule === undefined)
        throw invalidArgument(`table_last_p_ks names ${name}, which no filter rule matches`);
      out.push({
        name,
        query: copyQuery(rule, name),
        lastpk: entry.tableName.startsWith("/") ? undefined : entry.lastpk,
      });
    }
  }
  return out;
}

/** The filter restricted to tables already copied (the catch-up streams only those). */
function filterFor(tables: readonly CopyTable[]): Filter {
  return FilterCodec.fromPartial({ rules: tables.map((t) => ({ match: t.name, filter: t.query })) });
}

/**
 * VStream with table_last_p_ks: copy, then stream (Vitess's uvstreamer). Each table is read in key order from
 * a consistent snapshot (VStreamRows) as BEGIN, FIELD, ROW..., LASTPK, COMMIT; after each table, the tables
 * copied before it catch up from the stream's position to that table's snapshot, so every copied table stands
 * at the same position; then LASTPK completed and that position as a GTID. COPY_COMPLETED ends the phase and
 * the stream goes on from the position with the whole filter. The first response lists every table to copy
 * as LASTPK events, so a caller that saves them can resume the copy (a table resumed mid-way restarts at its
 * last key from a new snapshot: changes to its earlier rows between the two snapshots are not replayed).
 */
export async function* copyThenStream(
  streamContext: VStreamContext,
  rowContext: RowStreamContext,
  request: VStreamRequest,
  signal: AbortSignal,
  stopped: () => VtError | undefined,
): AsyncGenerator<VStreamResponse> {
  // Check the request as a plain stream would (position, filter, tables) before anything is sent.
  await prepareVStream(streamContext, { ...request, tableLastPKs: [] });
  const tables = await tablesToCopy(rowContext, request.filter, request.tableLastPKs);
  const event = (type: VEventType, parts: Partial<VEvent> = {}): VEvent => ({
    type,
    timestamp: Math.floor(Date.now() / 1000),
    gtid: "",
    statement: "",
    rowEvent: undefined,
    fieldEvent: undefined,
    vgtid: undefined,
    journal: undefined,
    dml: "",
    currentTime: `${Date.now()}000000`,
    lastPKEvent: undefined,
    keyspace: streamContext.keyspace,
    shard: streamContext.shard,
    throttled: false,
    throttledReason: "",
    ...parts,
  });
  const lastPK = (tableName: string, lastpk: QueryResult | undefined, completed: boolean) =>
    event(VEventType.LASTPK, { lastPKEvent: { tableLastPK: { tableName, lastpk }, completed } });

  let position = request.position;
  const copied: CopyTable[] = [];
  let listed = tables.map((t) => lastPK(t.name, t.lastpk, false));
  for (const table of tables) {
    const prepared = await prepareRowStream(
      rowContext,
      VStreamRowsRequest.fromPartial({ query: table.query, lastpk: table.lastpk }),
    );
    let snapshot = "";
    let fieldsSent = false;
    for await (const response of streamRows(rowContext, prepared, signal)) {
      if (signal.aborted) break;
      const events = [...listed, event(VEventType.BEGIN)];
      listed = [];
      if (!fieldsSent) {
        snapshot = response.gtid;
        fieldsSent = true;
        events.push(
          event(VEventType.FIELD, {
            fieldEvent: {
              tableName: table.name,
              fields: response.fields,
              keyspace: streamContext.keyspace,
              shard: streamContext.shard,
              enumSetStringValues: prepared.plan.hasEnumOrSet,
              isInternalTable: false,
            },
          }),
        );
      }
      if (response.rows.length > 0) {
        events.push(
          event(VEventType.ROW, {
            rowEvent: {
              tableName: table.name,
              rowChanges: response.rows.map((after) => RowChange.fromPartial({ after })),
              keyspace: streamContext.keyspace,
              shard: streamContext.shard,
              flags: 0,
              isInternalTable: false,
            },
          }),
        );
      }
      if (response.lastpk !== undefined) {
        events.push(
          lastPK(
            table.name,
            QueryResultCodec.fromPartial({ fields: prepared.pkFields, rows: [response.lastpk] }),
            false,
          ),
        );
      }
      events.push(event(VEventType.COMMIT));
      yield { events };
    }
    if (signal.aborted) {
      const reason = stopped();
      if (reason !== undefined) throw reason;
      return;
    }
    // The tables copied before this one catch up to its snapshot.
    if (
      position !== "" &&
      copied.length > 0 &&
      !positionAtLeast(parsePosition(position), parsePosition(snapshot))
    ) {
      yield* catchUp(streamContext, request, filterFor(copied), position, snapshot, signal, stopped);
      if (signal.aborted) return;
    }
    position = snapshot;
    copied.push(table);
    yield {
      events: [
        event(VEventType.BEGIN),
        lastPK(table.name, undefined, true),
        event(VEventType.GTID, { gtid: position }),
        event(VEventType.COMMIT),
      ],
    };
  }
  if (tables.length === 0 && position === "") {
    // Nothing to copy: start where the binlog is now.
    position = "current";
  }
  yield { events: [...listed, event(VEventType.COPY_COMPLETED)] };
  const prepared = await prepareVStream(streamContext, { ...request, position, tableLastPKs: [] });
  yield* runVStream(streamContext, prepared, signal, stopped);
}

/** Streams `filter`'s tables from `from` until a transaction reaches `to` (ends with the batch holding it). */
async function* catchUp(
  context: VStreamContext,
  request: VStreamRequest,
  filter: Filter,
  from: string,
  to: string,
  signal: AbortSignal,
  stopped: () => VtError | undefined,
): AsyncGenerator<VStreamResponse> {
  const target = parsePosition(to);
  const prepared = await prepareVStream(context, { ...request, position: from, filter, tableLastPKs: [] });
  const inner = new AbortController();
  const onAbort = () => inner.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const response of runVStream(context, prepared, inner.signal, stopped)) {
      const events = response.events.filter((e) => e.type !== VEventType.HEARTBEAT);
      if (events.length > 0) yield { events };
      const reached = response.events.some(
        (e) => e.type === VEventType.GTID && e.gtid !== "" && positionAtLeast(parsePosition(e.gtid), target),
      );
      if (reached) return;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    inner.abort();
  }
}
