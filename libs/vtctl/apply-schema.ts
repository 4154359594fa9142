import { rowsAsStrings } from "../mysql/query-result.js";
import { diffSchema } from "../mysql/schema-diff.js";
import { quoteIdentifier } from "../mysql/sql-literal.js";
import type { SchemaChangeResult } from "../proto/tabletmanagerdata.js";
import type { Tablet } from "../proto/topodata.js";
import {
  describeStatement,
  maxRowsFor,
  parseSchemaChanges,
  type SchemaChange,
  sizeRuleText,
} from "../schemamanager/statements.js";
import { getShard, getShardNames, lockKeyspace } from "../topo/index.js";
import { Code, errorCode, failedPrecondition, invalidArgument, VtError } from "../vterrors/index.js";
import {
  aliasOf,
  durationMs,
  getKeyspaceOrNotFound,
  getTabletOrNotFound,
  requireName,
  tabletDbName,
} from "./common.js";
import type { CallContext, VtctldHandlers, VtctlEnv } from "./env.js";
import { reloadShardReplicas, tabletErrorMessage } from "./schema-common.js";

type ApplySchemaHandlers = Pick<VtctldHandlers, "applySchema">;

/** Vitess's grpcvtctldserver.DefaultWaitReplicasTimeout. */
export const DEFAULT_APPLY_SCHEMA_WAIT_REPLICAS_MS = 10_000;
/** How long a schema change may run on a shard when the caller set no deadline. */
const NO_DEADLINE_MS = 3_600_000;

/** One shard of the keyspace and its primary. */
interface ShardPrimary {
  readonly shard: string;
  readonly tablet: Tablet;
  /** "commerce/-80 (zone1-0000000100)" */
  readonly label: string;
}

/**
 * ApplySchema with the direct strategy, in Vitess's five steps: (1) every shard of the keyspace and its
 * primary; (2) every statement parsed and classified, only table/view/index DDL permitted; (3) the size rules
 * on each primary unless --allow-long-unavailability; (4) pre-flight of all statements in a temporary
 * database on each primary; (5) each statement applied on every primary in parallel, then the next. Nothing
 * is applied anywhere unless steps 1–4 pass on every shard; a failure in step 5 names the shard, the
 * statement and the MySQL error, and says where the change was and was not applied.
 */
