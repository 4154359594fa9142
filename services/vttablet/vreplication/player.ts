import type { Logger } from "pino";
import { unpackRow } from "../../../libs/mysql/query-result.js";
import { parsePosition, positionAtLeast } from "../../../libs/mysql/replication/index.js";
import { quoteString } from "../../../libs/mysql/sql-literal.js";
import {
  type Filter,
  OnDDLAction,
  type VEvent,
  VEventType,
  VStreamRequest,
} from "../../../libs/proto/binlogdata.js";
import { rowIsCopied, type TableCopyState } from "./copy-state.js";
import type { SourceStreamer } from "./source.js";
import { nowSeconds, StreamState, type TargetDb, updateStateSql } from "./stream-record.js";
import { type ApplyPlan, buildApplyPlan, rowChangeSql, type TableRoute } from "./table-plan.js";
import { type StreamThrottler, ThrottledComponent } from "./throttler.js";

/** What a stream applies to: its id, target tables and their key columns. */
export interface PlayContext {
  readonly id: number;
  readonly db: TargetDb;
  readonly source: SourceStreamer;
  readonly filter: Filter;
  readonly routes: readonly TableRoute[];
  /** The target tables' primary key columns. */
  readonly targetKeys: ReadonlyMap<string, readonly string[]>;
  readonly onDdl: OnDDLAction;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** max_tps / max_replication_lag: consulted before each transaction applied on the target. */
  readonly throttler: StreamThrottler;
  /** Called after each target commit (progress: the controller resets its retry budget). */
  onProgress(): void;
}

export interface PlayOptions {
  readonly startPos: string;
  /** During the copy phase: each table's copy state (absent = copied), for applying only copied rows. */
  readonly copyState?: ReadonlyMap<string, TableCopyState>;
  /** Return once the position is at least this (fast-forward to a copy snapshot). */
  readonly untilPos?: string;
  /** Return once caught up with the source (a heartbeat, or a transaction less than a second old). */
  readonly untilCaughtUp?: boolean;
  /** `_vt.vreplication.stop_pos`: stop the stream there. */
  readonly stopPos?: string;
}

/** Why play returned: reached untilPos/caught up, or the stream stopped itself (stop_pos, DDL STOP). */
export type PlayEnd = { kind: "reached"; pos: string } | { kind: "stopped"; pos: string };

const HEARTBEAT_SAVE_MS = 1_000;

/**
 * Vitess's vplayer: streams events from `startPos` and applies each source transaction on the target
 * together with the new position in one target transaction, so a crash at any point neither loses nor
 * repeats a transaction. Transactions whose changes the filter or the copy state drop still move the
 * position (saved at most once a second). DDL follows `on_ddl`.
 */
