import { diffSchema } from "../mysql/schema-diff.js";
import type { SchemaDefinition } from "../proto/tabletmanagerdata.js";
import type { TabletAlias } from "../proto/topodata.js";
import type { ValidateShardResponse } from "../proto/vtctldata.js";
import {
  getShardNames,
  getVSchema,
  isTopoError,
  TopoErrorCode,
  tabletAliasEqual,
  tabletAliasString,
} from "../topo/index.js";
import { errorMessage, notFound } from "../vterrors/index.js";
import { getKeyspaceOrNotFound, requireName, tabletMapForShard } from "./common.js";
import type { VtctldHandlers, VtctlEnv } from "./env.js";
import { getTabletSchema } from "./schema-common.js";
import { getShardOrNotFound } from "./shards.js";

type ValidateSchemaHandlers = Pick<VtctldHandlers, "validateSchemaKeyspace" | "validateSchemaShard">;

interface ValidateOptions {
  excludeTables: readonly string[];
  includeViews: boolean;
  skipNoPrimary: boolean;
  includeVSchema: boolean;
}

interface Validation {
  results: string[];
  resultsByShard: Record<string, ValidateShardResponse>;
}

/**
 * ValidateSchemaKeyspace (every tablet of every shard against the primary of the first shard) and
 * ValidateSchemaShard (every tablet of the shard against its primary). Each difference is one result
 * naming the tablets and the table (Vitess's tmutils.DiffSchema wording); an empty list means the schemas
 * agree. A tablet that cannot be read is a result too, not an error of the call.
 */
export function validateSchemaHandlers(env: VtctlEnv): ValidateSchemaHandlers {
  const { ts } = env;

  async function validate(keyspace: string, shards: string[], options: ValidateOptions): Promise<Validation> {
    const out: Validation = { results: [], resultsByShard: {} };
    for (const shard of shards) out.resultsByShard[shard] = { results: [] };
    const report = (shard: string, message: string) => {
      out.results.push(message);
      out.resultsByShard[shard]?.results.push(message);
    };
    if (options.includeVSchema) {
      const problems = await validateVSchemaTables(keyspace, shards, options);
      for (const [shard, message] of problems) report(shard, message);
      if (problems.length > 0) return out;
    }
    let reference: { alias: TabletAlias; schema: SchemaDefinition } | undefined;
    const request = { excludeTables: [...options.excludeTables], includeViews: options.includeViews };
    for (const shard of [...shards].sort()) {
      const info = await getShardOrNotFound(env, keyspace, shard);
      const primary = info.shard.primaryAlias;
      if (!primary || primary.cell === "") {
        if (!options.skipNoPrimary) report(shard, `no primary in shard ${keyspace}/${shard}`);
        continue;
      }
      if (!reference) {
        try {
          reference = { alias: primary, ...(await getTabletSchema(env, primary, request)) };
        } catch (err) {
          report(shard, errorMessage(err));
          continue;
        }
      }
      const ref = reference;
      const referenceName = tabletAliasString(ref.alias);
      const tablets = [...(await tabletMapForShard(ts, keyspace, shard)).values()].filter(
        (t) => !tabletAliasEqual(t.alias, ref.alias),
      );
      const diffs = await Promise.all(
        tablets.map(async (tablet) => {
          const alias = tablet.alias as TabletAlias;
          try {
            const { schema } = await getTabletSchema(env, alias, request);
            return diffSchema(referenceName, ref.schema, tabletAliasString(alias), schema);
          } catch (err) {
            return [errorMessage(err)];
          }
        }),
      );
      for (const message of diffs.flat()) report(shard, message);
    }
    return out;
  }

  /** Vitess's ValidateVSchema: tables of each shard's primary that the keyspace's VSchema does not list. */
  async function validateVSchemaTables(
    keyspace: string,
    shards: readonly string[],
    options: ValidateOptions,
  ): Promise<[string, string][]> {
    let tables: Record<string, unknown>;
    try {
      tables = (await getVSchema(ts, keyspace)).tables;
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
      return shards.map((shard) => [shard, `no VSchema for keyspace ${keyspace}`]);
    }
    const problems: [string, string][] = [];
    for (const shard of shards) {
      const primary = (await getShardOrNotFound(env, keyspace, shard)).shard.primaryAlias;
      if (!primary || primary.cell === "") continue;
      try {
        const { schema } = await getTabletSchema(env, primary, {
          excludeTables: [...options.excludeTables],
          includeViews: options.includeViews,
          tableSchemaOnly: true,
        });
        const missing = schema.tableDefinitions.map((t) => t.name).filter((name) => !(name in tables));
        if (missing.length > 0)
          problems.push([shard, `${shard} has tables that are not in the vschema: [${missing.join(" ")}]`]);
      } catch (err) {
        problems.push([shard, errorMessage(err)]);
      }
    }
    return problems;
  }

  return {
    async validateSchemaKeyspace(request) {
      const keyspace = requireName("keyspace", request.keyspace);
      await getKeyspaceOrNotFound(ts, keyspace);
      const all = await getShardNames(ts, keyspace);
      const unknown = request.shards.filter((s) => !all.includes(s));
      if (unknown.length > 0) throw notFound(`shard ${keyspace}/${unknown.join(", ")} not found`);
      const shards = request.shards.length > 0 ? [...new Set(request.shards)] : all;
      return validate(keyspace, shards, {
        excludeTables: request.excludeTables,
        includeViews: request.includeViews,
        skipNoPrimary: request.skipNoPrimary,
        includeVSchema: request.includeVschema,
      });
    },

    async validateSchemaShard(request) {
      const keyspace = requireName("keyspace", request.keyspace);
      const shard = requireName("shard", request.shard);
      await getShardOrNotFound(env, keyspace, shard);
      const { results } = await validate(keyspace, [shard], {
        excludeTables: request.excludeTables,
        includeViews: request.includeViews,
        skipNoPrimary: false,
        includeVSchema: false,
      });
      return { results };
    },
  };
}
