import { rowsAsStrings, unpackRow } from "../../../libs/mysql/query-result.js";
import { quoteString } from "../../../libs/mysql/sql-literal.js";
import { VStreamRowsRequest } from "../../../libs/proto/binlogdata.js";
import type { Row } from "../../../libs/proto/query.js";
import type { StreamDb } from "./controller.js";
import {
  decodeLastPk,
  encodeLastPk,
  type LastPk,
  lastPkQueryResult,
  type TableCopyState,
} from "./copy-state.js";
import { type PlayContext, play } from "./player.js";
import { deferSecondaryKeys, runPostCopyActions } from "./secondary-keys.js";
import { readStream, type TargetDb } from "./stream-record.js";
import { type ApplyPlan, buildApplyPlan, packedInsertSql, type TableRoute } from "./table-plan.js";
import { ThrottledComponent } from "./throttler.js";

/** The copy state of a stream in `_vt.copy_state` order (the order tables are copied in). */
export async function readCopyState(context: PlayContext): Promise<Map<string, TableCopyState>> {
  const result = await context.db.execute(
    `select table_name, lastpk from _vt.copy_state where vrepl_id = ${context.id} order by id`,
  );
  const state = new Map<string, TableCopyState>();
  for (const [table, lastpk] of rowsAsStrings(result)) {
    state.set(table ?? "", lastpk === null || lastpk === undefined ? null : decodeLastPk(lastpk));
  }
  return state;
}

/** Rows per INSERT statement (a response of VStreamRows is about 250 KB: usually one statement). */
const MAX_ROWS_PER_INSERT = 10_000;

/** The most SQL one copy transaction groups (well under max_allowed_packet, bounded memory). */
const MAX_GROUPED_BYTES = 8 * 1024 * 1024;

/** Rows of one or more VStreamRows responses, inserted in one target transaction. */
interface Batch {
  readonly statements: readonly string[];
  readonly count: number;
  /** The key of the last row: the table's lastpk once the batch is committed. */
  readonly next: LastPk;
  readonly bytes: number;
}

function joinBatch(batch: Batch | undefined, statements: string[], count: number, next: LastPk): Batch {
  const bytes = statements.reduce((sum, statement) => sum + statement.length, 0);
  if (batch === undefined) return { statements, count, next, bytes };
  return {
    statements: [...batch.statements, ...statements],
    count: batch.count + count,
    next,
    bytes: batch.bytes + bytes,
  };
}

/** Target connections of their own for the copy's inserts (closed when the table copy ends). */
async function openWorkers(options: CopyOptions): Promise<StreamDb[]> {
  const workers: StreamDb[] = [];
  try {
    for (let i = 0; i < Math.max(1, options.insertWorkers); i++) workers.push(await options.openDb());
  } catch (err) {
    for (const db of workers) db.close();
    throw err;
  }
  return workers;
}

function insertStatements(plan: ApplyPlan, rows: readonly Row[]): string[] {
  const statements: string[] = [];
  for (let i = 0; i < rows.length; i += MAX_ROWS_PER_INSERT)
    statements.push(packedInsertSql(plan, rows.slice(i, i + MAX_ROWS_PER_INSERT)));
  return statements;
}

export interface CopyOptions {
  /** How long one table copy runs before it pauses for a catch-up (Vitess's copy_phase_duration). */
  readonly copyPhaseMs: number;
  /** `--defer-secondary-keys`: drop a table's non-unique secondary keys before its copy, add them after. */
  readonly deferSecondaryKeys?: boolean;
  /**
   * Connections inserting batches at the same time (Vitess's --vreplication-parallel-insert-workers); their
   * commits stay in key order.
   */
  readonly insertWorkers: number;
  /** Opens a target connection (in the stream's database) for an insert worker. */
  readonly openDb: () => Promise<StreamDb>;
}

/**
 * Vitess's vcopier, one cycle: catch up with the source, then copy (more of) the first table not finished:
 * VStreamRows from its lastpk gives a snapshot position; the binlog is fast-forwarded to it (applying changes
 * to rows already copied), then each batch of rows is inserted in one target transaction with the new lastpk
 * and rows_copied. A table streamed to its end leaves `_vt.copy_state`. Returns whether tables remain.
 */
export async function copyCycle(context: PlayContext, options: CopyOptions): Promise<boolean> {
  const copyState = await readCopyState(context);
  const first = copyState.entries().next();
  if (first.done) return false;
  const [table, lastpk] = first.value;
  const record = await readStream(context.db, context.id);
  if (record === undefined) throw new Error(`stream ${context.id} is gone`);
  if (record.pos !== "") await play(context, { startPos: record.pos, copyState, untilCaughtUp: true });
  const route = context.routes.find((r) => r.target === table);
  if (route === undefined) {
    // A table the rules no longer name: nothing to copy.
    await context.db.execute(
      `delete from _vt.copy_state where vrepl_id = ${context.id} and table_name = ${quoteString(table)}`,
    );
    return true;
  }
  await copyTable(context, route, lastpk, copyState, options);
  return true;
}

