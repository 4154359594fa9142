import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { rowsAsStrings } from "../../../libs/mysql/query-result.js";
import { parsePosition, positionAtLeast } from "../../../libs/mysql/replication/index.js";
import { quoteString } from "../../../libs/mysql/sql-literal.js";
import type { QueryResult } from "../../../libs/proto/query.js";
import { formatExpr, parse, type Statement, tablesOf } from "../../../libs/sqlparser/index.js";
import { Code, errorMessage, invalidArgument, VtError } from "../../../libs/vterrors/index.js";
import {
  type ControllerOptions,
  DEFAULT_CONTROLLER_OPTIONS,
  isRunnable,
  StreamController,
  type StreamDb,
} from "./controller.js";
import type { SourcePicker } from "./source.js";
import { insertLog, readStream, StreamState } from "./stream-record.js";
import type { LagReading } from "./throttler.js";

export interface EngineConfig {
  /** A dba connection to the tablet's mysqld, in `dbName` when given. */
  readonly openDb: (dbName?: string) => Promise<StreamDb>;
  readonly picker: SourcePicker;
  /** The lag of the target shard's replicas, for streams with max_replication_lag. */
  readonly replicaLag?: (signal: AbortSignal) => Promise<LagReading | undefined>;
  readonly dbName: () => string;
  readonly isPrimary: () => boolean;
  readonly logger: Logger;
  readonly options?: Partial<ControllerOptions>;
  /** How often the engine checks whether the tablet became (or stopped being) the primary. */
  readonly pollMs?: number;
}

/**
 * Vitess's vreplication Engine: on a primary, one controller per runnable `_vt.vreplication` row of the
 * tablet's database; none elsewhere. VReplicationExec changes the rows and starts or stops controllers to
 * match. Every change to the set of controllers is serialized.
 */
export class VReplicationEngine {
  private readonly controllers = new Map<number, StreamController>();
  private isOpen = false;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly options: ControllerOptions;

  constructor(private readonly config: EngineConfig) {
    this.options = { ...DEFAULT_CONTROLLER_OPTIONS, ...config.options };
  }

  get open(): boolean {
    return this.isOpen;
  }

  /** Streams with a running controller. */
  runningIds(): number[] {
    return [...this.controllers.keys()];
  }

