import { connectMysql } from "../../../libs/mysql/connect.js";
import { parsePosition, positionAtLeast } from "../../../libs/mysql/replication/index.js";
import { quoteIdentifier } from "../../../libs/mysql/sql-literal.js";
import {
  type Filter,
  RowChange,
  type TableLastPK,
  type VEvent,
  VEventType,
  type VStreamRequest,
  type VStreamResponse,
  VStreamRowsRequest,
} from "../../../libs/proto/binlogdata.js";
import {
  type Field,
  type QueryResult,
  QueryResult as QueryResultCodec,
  type Row,
  Type,
} from "../../../libs/proto/query.js";
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

/**
 * VStream with table_last_p_ks: copy, then stream (Vitess's uvstreamer). Each table is read in key order from
 * a consistent snapshot (VStreamRows) as BEGIN, FIELD, ROW..., LASTPK, GTID, COMMIT, the GTID being the
 * snapshot's position. Before a table's first rows, what was sent before (tables completed, and the rows at
 * or below the last key of a table resumed mid-way) catches up from the stream's position to that snapshot
 * (CatchUpRows), so everything sent stands at one position; after the table, LASTPK completed and that
 * position as a GTID. COPY_COMPLETED ends the phase and the stream goes on from the position with the whole
 * filter. The first copy response lists every table to copy as LASTPK events, so a caller that saves the
 * LASTPKs and the last GTID can resume the copy: the request's position plus its table_last_p_ks, missing
 * and repeating nothing.
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
  // Copy progress per table not yet completed in this stream: its last key sent (undefined: none yet).
  const progress = new Map<string, QueryResult | undefined>(tables.map((t) => [t.name, t.lastpk]));
  let listed = tables.map((t) => lastPK(t.name, t.lastpk, false));
  for (const table of tables) {
    const prepared = await prepareRowStream(
      rowContext,
      VStreamRowsRequest.fromPartial({ query: table.query, lastpk: table.lastpk }),
    );
    let fieldsSent = false;
    for await (const response of streamRows(rowContext, prepared, signal)) {
      if (signal.aborted) break;
      const events = [...listed, event(VEventType.BEGIN)];
      listed = [];
      if (!fieldsSent) {
        const snapshot = response.gtid;
        // Everything sent so far (tables completed, rows at or below a resumed table's last key) catches
        // up from the stream's position to this snapshot, so it all stands at the snapshot's position.
        if (position !== "" && !positionAtLeast(parsePosition(position), parsePosition(snapshot))) {
          const keeper = new CatchUpRows(progress);
          for await (const caught of catchUp(
            streamContext,
            request,
            request.filter,
            position,
            snapshot,
            signal,
            stopped,
          )) {
            const kept = keeper.filter(caught.events);
            if (kept.length > 0) yield { events: kept };
          }
          if (signal.aborted) break;
        }
        position = snapshot;
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
        const lastpk = QueryResultCodec.fromPartial({ fields: prepared.pkFields, rows: [response.lastpk] });
        progress.set(table.name, lastpk);
        events.push(lastPK(table.name, lastpk, false));
      }
      // The position the rows sent so far stand at (a resumed stream catches up from it).
      events.push(event(VEventType.GTID, { gtid: position }));
      events.push(event(VEventType.COMMIT));
      yield { events };
    }
    if (signal.aborted) {
      const reason = stopped();
      if (reason !== undefined) throw reason;
      return;
    }
    progress.delete(table.name);
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
  filter: Filter | undefined,
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

/**
 * Which catch-up row changes a copy sends (Vitess's uvstreamer filterEvents): every change of a table not
 * being copied (completed, or streamed without a copy), none of a table whose copy has not started, and of a
 * table copied up to a key only the row images at or below that key (an update moving a row across the key
 * becomes its delete or its insert; the copy sends the rows above the key from its snapshot).
 */
export class CatchUpRows {
  private readonly fields = new Map<string, Field[]>();

  constructor(private readonly progress: ReadonlyMap<string, QueryResult | undefined>) {}

  filter(events: readonly VEvent[]): VEvent[] {
    const out: VEvent[] = [];
    for (const event of events) {
      if (event.type === VEventType.HEARTBEAT) continue;
      if (event.type === VEventType.FIELD && event.fieldEvent !== undefined) {
        const table = event.fieldEvent.tableName;
        this.fields.set(table, event.fieldEvent.fields);
        if (this.progress.has(table) && this.progress.get(table) === undefined) continue;
        out.push(event);
        continue;
      }
      if (event.type === VEventType.ROW && event.rowEvent !== undefined) {
        const table = event.rowEvent.tableName;
        if (!this.progress.has(table)) {
          out.push(event);
          continue;
        }
        const lastpk = this.progress.get(table);
        if (lastpk === undefined || lastpk.rows[0] === undefined) continue;
        const fields = this.fields.get(table) ?? [];
        const indexes = lastpk.fields.map((pk) => fields.findIndex((f) => f.name === pk.name));
        if (indexes.some((i) => i < 0)) {
          // The filter does not select the key: send every change (the copy may repeat some rows).
          out.push(event);
          continue;
        }
        const last = rowCells(lastpk.rows[0]);
        const atOrBelow = (row: Row | undefined): row is Row => {
          if (row === undefined) return false;
          const cells = rowCells(row);
          for (let k = 0; k < indexes.length; k++) {
            const c = compareCell(cells[indexes[k]!] ?? null, last[k] ?? null, lastpk.fields[k]!.type);
            if (c !== 0) return c < 0;
          }
          return true;
        };
        const rowChanges = event.rowEvent.rowChanges.flatMap((change) => {
          const before = atOrBelow(change.before) ? change.before : undefined;
          const after = atOrBelow(change.after) ? change.after : undefined;
          if (before === undefined && after === undefined) return [];
          return [{ ...change, before, after }];
        });
        if (rowChanges.length > 0) out.push({ ...event, rowEvent: { ...event.rowEvent, rowChanges } });
        continue;
      }
      out.push(event);
    }
    return out;
  }
}

/** A row's cells (null for NULL). */
function rowCells(row: Row): (Buffer | null)[] {
  const out: (Buffer | null)[] = [];
  let offset = 0;
  for (const length of row.lengths) {
    if (length < 0) {
      out.push(null);
      continue;
    }
    out.push(row.values.subarray(offset, offset + length));
    offset += length;
  }
  return out;
}

/** Compares two cells of a key column of type `type` (NULL first; numbers by value; other types by bytes). */
export function compareCell(a: Buffer | null, b: Buffer | null, type: Type): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if ((type & 0x100) !== 0) {
    const x = BigInt(a.toString("latin1"));
    const y = BigInt(b.toString("latin1"));
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if ((type & 0x400) !== 0 || type === Type.DECIMAL) {
    const x = Number(a.toString("latin1"));
    const y = Number(b.toString("latin1"));
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return Buffer.compare(a, b);
}
