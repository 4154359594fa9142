import { quoteString } from "../../../libs/mysql/sql-literal.js";
import { VDiffState } from "../../../libs/vdiff/index.js";
import { errorMessage } from "../../../libs/vterrors/index.js";
import type { StreamDb } from "../vreplication/controller.js";
import { readVDiffs, reschedule, type VDiffRecord } from "./record.js";
import type { DifferDeps } from "./table-differ.js";
import { runnableWhere, runVDiff } from "./workflow-differ.js";

export interface VDiffEngineConfig extends DifferDeps {
  /** A dba connection to the tablet's mysqld (tables are named with `_vt.`). */
  readonly openDb: () => Promise<StreamDb>;
  readonly keyspace: string;
  readonly shard: string;
  readonly dbName: () => string;
  readonly isPrimary: () => boolean;
  /** How often the engine looks for VDiffs to run and follows the tablet's type. */
  readonly pollMs?: number;
  /** How long a VDiff stays in error before `--auto-retry` schedules it again (default 30 s). */
  readonly retryAfterMs?: number;
}

const DEFAULT_RETRY_AFTER_MS = 30_000;

interface Running {
  readonly id: number;
  readonly abort: AbortController;
  readonly done: Promise<void>;
}

/**
 * Vitess's vdiff Engine: on the primary of a target shard, runs the VDiffs stored in `_vt.vdiff`, one at a time
 * (two diffs of one workflow would pause and restart the same streams), oldest first. A VDiff found `started`
 * when the engine opens (the tablet restarted, or became primary) continues from its tables' last keys.
 */
export class VDiffEngine {
  private running: Running | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  /** When each VDiff found in error is retried. */
  private readonly retryAt = new Map<number, number>();

  constructor(readonly config: VDiffEngineConfig) {}

  get keyspace(): string {
    return this.config.keyspace;
  }

  get shard(): string {
    return this.config.shard;
  }

  get dbName(): string {
    return this.config.dbName();
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.config.pollMs ?? 1_000);
    this.wake();
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.abortRunning();
  }

  /** A connection with timestamps in UTC (reports show UTC, as Vitess does). */
  async openDb(): Promise<StreamDb> {
    const db = await this.config.openDb();
    try {
      await db.execute("set time_zone = '+00:00'");
    } catch (err) {
      db.close();
      throw err;
    }
    return db;
  }

  async withDb<T>(fn: (db: StreamDb) => Promise<T>): Promise<T> {
    const db = await this.openDb();
    try {
      return await fn(db);
    } finally {
      db.close();
    }
  }

  /** Looks for a VDiff to run now (after create and resume, and on every poll). */
  wake(): void {
    if (this.ticking || this.timer === undefined) return;
    this.ticking = true;
    this.tick()
      .catch((err: unknown) =>
        this.config.logger.warn({ err: errorMessage(err) }, "vdiff engine: cannot look for work"),
      )
      .finally(() => {
        this.ticking = false;
      });
  }

  /** Stops the VDiff `id` if it is the one running, and waits until it has let go of the streams. */
  async stopRunning(id: number): Promise<void> {
    if (this.running?.id === id) await this.abortRunning();
  }

  private async abortRunning(): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    running.abort.abort(new Error("vdiff stopped"));
    await running.done;
  }

  private async tick(): Promise<void> {
    if (!this.config.isPrimary()) {
      await this.abortRunning();
      return;
    }
    if (this.running !== undefined) return;
    const next = await this.withDb(async (db) => {
      await this.retryErrored(db);
      return (await readVDiffs(db, runnableWhere(this.dbName))).reverse().find(canRun);
    });
    if (next !== undefined && this.running === undefined) this.run(next);
  }

  /**
   * `--auto-retry` (the default): a VDiff in error is scheduled again, from its tables' last keys, once it has
   * been in error for a while (a source tablet down, a stream that did not reach its position in time).
   */
  private async retryErrored(db: StreamDb): Promise<void> {
    const errored = await readVDiffs(db, `db_name = ${quoteString(this.dbName)} and state = 'error'`);
    const now = Date.now();
    for (const vdiff of errored) {
      if (vdiff.options.coreOptions?.autoRetry !== true) continue;
      const due = this.retryAt.get(vdiff.id);
      if (due === undefined)
        this.retryAt.set(vdiff.id, now + (this.config.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS));
      else if (now >= due) {
        this.retryAt.delete(vdiff.id);
        await reschedule(db, vdiff.id, vdiff.options, `auto-retry after: ${vdiff.lastError}`);
      }
    }
  }

  private run(vdiff: VDiffRecord): void {
    const abort = new AbortController();
    const done = (async () => {
      const db = await this.openDb();
      try {
        await runVDiff(this.config, db, vdiff, abort.signal);
      } finally {
        db.close();
      }
    })()
      .catch((err: unknown) =>
        this.config.logger.error({ err: errorMessage(err), vdiff: vdiff.uuid }, "vdiff run failed"),
      )
      .finally(() => {
        if (this.running?.id === vdiff.id) this.running = undefined;
        this.wake();
      });
    this.running = { id: vdiff.id, abort, done };
  }
}

/** A pending VDiff created with `--auto-start=false` waits for resume. */
function canRun(vdiff: VDiffRecord): boolean {
  return vdiff.state === VDiffState.Started || vdiff.options.coreOptions?.autoStart !== false;
}