export async function play(context: PlayContext, options: PlayOptions): Promise<PlayEnd> {
  let pos = options.startPos;
  if (options.untilPos !== undefined && reached(pos, options.untilPos)) return { kind: "reached", pos };
  if (options.stopPos && reached(pos, options.stopPos)) {
    await stopAt(context, pos, `Stop position ${options.stopPos} already reached: ${pos}`);
    return { kind: "stopped", pos };
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  context.signal.addEventListener("abort", onAbort, { once: true });
  const plans = new Map<string, ApplyPlan>();
  const bySource = new Map(context.routes.map((route) => [route.source.toLowerCase(), route]));
  let pending: string[] = [];
  let savedPos = pos;
  let lastSave = Date.now();
  let lastHeartbeat = 0;
  let timestamp = 0;

  const savePos = async (statements: string[]) => {
    const db = context.db;
    if (statements.length === 0 && pos === savedPos) return;
    const update =
      `update _vt.vreplication set pos = ${quoteString(pos)}, time_updated = ${nowSeconds()}` +
      `${timestamp > 0 ? `, transaction_timestamp = ${timestamp}` : ""} where id = ${context.id}`;
    if (statements.length === 0) {
      await db.execute(update);
    } else {
      await db.execute("begin");
      try {
        for (const statement of statements) await db.execute(statement);
        await db.execute(update);
        await db.execute("commit");
      } catch (err) {
        await db.execute("rollback").catch(() => undefined);
        throw err;
      }
    }
    savedPos = pos;
    lastSave = Date.now();
    context.onProgress();
  };

  const request = VStreamRequest.fromPartial({
    position: pos,
    filter: context.filter,
  });
  try {
    for await (const response of context.source.vstream(request, controller.signal)) {
      for (const event of response.events) {
        const end = await applyEvent(event);
        if (end !== undefined) return end;
      }
    }
  } finally {
    context.signal.removeEventListener("abort", onAbort);
    controller.abort();
  }
  if (context.signal.aborted) throw context.signal.reason ?? new Error("stream stopped");
  throw new Error(`the VStream from ${context.source.alias} ended`);

  async function applyEvent(event: VEvent): Promise<PlayEnd | undefined> {
    switch (event.type) {
      case VEventType.FIELD: {
        const fieldEvent = event.fieldEvent;
        if (fieldEvent === undefined) return undefined;
        const route = bySource.get(fieldEvent.tableName.toLowerCase());
        if (route === undefined) return undefined;
        plans.set(
          fieldEvent.tableName.toLowerCase(),
          buildApplyPlan(route.target, fieldEvent.fields, context.targetKeys.get(route.target) ?? []),
        );
        return undefined;
      }
      case VEventType.BEGIN:
      case VEventType.ROLLBACK:
        pending = [];
        return undefined;
      case VEventType.ROW: {
        const rowEvent = event.rowEvent;
        if (rowEvent === undefined) return undefined;
        const plan = plans.get(rowEvent.tableName.toLowerCase());
        if (plan === undefined) return undefined;
        const state = options.copyState?.get(plan.target);
        for (const change of rowEvent.rowChanges) {
          let before = change.before === undefined ? undefined : unpackRow(change.before);
          let after = change.after === undefined ? undefined : unpackRow(change.after);
          if (before !== undefined && !rowIsCopied(state, plan.fields, before)) before = undefined;
          if (after !== undefined && !rowIsCopied(state, plan.fields, after)) after = undefined;
          if (before === undefined && after === undefined) continue;
          pending.push(rowChangeSql(plan, before, after));
        }
        return undefined;
      }
      case VEventType.GTID:
        pos = event.gtid;
        return undefined;
      case VEventType.COMMIT: {
        timestamp = Number(event.timestamp) || timestamp;
        const statements = pending;
        pending = [];
        if (statements.length > 0)
          await context.throttler.throttle(ThrottledComponent.VPlayer, context.signal);
        if (statements.length > 0 || Date.now() - lastSave >= HEARTBEAT_SAVE_MS) await savePos(statements);
        return afterCommit(event);
      }
      case VEventType.DDL:
        return applyDdl(event);
      case VEventType.OTHER:
        if (Date.now() - lastSave >= HEARTBEAT_SAVE_MS) await savePos([]);
        return afterCommit(event);
      case VEventType.HEARTBEAT: {
        await savePos([]);
        if (Date.now() - lastHeartbeat >= HEARTBEAT_SAVE_MS) {
          lastHeartbeat = Date.now();
          // The source's clock when it sent the heartbeat: everything before it is applied (a heartbeat
          // that waited behind a backlog must not make the stream look caught up).
          const sent = Number(event.timestamp) || nowSeconds();
          await context.db.execute(
            `update _vt.vreplication set time_heartbeat = ${sent} where id = ${context.id}`,
          );
        }
        if (options.untilCaughtUp) return { kind: "reached", pos };
        return undefined;
      }
      default:
        return undefined;
    }
  }

  async function afterCommit(event: VEvent): Promise<PlayEnd | undefined> {
    if (options.untilPos !== undefined && reached(pos, options.untilPos)) {
      await savePos([]);
      return { kind: "reached", pos };
    }
    if (options.stopPos && reached(pos, options.stopPos)) {
      await savePos([]);
      await stopAt(context, pos, "Reached stopping position, done playing logs");
      return { kind: "stopped", pos };
    }
    if (options.untilCaughtUp && Number(event.timestamp) >= nowSeconds() - 1) {
      await savePos([]);
      return { kind: "reached", pos };
    }
    return undefined;
  }

  async function applyDdl(event: VEvent): Promise<PlayEnd | undefined> {
    switch (context.onDdl) {
      case OnDDLAction.STOP:
        await savePos([]);
        await stopAt(context, pos, `Stopped at DDL ${event.statement}`);
        return { kind: "stopped", pos };
      case OnDDLAction.EXEC:
        await context.db.execute(event.statement);
        await savePos([]);
        break;
      case OnDDLAction.EXEC_IGNORE:
        await context.db.execute(event.statement).catch((err: unknown) => {
          context.logger.warn(
            { err: String(err), ddl: event.statement },
            "DDL failed, ignored (EXEC_IGNORE)",
          );
        });
        await savePos([]);
        break;
      default:
        await savePos([]);
        break;
    }
    plans.clear();
    return afterCommit(event);
  }
}

function reached(pos: string, target: string): boolean {
  if (pos === "") return false;
  return positionAtLeast(parsePosition(pos), parsePosition(target));
}

async function stopAt(context: PlayContext, pos: string, message: string): Promise<void> {
  context.logger.info({ pos, message }, "vreplication stream stopped");
  await context.db.execute(updateStateSql(context.id, StreamState.Stopped, message));
}