async function copyTable(
  context: PlayContext,
  route: TableRoute,
  lastpk: LastPk | null,
  copyState: Map<string, TableCopyState>,
  options: CopyOptions,
): Promise<void> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  context.signal.addEventListener("abort", onAbort, { once: true });
  const deadline = Date.now() + options.copyPhaseMs;
  const request = VStreamRowsRequest.fromPartial({
    query: route.query,
    lastpk: lastpk === null ? undefined : lastPkQueryResult(lastpk),
  });
  const where = `vrepl_id = ${context.id} and table_name = ${quoteString(route.target)}`;
  if (lastpk === null && options.deferSecondaryKeys)
    await deferSecondaryKeys(context.db, context.id, route.target);
  let plan: ApplyPlan | undefined;
  let pkFields: LastPk["fields"] = [];
  let finished = false;
  const workers = await openWorkers(options);
  /** The transaction each busy worker has in flight. */
  const inFlight = new Map<TargetDb, Promise<void>>();
  let lastCommit: Promise<void> = Promise.resolve();
  /**
   * Inserts one batch on `db`; commits only after the batch before it committed, with its lastpk and the
   * rows_copied count, so `_vt.copy_state` always describes the rows committed so far, in key order.
   */
  const writeBatch = async (db: TargetDb, batch: Batch, previous: Promise<void>): Promise<void> => {
    await db.execute("begin");
    try {
      for (const statement of batch.statements) await db.execute(statement);
      await previous;
      await db.execute(
        `update _vt.copy_state set lastpk = ${quoteString(encodeLastPk(batch.next))} where ${where}`,
      );
      await db.execute(
        `update _vt.vreplication set rows_copied = rows_copied + ${batch.count}, time_updated = unix_timestamp() where id = ${context.id}`,
      );
      await db.execute("commit");
    } catch (err) {
      await db.execute("rollback").catch(() => undefined);
      throw err;
    }
    copyState.set(route.target, batch.next);
    context.onProgress();
  };
  /**
   * Group commit: while every worker has a transaction in flight, the responses that arrive are encoded and
   * join the next transaction (up to MAX_GROUPED_BYTES), so a slow target gets fewer, larger commits (each
   * one a binlog sync) instead of falling further behind.
   */
  let pending: Batch | undefined;
  const start = async (db: TargetDb): Promise<void> => {
    if (pending === undefined) return;
    const batch = pending;
    pending = undefined;
    await context.throttler.throttle(ThrottledComponent.VCopier, context.signal);
    const write = writeBatch(db, batch, lastCommit).finally(() => inFlight.delete(db));
    write.catch(() => undefined);
    inFlight.set(db, write);
    lastCommit = write;
  };
  const idleWorker = (): TargetDb | undefined => workers.find((db) => !inFlight.has(db));
  const drain = async (): Promise<void> => {
    await lastCommit;
    await start(idleWorker() ?? (workers[0] as TargetDb));
    await lastCommit;
  };
  try {
    for await (const response of context.source.vstreamRows(request, controller.signal)) {
      if (plan === undefined) {
        if (response.fields.length === 0) continue;
        plan = buildApplyPlan(route.target, response.fields, context.targetKeys.get(route.target) ?? []);
        pkFields = response.pkfields.map((field) => ({ name: field.name, type: field.type }));
        await fastForward(context, response.gtid, copyState);
      }
      if (response.rows.length > 0 && response.lastpk !== undefined) {
        const next: LastPk = { fields: pkFields, values: unpackRow(response.lastpk) };
        pending = joinBatch(pending, insertStatements(plan, response.rows), response.rows.length, next);
        let idle = idleWorker();
        if (idle === undefined && pending.bytes >= MAX_GROUPED_BYTES) {
          await Promise.race(inFlight.values());
          idle = idleWorker();
        }
        if (idle !== undefined) await start(idle);
      } else if (response.rows.length > 0) {
        throw new Error(`VStreamRows of ${route.target} sent rows without their lastpk`);
      }
      if (Date.now() >= deadline) {
        await drain();
        return;
      }
    }
    await drain();
    if (context.signal.aborted) throw context.signal.reason ?? new Error("stream stopped");
    finished = true;
  } finally {
    context.signal.removeEventListener("abort", onAbort);
    controller.abort();
    await Promise.allSettled(inFlight.values());
    for (const db of workers) db.close();
  }
  if (finished) {
    await runPostCopyActions(context.db, context.id, route.target);
    await context.db.execute(`delete from _vt.copy_state where ${where}`);
    copyState.delete(route.target);
    context.logger.info({ table: route.target }, "vreplication table copied");
  }
}

/** Brings the stream's position to the copy snapshot's (the first position: just records it). */
async function fastForward(
  context: PlayContext,
  gtid: string,
  copyState: Map<string, TableCopyState>,
): Promise<void> {
  const record = await readStream(context.db, context.id);
  if (record === undefined) throw new Error(`stream ${context.id} is gone`);
  if (record.pos === "") {
    await context.db.execute(
      `update _vt.vreplication set pos = ${quoteString(gtid)}, time_updated = unix_timestamp() where id = ${context.id}`,
    );
    return;
  }
  await play(context, { startPos: record.pos, copyState, untilPos: gtid });
}