export function applySchemaHandlers(env: VtctlEnv): ApplySchemaHandlers {
  const { ts, logger } = env;
  return {
    async applySchema(request, context) {
      const keyspace = requireName("keyspace", request.keyspace);
      const strategy = request.ddlStrategy.trim();
      if (strategy !== "" && strategy !== "direct") {
        throw new VtError(
          Code.UNIMPLEMENTED,
          `ApplySchema: --ddl-strategy ${JSON.stringify(strategy)} is not supported; only "direct" is`,
        );
      }
      if (request.uuidList.length > 0)
        throw invalidArgument("ApplySchema: --uuid only applies to online DDL strategies, not to direct");
      if (request.sql.length === 0) throw invalidArgument("ApplySchema: Sql must be a non-empty array");
      const changes = parseSchemaChanges(request.sql);
      await getKeyspaceOrNotFound(ts, keyspace);
      const primaries = await shardPrimaries(keyspace);
      const longTimeoutMs = remainingMs(context);
      const waitReplicasMs = durationMs(request.waitReplicasTimeout, DEFAULT_APPLY_SCHEMA_WAIT_REPLICAS_MS);
      logger.info(
        {
          keyspace,
          statements: changes.length,
          shards: primaries.map((p) => p.shard),
          caller: request.callerId?.principal,
        },
        "ApplySchema",
      );

      return lockKeyspace(ts, keyspace, "ApplySchemaKeyspace", async (lock) => {
        if (!request.allowLongUnavailability) await checkSizeRules(primaries, changes);
        await preflight(primaries, changes, longTimeoutMs);
        await lock.check();
        await applyAll(primaries, changes, longTimeoutMs);
        await Promise.all(
          primaries.map((p) => reloadShardReplicas(env, keyspace, p.shard, p.tablet, waitReplicasMs)),
        );
        const rowsAffectedByShard: Record<string, number> = {};
        for (const p of primaries) rowsAffectedByShard[p.shard] = 0;
        return { uuidList: [], rowsAffectedByShard };
      });
    },
  };

  /** Step 1: every shard (new ones after a resharding included) and its primary's record. */
  async function shardPrimaries(keyspace: string): Promise<ShardPrimary[]> {
    const shards = await getShardNames(ts, keyspace);
    if (shards.length === 0) throw failedPrecondition(`keyspace ${keyspace} has no shards`);
    return Promise.all(
      shards.map(async (shard) => {
        const { shard: record } = await getShard(ts, keyspace, shard);
        if (!record.primaryAlias || record.primaryAlias.cell === "")
          throw failedPrecondition(`shard ${keyspace}/${shard} has no primary`);
        const tablet = await getTabletOrNotFound(ts, record.primaryAlias);
        return { shard, tablet, label: `${keyspace}/${shard} (${aliasOf(tablet)})` };
      }),
    );
  }

  /**
   * Step 3: each changed table's row count on each primary against its rule. The catalog's estimate (InnoDB's
   * is approximate) decides when it is clearly under (a tenth of the limit) or over (twice); in between the
   * rows are counted.
   */
  async function checkSizeRules(primaries: readonly ShardPrimary[], changes: readonly SchemaChange[]) {
    const measured = changes.filter((c) => maxRowsFor(c.kind) !== undefined);
    const tables = [...new Set(measured.flatMap((c) => c.tables))];
    if (tables.length === 0) return;
    const problems = await Promise.all(
      primaries.map(async (primary) => {
        const client = env.tmc.forTablet(primary.tablet);
        const rpc = { timeoutMs: env.remoteOperationTimeoutMs };
        const { schemaDefinition } = await client.getSchema(
          { tables, excludeTables: [], includeViews: true, tableSchemaOnly: true },
          rpc,
        );
        const estimates = new Map(
          (schemaDefinition?.tableDefinitions ?? []).map((t) => [t.name, t.rowCount] as const),
        );
        const exact = new Map<string, number>();
        const rowsOf = async (
          table: string,
          limit: number,
        ): Promise<{ rows: number; estimated: boolean }> => {
          const estimate = estimates.get(table) ?? 0;
          if (estimate <= limit / 10 || estimate > limit * 2) return { rows: estimate, estimated: true };
          let rows = exact.get(table);
          if (rows === undefined) {
            const { result } = await client.executeFetchAsDba(
              {
                query: Buffer.from(
                  `SELECT COUNT(*) FROM ${quoteIdentifier(tabletDbName(primary.tablet))}.${quoteIdentifier(table)}`,
                ),
                dbName: tabletDbName(primary.tablet),
                maxRows: 1,
                disableBinlogs: false,
                reloadSchema: false,
                disableForeignKeyChecks: false,
              },
              rpc,
            );
            rows = Number(result ? rowsAsStrings(result)[0]?.[0] : 0);
            exact.set(table, rows);
          }
          return { rows, estimated: false };
        };
        const found: string[] = [];
        for (const change of measured) {
          const limit = maxRowsFor(change.kind) as number;
          for (const table of change.tables) {
            if (!estimates.has(table)) continue; // created by this change, or missing: nothing to measure
            const { rows, estimated } = await rowsOf(table, limit);
            if (rows > limit) {
              found.push(
                `${change.name} on table ${table}: it has ${estimated ? "about " : ""}${rows} rows on shard ${primary.label}; ${sizeRuleText(change.kind)} ("${describeStatement(change.sql)}")`,
              );
            }
          }
        }
        return found;
      }),
    );
    const all = problems.flat();
    if (all.length > 0) {
      throw failedPrecondition(
        `big schema change detected, nothing was applied. Disable the check with --allow-long-unavailability. ${all.join("; ")}`,
      );
    }
  }

  /** Step 4: every statement in a temporary database on every primary; any failure stops everything. */
  async function preflight(
    primaries: readonly ShardPrimary[],
    changes: readonly SchemaChange[],
    timeoutMs: number,
  ) {
    const outcomes = await Promise.allSettled(
      primaries.map((p) =>
        env.tmc.forTablet(p.tablet).preflightSchema({ changes: changes.map((c) => c.sql) }, { timeoutMs }),
      ),
    );
    const failures: string[] = [];
    let code: Code = Code.FAILED_PRECONDITION;
    const results: SchemaChangeResult[][] = [];
    for (const [i, outcome] of outcomes.entries()) {
      const primary = primaries[i] as ShardPrimary;
      if (outcome.status === "rejected") {
        if (failures.length === 0) code = errorCode(outcome.reason);
        failures.push(`shard ${primary.label}: ${tabletErrorMessage(outcome.reason, primary.tablet)}`);
      } else {
        results.push(outcome.value.changeResults);
      }
    }
    if (failures.length > 0) {
      throw new VtError(
        code === Code.UNKNOWN ? Code.FAILED_PRECONDITION : code,
        `schema change failed in pre-flight, nothing was applied: ${failures.join("; ")}`,
      );
    }
    // Vitess refuses a change that changes no table anywhere (unless it says IF [NOT] EXISTS).
    changes.forEach((change, i) => {
      if (change.conditional) return;
      const changesSomething = results.some((shard) => {
        const result = shard[i];
        if (!result?.beforeSchema || !result.afterSchema) return true;
        return diffSchema("before", result.beforeSchema, "after", result.afterSchema).length > 0;
      });
      if (!changesSomething) {
        throw invalidArgument(
          `schema change "${describeStatement(change.sql)}" does not introduce any table definition change; nothing was applied`,
        );
      }
    });
  }

  /** Step 5: statement by statement, on every primary in parallel; stops at the first statement that fails. */
  async function applyAll(
    primaries: readonly ShardPrimary[],
    changes: readonly SchemaChange[],
    timeoutMs: number,
  ) {
    for (const [i, change] of changes.entries()) {
      const outcomes = await Promise.allSettled(
        primaries.map((p) =>
          env.tmc.forTablet(p.tablet).applySchema(
            {
              sql: change.sql,
              force: true,
              allowReplication: true,
              beforeSchema: undefined,
              afterSchema: undefined,
              sqlMode: "",
              batchSize: 0,
              disableForeignKeyChecks: false,
            },
            { timeoutMs },
          ),
        ),
      );
      const failed: string[] = [];
      const applied: string[] = [];
      let code: Code | undefined;
      for (const [j, outcome] of outcomes.entries()) {
        const primary = primaries[j] as ShardPrimary;
        if (outcome.status === "fulfilled") {
          applied.push(primary.shard);
          logger.info({ shard: primary.label, statement: i + 1 }, "ApplySchema: applied");
        } else {
          code ??= errorCode(outcome.reason);
          failed.push(`shard ${primary.label}: ${tabletErrorMessage(outcome.reason, primary.tablet)}`);
        }
      }
      if (code === undefined) continue;
      const parts = [
        `schema change failed: statement ${i + 1} of ${changes.length} ("${describeStatement(change.sql)}") failed on ${failed.length} of ${primaries.length} shard(s): ${failed.join("; ")}`,
        applied.length > 0
          ? `it was applied on shard(s) ${applied.join(", ")}`
          : "it was not applied on any shard",
      ];
      if (i > 0) parts.push(`statement(s) 1-${i} were applied on every shard`);
      if (i + 1 < changes.length) parts.push(`statement(s) ${i + 2}-${changes.length} were not run`);
      logger.error({ failed, applied }, "ApplySchema failed");
      throw new VtError(code === Code.UNKNOWN ? Code.FAILED_PRECONDITION : code, parts.join("; "));
    }
  }
}

/** What is left of the caller's deadline (an hour when it set none). */
function remainingMs(context: CallContext): number {
  if (context.deadline === undefined) return NO_DEADLINE_MS;
  return Math.max(1_000, context.deadline - Date.now());
}
