import type { QueryResult } from "../../../libs/proto/query.js";
import { canNormalize, normalize, parse } from "../../../libs/sqlparser/index.js";
import { Code, isVtError, VtError } from "../../../libs/vterrors/index.js";
import type { BindVars, ResultCallback } from "../engine/primitive.js";
import { buildPlan } from "../planbuilder/builder.js";
import type { PlanContext } from "../planbuilder/context.js";
import { unknownDatabase } from "../planbuilder/errors.js";
import type { Plan } from "../planbuilder/plan.js";
import type { SafeSession } from "../session/safe-session.js";
import { parseTarget } from "../session/target.js";
import type { ExecContext, ExecutorServices } from "./context.js";
import { LruCache } from "./plan-cache.js";
import { rollbackSession } from "./tx-conn.js";
import { checkKeyspaceAccess, VCursor } from "./vcursor.js";

/** Told about every statement (metrics). `plan` is undefined when planning failed. */
export interface ExecutorStats {
  statement(plan: Plan | undefined, durationMs: number, error: unknown): void;
}

export interface ExecutorOptions {
  /** Most cached plans (Vitess's --gate-query-cache-size). */
  planCacheSize: number;
  stats?: ExecutorStats;
}

function asVtError(err: unknown): unknown {
  if (isVtError(err)) return err;
  return new VtError(Code.UNKNOWN, err instanceof Error ? err.message : String(err), { cause: err });
}

/**
 * vtgate's executor (Vitess's vtgate.Executor): plans a statement for the session's target (plans cached
 * by SQL text + target, dropped when the VSchema changes) and runs the plan with a cursor bound to the
 * session. Used by the MySQL handler and the gRPC service alike.
 */
export class Executor {
  private readonly plans: LruCache<Plan>;
  private plansVersion = -1;

  constructor(
    private readonly services: ExecutorServices,
    private readonly options: ExecutorOptions,
  ) {
    this.plans = new LruCache(options.planCacheSize);
  }

  get planCache(): { size: number; hits: number; misses: number } {
    return { size: this.plans.size, hits: this.plans.hits, misses: this.plans.misses };
  }

  /** Runs one statement and returns its whole result. */
  async execute(
    session: SafeSession,
    sql: string,
    bindVars: BindVars,
    context: ExecContext,
  ): Promise<QueryResult> {
    const started = performance.now();
    let plan: Plan | undefined;
    try {
      const planned = this.planWithValues(session, sql);
      plan = planned.plan;
      const result = await plan.instructions.execute(
        new VCursor(this.services, session, context),
        planned.bindVars ? { ...bindVars, ...planned.bindVars } : bindVars,
      );
      this.options.stats?.statement(plan, performance.now() - started, undefined);
      return result;
    } catch (err) {
      this.options.stats?.statement(plan, performance.now() - started, err);
      throw asVtError(err);
    }
  }

  /** Runs one statement, handing its result over in pieces (fields first). */
  async streamExecute(
    session: SafeSession,
    sql: string,
    bindVars: BindVars,
    context: ExecContext,
    onResult: ResultCallback,
  ): Promise<void> {
    const started = performance.now();
    let plan: Plan | undefined;
    try {
      const planned = this.planWithValues(session, sql);
      plan = planned.plan;
      await plan.instructions.streamExecute(
        new VCursor(this.services, session, context),
        planned.bindVars ? { ...bindVars, ...planned.bindVars } : bindVars,
        onResult,
      );
      this.options.stats?.statement(plan, performance.now() - started, undefined);
    } catch (err) {
      this.options.stats?.statement(plan, performance.now() - started, err);
      throw asVtError(err);
    }
  }

  /** The plan of `sql` for the session's target: from the cache, else parsed and built. */
  plan(session: SafeSession, sql: string): Plan {
    return this.planWithValues(session, sql).plan;
  }

  /**
   * The plan of `sql` and the values its normalization took out of the text. Statements on unsharded
   * keyspaces are cached by their text; statements on sharded keyspaces are planned from the normalized
   * statement (literals -> `:vtgN`) and cached by its text, so one plan serves every value.
   */
  planWithValues(session: SafeSession, sql: string): { plan: Plan; bindVars?: BindVars } {
    const topology = this.services.topology;
    const version = topology.version;
    if (version !== this.plansVersion) {
      this.plans.clear();
      this.plansVersion = version;
    }
    const key = `${session.targetString}\u0000${sql}`;
    const cached = this.plans.get(key, false);
    if (cached) return { plan: cached };
    const stmt = parse(sql);
    const normalized = canNormalize(stmt) ? normalize(stmt, { prefix: "vtg" }) : undefined;
    const normalizedKey = normalized ? `${session.targetString}\u0001${normalized.sql}` : undefined;
    if (normalized && normalizedKey) {
      const hit = this.plans.get(normalizedKey);
      if (hit) return { plan: hit, bindVars: normalized.bindVars };
    } else this.plans.misses++;
    const context: PlanContext = {
      vschema: topology.vschema,
      target: session.target,
      dbName: (keyspace) => topology.dbName(keyspace),
      ...(normalized ? { normalized: normalized.statement } : {}),
    };
    const plan = buildPlan(stmt, sql, context);
    if (plan.normalized && normalized && normalizedKey) {
      this.plans.set(normalizedKey, plan);
      // Nothing taken out of the text (a prepared statement's `?`s): the text itself finds the plan next
      // time, without parsing and normalizing again (make bench-vtgate's sharded point selects).
      if (Object.keys(normalized.bindVars).length === 0) this.plans.set(key, plan);
      return { plan, bindVars: normalized.bindVars };
    }
    this.plans.set(key, plan);
    return { plan };
  }

  /**
   * Checks a target a client asks for before any statement (COM_INIT_DB, the database of the handshake):
   * 1049 for an unknown keyspace, 1044 when the user may not use it.
   */
  checkTarget(target: string, context: ExecContext): void {
    const { keyspace } = parseTarget(target);
    if (keyspace === "") return;
    if (!this.services.topology.vschema.keyspaces.has(keyspace)) throw unknownDatabase(keyspace);
    checkKeyspaceAccess(context, keyspace);
  }

  /** The client went away: its transaction is rolled back. */
  async closeSession(session: SafeSession, context: ExecContext): Promise<void> {
    if (!session.inTransaction) return;
    const callerId = context.user ? { username: context.user.user, groups: [] } : undefined;
    await rollbackSession(this.services.gateway, session, callerId);
  }
}