  /** Follows the tablet's type: opens on a primary, closes otherwise. */
  start(): void {
    const tick = () => {
      void this.serialized(() => this.sync()).catch((err: unknown) =>
        this.config.logger.warn({ err: errorMessage(err) }, "vreplication engine: cannot open"),
      );
    };
    tick();
    this.timer = setInterval(tick, this.config.pollMs ?? 1_000);
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.serialized(() => this.closeControllers());
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async sync(): Promise<void> {
    const primary = this.config.isPrimary();
    if (primary && !this.isOpen) {
      const ids = await this.withDb(async (db) =>
        rowsAsStrings(
          await db.execute(
            `select id, state from _vt.vreplication where db_name = ${quoteString(this.config.dbName())}`,
          ),
        ),
      );
      this.isOpen = true;
      for (const [id, state] of ids) if (isRunnable(state ?? "")) this.startController(Number(id));
      this.config.logger.info({ streams: this.controllers.size }, "vreplication engine open");
    } else if (!primary && this.isOpen) {
      await this.closeControllers();
      this.config.logger.info("vreplication engine closed: the tablet is not the primary");
    }
  }

  private async closeControllers(): Promise<void> {
    this.isOpen = false;
    const controllers = [...this.controllers.values()];
    this.controllers.clear();
    await Promise.all(controllers.map((controller) => controller.stop()));
  }

  private startController(id: number): void {
    this.controllers.get(id)?.stop();
    this.controllers.set(
      id,
      new StreamController(id, this.config.dbName(), {
        openDb: (dbName) => this.config.openDb(dbName),
        picker: this.config.picker,
        replicaLag: this.config.replicaLag,
        logger: this.config.logger,
        options: this.options,
      }),
    );
  }

  private async stopControllers(ids: readonly number[]): Promise<void> {
    await Promise.all(
      ids.map((id) => {
        const controller = this.controllers.get(id);
        this.controllers.delete(id);
        return controller?.stop();
      }),
    );
  }

  private async withDb<T>(fn: (db: StreamDb) => Promise<T>): Promise<T> {
    const db = await this.config.openDb();
    try {
      return await fn(db);
    } finally {
      db.close();
    }
  }

  /**
   * VReplicationExec: a statement on `_vt.vreplication` (select, insert, update, delete); the controllers
   * of the rows it changed are restarted (or stopped) to match. Changes need an open engine (a primary).
   */
  exec(query: string): Promise<QueryResult> {
    const statement = parseVReplicationStatement(query);
    if (statement.kind === "Select") return this.withDb((db) => db.execute(query));
    return this.serialized(async () => {
      // A tablet just promoted opens here rather than at the next poll, so a workflow created right after
      // PlannedReparentShard is not refused.
      if (!this.isOpen) await this.sync();
      if (!this.isOpen) {
        throw new VtError(
          Code.FAILED_PRECONDITION,
          "vreplication engine is closed: the tablet is not the primary",
        );
      }
      return this.withDb(async (db) => {
        if (statement.kind === "Insert") {
          const result = await db.execute(query);
          const first = Number(result.insertId);
          for (let id = first; id < first + Number(result.rowsAffected); id++) {
            await logStreamCreated(db, id);
            await this.restart(db, id);
          }
          return result;
        }
        const where = statement.where === undefined ? "" : ` where ${formatExpr(statement.where)}`;
        const ids = rowsAsStrings(await db.execute(`select id from _vt.vreplication${where}`)).map((row) =>
          Number(row[0]),
        );
        await this.stopControllers(ids);
        const result = await db.execute(query);
        if (statement.kind === "Delete") {
          if (ids.length > 0) {
            await db.execute(`delete from _vt.copy_state where vrepl_id in (${ids.join(", ")})`);
            await db.execute(`delete from _vt.post_copy_action where vrepl_id in (${ids.join(", ")})`);
          }
        } else {
          for (const id of ids) await this.restart(db, id);
        }
        return result;
      });
    });
  }

  private async restart(db: StreamDb, id: number): Promise<void> {
    const record = await readStream(db, id);
    if (record !== undefined && record.dbName === this.config.dbName() && isRunnable(record.state))
      this.startController(id);
  }

  /**
   * VReplicationWaitForPos: polls the stream's position until it is at least `position`; fails when the
   * stream is Stopped or in Error before reaching it, or when the signal aborts (the caller's deadline).
   */
  async waitForPos(id: number, position: string, signal: AbortSignal): Promise<void> {
    const want = parsePosition(position);
    for (;;) {
      const record = await this.withDb((db) => readStream(db, id));
      if (record === undefined) throw new VtError(Code.NOT_FOUND, `vreplication stream ${id} not found`);
      if (record.pos !== "" && positionAtLeast(parsePosition(record.pos), want)) return;
      if (signal.aborted) {
        throw new VtError(
          Code.DEADLINE_EXCEEDED,
          `position ${position} not reached by stream ${id}: at ${record.pos || "(none)"}, state ${record.state}${record.message ? `, message ${record.message}` : ""}`,
        );
      }
      if (record.state === StreamState.Stopped || record.state === StreamState.Error) {
        throw new VtError(
          Code.FAILED_PRECONDITION,
          `vreplication has stopped at ${record.pos || "(none)"} before reaching position ${position}, state ${record.state}, message: ${record.message}`,
        );
      }
      await sleep(100, undefined, { signal }).catch(() => undefined);
    }
  }
}

/**
 * The "Stream Created" row of `_vt.vreplication_log`: the new row's non-NULL columns as a JSON object of
 * strings, keys sorted (what Vitess writes, and `Workflow show --include-logs` prints).
 */
async function logStreamCreated(db: StreamDb, id: number): Promise<void> {
  const result = await db.execute(`select * from _vt.vreplication where id = ${id}`);
  const row = rowsAsStrings(result)[0];
  if (row === undefined) return;
  const params: Record<string, string> = {};
  const entries = result.fields.map((field, i) => [field.name, row[i]] as const);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, value] of entries)
    if (value !== null && value !== undefined && name !== "options") params[name] = value;
  await insertLog(db, id, "Stream Created", params.state ?? "", JSON.stringify(params));
}

type VReplicationStatement = Extract<Statement, { kind: "Select" | "Insert" | "Update" | "Delete" }>;

/** Parses a VReplicationExec statement: one of select/insert/update/delete on `_vt.vreplication`. */
export function parseVReplicationStatement(query: string): VReplicationStatement {
  let statement: Statement;
  try {
    statement = parse(query);
  } catch (err) {
    throw invalidArgument(`cannot parse VReplicationExec query: ${errorMessage(err)}`);
  }
  if (
    statement.kind !== "Select" &&
    statement.kind !== "Insert" &&
    statement.kind !== "Update" &&
    statement.kind !== "Delete"
  ) {
    throw invalidArgument(`unsupported VReplicationExec statement: ${query}`);
  }
  if (statement.kind !== "Select") {
    const tables = tablesOf(statement);
    const target = tables.length === 1 ? tables[0] : undefined;
    if (target === undefined || target.name.toLowerCase() !== "vreplication") {
      throw invalidArgument(`VReplicationExec changes only _vt.vreplication: ${query}`);
    }
  }
  return statement;
}
