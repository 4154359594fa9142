import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { rowsAsStrings } from "../../../libs/mysql/query-result.js";
import { quoteString } from "../../../libs/mysql/sql-literal.js";
import { Code, errorMessage, isVtError, VtError } from "../../../libs/vterrors/index.js";
import { copyCycle } from "./copier.js";
import { maxLag } from "./lag-probe.js";
import { type PlayContext, play } from "./player.js";
import { parseTabletTypes, type SourcePicker, type SourceStreamer } from "./source.js";
import {
  insertLog,
  readStream,
  type StreamRecord,
  StreamState,
  type StreamStateName,
  type TargetDb,
  updateStateSql,
} from "./stream-record.js";
import { tableRoutes } from "./table-plan.js";
import { type LagReading, StreamThrottler, SYSTEM_CLOCK } from "./throttler.js";

/** A target connection of its own per stream; `close` cuts it (a transaction in flight rolls back). */
export interface StreamDb extends TargetDb {
  close(): void;
}

export interface ControllerOptions {
  /** Attempts in a row without progress before the stream goes to Error. */
  readonly maxRetries: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly copyPhaseMs: number;
  /** Connections inserting copy batches at the same time (commits stay in key order). */
  readonly copyInsertWorkers: number;
}

export const DEFAULT_CONTROLLER_OPTIONS: ControllerOptions = {
  maxRetries: 8,
  retryBaseMs: 500,
  retryMaxMs: 10_000,
  copyPhaseMs: 60_000,
  copyInsertWorkers: 2,
};

export interface ControllerDeps {
  readonly openDb: (dbName: string) => Promise<StreamDb>;
  readonly picker: SourcePicker;
  /** The lag of the target shard's replicas, for max_replication_lag (absent: only the source's lag counts). */
  readonly replicaLag?: (signal: AbortSignal) => Promise<LagReading | undefined>;
  readonly logger: Logger;
  readonly options: ControllerOptions;
}

/** The message of a stream waiting to retry after a transient failure. */
const RETRYING = "retrying: ";

/** MySQL errnos after which retrying cannot help: the source lost the position, or the schemas differ. */
const PERMANENT_ERRNOS = new Set([1236, 1054, 1146, 1136, 1364, 1049]);

/** Whether an error is permanent (Error state now) rather than transient (retry with a new source). */
export function isPermanentError(err: unknown): boolean {
  if (!isVtError(err)) return false;
  if (err.mysql !== undefined && PERMANENT_ERRNOS.has(err.mysql.errno)) return true;
  return err.code === Code.INVALID_ARGUMENT || err.code === Code.FAILED_PRECONDITION;
}

/**
 * Vitess's controller: runs one `_vt.vreplication` stream until it stops itself (stop_pos, DDL STOP,
 * stop_after_copy), is stopped by the engine, or fails. Init → Copying → Running. Transient failures are
 * retried with bounded exponential backoff on another source tablet; a permanent failure, or `maxRetries`
 * failures in a row without progress, puts the stream in Error with the reason (and a vreplication_log row).
 */
export class StreamController {
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;
  private db: StreamDb | undefined;
  private source: SourceStreamer | undefined;
  private progressed = false;

