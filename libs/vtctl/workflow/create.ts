import { DATABASE_NAME_PLACEHOLDER, fillDatabaseName, TABLE_VIEW } from "../../mysql/schema.js";
import {
  BinlogSource,
  Filter,
  OnDDLAction,
  onDDLActionFromJSON,
  VReplicationWorkflowSubType,
  VReplicationWorkflowType,
} from "../../proto/binlogdata.js";
import type { Tablet } from "../../proto/topodata.js";
import { Keyspace as KeyspaceVSchema, Table } from "../../proto/vschema.js";
import type { MoveTablesCreateRequest, WorkflowStatusResponse } from "../../proto/vtctldata.js";
import {
  getRoutingRules,
  getVSchema,
  isTopoError,
  lockKeyspace,
  saveRoutingRules,
  saveVSchema,
  TopoErrorCode,
} from "../../topo/index.js";
import { alreadyExists, errorMessage, invalidArgument, notFound } from "../../vterrors/index.js";
import { requireName, tabletDbName } from "../common.js";
import type { VtctlEnv } from "../env.js";
import { getTabletSchema } from "../schema-common.js";
import { rebuildSrvVSchema } from "../srv-vschema.js";
import { deleteArtifacts, emptyArtifacts, saveArtifacts, type WorkflowArtifacts } from "./artifacts.js";
import { undoArtifacts } from "./cleanup.js";
import { loadWorkflow, readWorkflowStreams, type ShardPrimary, shardPrimaries } from "./load.js";
import { initialRules, ruleList, ruleMap } from "./routing-rules.js";
import { workflowStatus } from "./status.js";
import { TabletOps } from "./tablet-ops.js";

async function getVSchemaOrEmpty(env: VtctlEnv, keyspace: string): Promise<KeyspaceVSchema> {
  try {
    return await getVSchema(env.ts, keyspace);
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) return KeyspaceVSchema.create();
    throw err;
  }
}

/** The moved tables: --tables, or every base table of the source with --all-tables, minus --exclude-tables. */
function chooseTables(request: MoveTablesCreateRequest, sourceTables: readonly string[]): string[] {
  if (request.allTables) return sourceTables.filter((t) => !request.excludeTables.includes(t));
  const tables = request.includeTables.map((t) => t.trim()).filter((t) => t !== "");
  if (tables.length === 0) throw invalidArgument("no tables to move: pass --tables or --all-tables");
  const unknown = tables.filter((t) => !sourceTables.includes(t));
  if (unknown.length > 0) {
    throw notFound(`table(s) not found in source keyspace ${request.sourceKeyspace}: ${unknown.join(", ")}`);
  }
  return tables.filter((t) => !request.excludeTables.includes(t));
}

/** The filter of one stream: every row of each table, or (sharded target) the rows of the target's key range. */
function filterFor(tables: readonly string[], vschema: KeyspaceVSchema, targetShard: string): Filter {
  return Filter.fromPartial({
    rules: tables.map((table) => {
      const vindex = vschema.tables[table]?.columnVindexes[0];
      const column = vindex?.columns[0] ?? vindex?.column;
      const type = vindex ? vschema.vindexes[vindex.name]?.type : undefined;
      const filter =
        vschema.sharded && column && type
          ? `select * from ${table} where in_keyrange(${column}, '${type}', '${targetShard}')`
          : `select * from ${table}`;
      return { match: table, filter };
    }),
  });
}

/**
 * MoveTables create (Vitess's MoveTablesCreate): validates everything first (nothing is changed by a refusal),
 * then copies the tables' schema to every target shard, adds them to the target VSchema, writes the routing
 * rules that keep every name at the source, and creates a stream per source shard on every target primary.
 * Each of those is recorded as an artifact as it is made; a failure undoes exactly the recorded ones.
 */
