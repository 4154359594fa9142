import { type RawRow, rowsAsStrings, unpackRow } from "../../../libs/mysql/query-result.js";
import { quoteString } from "../../../libs/mysql/sql-literal.js";
import { VStreamRowsRequest } from "../../../libs/proto/binlogdata.js";
import {
  decodeLastPk,
  encodeLastPk,
  type LastPk,
  lastPkQueryResult,
  type TableCopyState,
} from "./copy-state.js";
import { type PlayContext, play } from "./player.js";
import { deferSecondaryKeys, runPostCopyActions } from "./secondary-keys.js";
import { readStream } from "./stream-record.js";
import { type ApplyPlan, buildApplyPlan, insertSql, type TableRoute } from "./table-plan.js";
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

function insertStatements(plan: ApplyPlan, rows: readonly RawRow[]): string[] {
  const statements: string[] = [];
  for (let i = 0; i < rows.length; i += MAX_ROWS_PER_INSERT)
    statements.push(insertSql(plan, rows.slice(i, i + MAX_ROWS_PER_INSERT)));
  return statements;
}

export interface CopyOptions {
  /** How long one table copy runs before it pauses for a catch-up (Vitess's copy_phase_duration). */
  readonly copyPhaseMs: number;
  /** `--defer-secondary-keys`: drop a table's non-unique secondary keys before its copy, add them after. */
  readonly deferSecondaryKeys?: boolean;
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
  let inFlight: Promise<void> | undefined;
  /** Inserts one batch with its lastpk and the rows_copied count in one target transaction. */
  const writeBatch = async (statements: readonly string[], count: number, next: LastPk): Promise<void> => {
    await context.db.execute("begin");
    try {
      for (const statement of statements) await context.db.execute(statement);
      await context.db.execute(
        `update _vt.copy_state set lastpk = ${quoteString(encodeLastPk(next))} where ${where}`,
      );
      await context.db.execute(
        `update _vt.vreplication set rows_copied = rows_copied + ${count}, time_updated = unix_timestamp() where id = ${context.id}`,
      );
      await context.db.execute("commit");
    } catch (err) {
      await context.db.execute("rollback").catch(() => undefined);
      throw err;
    }
    copyState.set(route.target, next);
    context.onProgress();
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
        const statements = insertStatements(plan, response.rows.map(unpackRow));
        // One batch in flight: the target applies it while the next one arrives and is encoded.
        if (inFlight !== undefined) await inFlight;
        await context.throttler.throttle(ThrottledComponent.VCopier, context.signal);
        inFlight = writeBatch(statements, response.rows.length, next);
        inFlight.catch(() => undefined);
      } else if (response.rows.length > 0) {
        throw new Error(`VStreamRows of ${route.target} sent rows without their lastpk`);
      }
      if (Date.now() >= deadline) {
        await inFlight;
        return;
      }
    }
    await inFlight;
    if (context.signal.aborted) throw context.signal.reason ?? new Error("stream stopped");
    finished = true;
  } finally {
    context.signal.removeEventListener("abort", onAbort);
    controller.abort();
    await inFlight?.catch(() => undefined);
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