  constructor(
    readonly id: number,
    private readonly dbName: string,
    private readonly deps: ControllerDeps,
  ) {
    this.done = this.run();
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /** Resolves when the stream has ended by itself (stopped, finished or in Error) or was stopped. */
  whenDone(): Promise<void> {
    return this.done;
  }

  /** Ends the stream (its state is left as it is) and waits for it to wind down. */
  async stop(): Promise<void> {
    this.abort.abort(new Error("stream stopped"));
    this.db?.close();
    this.source?.close();
    await this.done;
  }

  private async run(): Promise<void> {
    const logger = this.deps.logger.child({ vrepl_id: this.id });
    const avoid = new Set<string>();
    let failures = 0;
    while (!this.stopped) {
      this.progressed = false;
      try {
        await this.runOnce(logger, avoid);
        return;
      } catch (err) {
        if (this.stopped) return;
        if (this.progressed) failures = 0;
        failures++;
        if (this.source !== undefined) avoid.add(this.source.alias);
        const message = errorMessage(err);
        const permanent = isPermanentError(err);
        if (permanent || failures > this.deps.options.maxRetries) {
          const reason = permanent ? message : `${message} (after ${failures} attempts)`;
          logger.error({ err: message }, "vreplication stream failed");
          await this.recordError(reason).catch((e: unknown) =>
            logger.error({ err: errorMessage(e) }, "cannot record the stream's error"),
          );
          return;
        }
        const delay = Math.min(
          this.deps.options.retryMaxMs,
          this.deps.options.retryBaseMs * 2 ** (failures - 1),
        );
        logger.warn(
          { err: message, attempt: failures, delayMs: delay },
          "vreplication stream error, retrying",
        );
        await this.withDb((db) =>
          db.execute(
            `update _vt.vreplication set message = ${quoteString(`${RETRYING}${message}`.slice(0, 950))} where id = ${this.id}`,
          ),
        ).catch(() => undefined);
        await sleep(delay, undefined, { signal: this.abort.signal }).catch(() => undefined);
      } finally {
        this.source?.close();
        this.source = undefined;
        this.db?.close();
        this.db = undefined;
      }
    }
  }

  private async withDb<T>(fn: (db: TargetDb) => Promise<T>): Promise<T> {
    const db = await this.deps.openDb(this.dbName);
    try {
      return await fn(db);
    } finally {
      db.close();
    }
  }

  private async recordError(message: string): Promise<void> {
    await this.withDb(async (db) => {
      await db.execute(updateStateSql(this.id, StreamState.Error, message));
      await insertLog(db, this.id, "Error", StreamState.Error, message);
    });
  }

  private async runOnce(logger: Logger, avoid: ReadonlySet<string>): Promise<void> {
    this.db = await this.deps.openDb(this.dbName);
    const db = this.db;
    let record = await readStream(db, this.id);
    if (record === undefined || !isRunnable(record.state)) return;
    const source = record.source;
    this.source = await this.deps.picker.pick({
      keyspace: source.keyspace,
      shard: source.shard,
      cells: record.cell === "" ? [] : record.cell.split(",").map((cell) => cell.trim()),
      tabletTypes: parseTabletTypes(record.tabletTypes),
      avoid,
    });
    if (this.stopped) return;
    const targetTables = await listTables(db);
    if (record.message.startsWith(RETRYING)) {
      await db.execute(`update _vt.vreplication set message = '' where id = ${this.id}`);
      record = { ...record, message: "" };
    }
    const routes = tableRoutes(source, targetTables);
    const targetKeys = await primaryKeys(db);
    const context: PlayContext = {
      id: this.id,
      db,
      source: this.source,
      filter: source.filter ?? { rules: [], fieldEventMode: 0, workflowType: 0, workflowName: "" },
      routes,
      targetKeys,
      onDdl: source.onDdl,
      logger,
      signal: this.abort.signal,
      throttler: this.throttler(db, record, this.source),
      onProgress: () => {
        this.progressed = true;
      },
    };
    const copying = await hasCopyState(db, this.id);
    if (!copying && record.pos === "") {
      record = await this.initialize(db, record, routes, targetTables);
    } else if (record.state === StreamState.Init && !copying) {
      record = await this.setState(db, StreamState.Running, "");
    }
    if (copying || record.state === StreamState.Copying) {
      if (record.state !== StreamState.Copying) record = await this.setState(db, StreamState.Copying, "");
      const copyOptions = {
        copyPhaseMs: this.deps.options.copyPhaseMs,
        deferSecondaryKeys: record.deferSecondaryKeys,
        insertWorkers: this.deps.options.copyInsertWorkers,
        openDb: () => this.deps.openDb(this.dbName),
      };
      while (await copyCycle(context, copyOptions)) {
        if (this.stopped) return;
      }
      if (source.stopAfterCopy) {
        await this.setState(db, StreamState.Stopped, "Stopped after copy.");
        return;
      }
      record = await this.setState(db, StreamState.Running, "");
    }
    if (record.state !== StreamState.Running) return;
    if (record.message !== "")
      await db.execute(`update _vt.vreplication set message = '' where id = ${this.id}`);
    await play(context, { startPos: record.pos, stopPos: record.stopPos || undefined });
  }

  /** The stream's max_tps / max_replication_lag, recording time_throttled as Vitess does (time_updated too). */
  private throttler(db: TargetDb, record: StreamRecord, source: SourceStreamer): StreamThrottler {
    const sourceLag = async (signal: AbortSignal): Promise<LagReading | undefined> => {
      const seconds = await source.replicationLagSeconds(signal).catch(() => undefined);
      return seconds === undefined ? undefined : { seconds, tablet: source.alias };
    };
    return new StreamThrottler(
      { maxTps: record.maxTps, maxReplicationLag: record.maxReplicationLag },
      {
        clock: SYSTEM_CLOCK,
        lag: async (signal) => maxLag(await this.deps.replicaLag?.(signal), await sourceLag(signal)),
        record: async (component, nowS) => {
          await db.execute(
            `update _vt.vreplication set time_updated = ${nowS}, time_throttled = ${nowS}, ` +
              `component_throttled = ${quoteString(component)} where id = ${this.id}`,
          );
        },
      },
    );
  }

  /** Init: a stream without a position copies first (copy_state rows per table), else it runs. */
  private async initialize(
    db: TargetDb,
    record: StreamRecord,
    routes: ReturnType<typeof tableRoutes>,
    targetTables: readonly string[],
  ): Promise<StreamRecord> {
    const missing = routes.filter((route) => !targetTables.includes(route.target)).map((r) => r.target);
    if (missing.length > 0) {
      throw new VtError(
        Code.FAILED_PRECONDITION,
        `target tables do not exist in ${this.dbName}: ${missing.join(", ")}`,
      );
    }
    await db.execute("begin");
    try {
      await db.execute(`delete from _vt.copy_state where vrepl_id = ${this.id}`);
      for (const route of routes) {
        await db.execute(
          `insert into _vt.copy_state (vrepl_id, table_name) values (${this.id}, ${quoteString(route.target)})`,
        );
      }
      await db.execute(updateStateSql(this.id, StreamState.Copying, ""));
      await db.execute("commit");
    } catch (err) {
      await db.execute("rollback").catch(() => undefined);
      throw err;
    }
    await insertLog(db, this.id, "State Changed", StreamState.Copying, "");
    return { ...record, state: StreamState.Copying };
  }

  private async setState(db: TargetDb, state: StreamStateName, message: string): Promise<StreamRecord> {
    await db.execute(updateStateSql(this.id, state, message));
    await insertLog(db, this.id, "State Changed", state, message);
    const record = await readStream(db, this.id);
    if (record === undefined) throw new Error(`stream ${this.id} is gone`);
    return record;
  }
}

async function hasCopyState(db: TargetDb, id: number): Promise<boolean> {
  const result = await db.execute(`select 1 from _vt.copy_state where vrepl_id = ${id} limit 1`);
  return result.rows.length > 0;
}

export function isRunnable(state: string): boolean {
  return state === StreamState.Init || state === StreamState.Copying || state === StreamState.Running;
}

async function listTables(db: TargetDb): Promise<string[]> {
  const result = await db.execute(
    "select table_name from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE'",
  );
  return rowsAsStrings(result).map((row) => row[0] ?? "");
}

/** Every table's primary key columns in order (Vitess would fall back to a unique key; we use all columns). */
async function primaryKeys(db: TargetDb): Promise<Map<string, string[]>> {
  const result = await db.execute(
    "select table_name, column_name from information_schema.key_column_usage " +
      "where table_schema = database() and constraint_name = 'PRIMARY' order by table_name, ordinal_position",
  );
  const keys = new Map<string, string[]>();
  for (const [table, column] of rowsAsStrings(result)) {
    const list = keys.get(table ?? "") ?? [];
    list.push(column ?? "");
    keys.set(table ?? "", list);
  }
  return keys;
}