export async function moveTablesCreate(
  env: VtctlEnv,
  request: MoveTablesCreateRequest,
): Promise<WorkflowStatusResponse> {
  const workflow = requireName("workflow", request.workflow);
  const target = requireName("target keyspace", request.targetKeyspace);
  const source = requireName("source keyspace", request.sourceKeyspace);
  if (source === target) throw invalidArgument("source and target keyspace must be different");
  const sources = await shardPrimaries(env, source);
  const targets = await shardPrimaries(env, target);
  const sourcePrimary = sources[0]?.primary;
  if (!sourcePrimary) throw notFound(`keyspace ${source} has no shards`);
  if (targets.length === 0) throw notFound(`keyspace ${target} has no shards`);

  if ((await readWorkflowStreams(env, target, workflow)).length > 0) {
    throw alreadyExists(`workflow ${workflow} already exists in keyspace ${target}`);
  }
  const { schema } = await getTabletSchema(env, sourcePrimary.alias ?? { cell: "", uid: 0 }, {});
  const baseTables = schema.tableDefinitions.filter((t) => t.type !== TABLE_VIEW);
  const tables = chooseTables(
    request,
    baseTables.map((t) => t.name),
  );
  if (tables.length === 0) throw invalidArgument("no tables to move");
  await refuseExistingTargetTables(env, targets, tables, target);
  const rules = ruleMap(await getRoutingRules(env.ts));
  const ruled = tables.filter((t) => rules.has(t) || rules.has(`${target}.${t}`));
  if (ruled.length > 0) {
    throw alreadyExists(
      `routing rules already exist for table(s) ${ruled.join(", ")}: is another workflow moving them?`,
    );
  }

  const artifacts = emptyArtifacts(workflow, source, target, tables);
  const ops = new TabletOps(env);
  await lockKeyspace(env.ts, target, "MoveTablesCreate", async () => {
    try {
      await saveArtifacts(env.ts, artifacts);
      for (const { shard, primary } of targets) {
        for (const table of tables) {
          const definition = baseTables.find((t) => t.name === table);
          if (!definition) continue;
          const create = definition.schema.replace(
            /^CREATE TABLE `/m,
            `CREATE TABLE \`${DATABASE_NAME_PLACEHOLDER}\`.\``,
          );
          await ops.applyDdl(primary, fillDatabaseName(create, tabletDbName(primary)));
          artifacts.createdTables[shard] = [...(artifacts.createdTables[shard] ?? []), table];
          await saveArtifacts(env.ts, artifacts);
        }
      }
      const vschema = await addToVSchema(env, source, target, tables, artifacts);
      if (!request.noRoutingRules) {
        const current = ruleMap(await getRoutingRules(env.ts));
        for (const [from, to] of initialRules(tables, source, target)) {
          current.set(from, to);
          artifacts.routingRules.push(from);
        }
        await saveArtifacts(env.ts, artifacts);
        await saveRoutingRules(env.ts, ruleList(current));
      }
      await rebuildSrvVSchema(env.ts, []);
      for (const { shard, primary } of targets) {
        await createStreams(env, request, primary, shard, sources, tables, vschema);
        artifacts.streamShards.push(shard);
        await saveArtifacts(env.ts, artifacts);
      }
    } catch (err) {
      env.logger.warn(
        { workflow, err: errorMessage(err) },
        "MoveTables create failed: removing what it made",
      );
      await undoArtifacts(env, artifacts, { keepData: false }).catch((undoErr: unknown) =>
        env.logger.error({ workflow, err: errorMessage(undoErr) }, "undoing a failed MoveTables create"),
      );
      await deleteArtifacts(env.ts, target, workflow);
      throw err;
    }
  });
  return workflowStatus(env, await loadWorkflow(env, target, workflow), sourcePrimary);
}

async function refuseExistingTargetTables(
  env: VtctlEnv,
  targets: readonly ShardPrimary[],
  tables: readonly string[],
  keyspace: string,
): Promise<void> {
  for (const { primary } of targets) {
    const { schema } = await getTabletSchema(env, primary.alias ?? { cell: "", uid: 0 }, {
      tables: [...tables],
    });
    const existing = schema.tableDefinitions.map((t) => t.name).filter((t) => tables.includes(t));
    if (existing.length > 0) {
      throw alreadyExists(`table(s) already exist in target keyspace ${keyspace}: ${existing.join(", ")}`);
    }
  }
}

/** Adds the moved tables to the target VSchema (with the source's vindex definitions they use); records them. */
async function addToVSchema(
  env: VtctlEnv,
  source: string,
  target: string,
  tables: readonly string[],
  artifacts: WorkflowArtifacts,
): Promise<KeyspaceVSchema> {
  const vschema = await getVSchemaOrEmpty(env, target);
  const sourceVSchema = await getVSchemaOrEmpty(env, source);
  const added: string[] = [];
  for (const table of tables) {
    if (vschema.tables[table]) continue;
    const from = sourceVSchema.tables[table];
    vschema.tables[table] = vschema.sharded && from ? from : Table.create();
    if (vschema.sharded && from) {
      for (const cv of from.columnVindexes) {
        const vindex = sourceVSchema.vindexes[cv.name];
        if (vindex && !vschema.vindexes[cv.name]) vschema.vindexes[cv.name] = vindex;
      }
    }
    added.push(table);
  }
  if (added.length > 0) {
    artifacts.vschemaTables.push(...added);
    await saveArtifacts(env.ts, artifacts);
    await saveVSchema(env.ts, target, vschema);
  }
  return vschema;
}

async function createStreams(
  env: VtctlEnv,
  request: MoveTablesCreateRequest,
  primary: Tablet,
  targetShard: string,
  sources: readonly ShardPrimary[],
  tables: readonly string[],
  vschema: KeyspaceVSchema,
): Promise<void> {
  const onDdl = request.onDdl === "" ? OnDDLAction.IGNORE : onDDLActionFromJSON(request.onDdl.toUpperCase());
  const filter = filterFor(tables, vschema, targetShard);
  await env.tmc.forTablet(primary).createVReplicationWorkflow(
    {
      workflow: request.workflow,
      binlogSource: sources.map(({ shard }) =>
        BinlogSource.fromPartial({
          keyspace: request.sourceKeyspace,
          shard,
          filter,
          onDdl,
          stopAfterCopy: request.stopAfterCopy,
          sourceTimeZone: request.sourceTimeZone,
        }),
      ),
      cells: request.cells,
      tabletTypes: request.tabletTypes,
      tabletSelectionPreference: request.tabletSelectionPreference,
      workflowType: VReplicationWorkflowType.MoveTables,
      workflowSubType: VReplicationWorkflowSubType.None,
      deferSecondaryKeys: request.deferSecondaryKeys,
      autoStart: request.autoStart,
      stopAfterCopy: request.stopAfterCopy,
      options: "",
    },
    { timeoutMs: env.remoteOperationTimeoutMs },
  );
}
