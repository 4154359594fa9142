import { MirrorRules, RoutingRules, SrvVSchema } from "../proto/vschema.js";
import type { ApplyVSchemaResponse_ParamList } from "../proto/vtctldata.js";
import {
  getCellInfoNames,
  getKeyspace,
  getKeyspaceNames,
  getMirrorRules,
  getRoutingRules,
  getSrvVSchema,
  getVSchema,
  isTopoError,
  saveMirrorRules,
  saveRoutingRules,
  saveVSchema,
  TopoErrorCode,
} from "../topo/index.js";
import {
  formatIssues,
  type VSchemaIssue,
  validateKeyspaceVSchema,
  validateMirrorRules,
  validateRoutingRules,
} from "../vschema/index.js";
import { Code, invalidArgument, notFound, VtError } from "../vterrors/index.js";
import { requireName } from "./common.js";
import type { VtctldHandlers, VtctlEnv } from "./env.js";
import { checkCells, getAllVSchemas, rebuildSrvVSchema } from "./srv-vschema.js";

type VSchemaHandlers = Pick<
  VtctldHandlers,
  | "applyVSchema"
  | "getVSchema"
  | "rebuildVSchemaGraph"
  | "getSrvVSchema"
  | "getSrvVSchemas"
  | "getRoutingRules"
  | "applyRoutingRules"
  | "getMirrorRules"
  | "applyMirrorRules"
>;

/** The cells to rebuild after saving global rules; nothing but a warning with --skip-rebuild. */
interface RulesRequest {
  skipRebuild: boolean;
  rebuildCells: string[];
}

/**
 * ApplyVSchema, GetVSchema, RebuildVSchemaGraph, GetSrvVSchema(s), and the global rules: Get/ApplyRoutingRules,
 * Get/ApplyMirrorRules.
 */
export function vschemaHandlers(env: VtctlEnv): VSchemaHandlers {
  const { ts, logger } = env;

  /** Refuses invalid rules naming every issue; otherwise saves them and rebuilds the SrvVSchemas. */
  async function applyRules(
    request: RulesRequest,
    what: string,
    issues: VSchemaIssue[],
    save: () => Promise<void>,
  ): Promise<void> {
    if (issues.length > 0) throw invalidArgument(`invalid ${what}: ${formatIssues(issues)}`);
    if (!request.skipRebuild) await checkCells(ts, request.rebuildCells);
    await save();
    if (request.skipRebuild) {
      logger.warn(
        "Skipping rebuild of SrvVSchema, will need to run RebuildVSchemaGraph for changes to take effect",
      );
      return;
    }
    await rebuildSrvVSchema(ts, request.rebuildCells);
  }

  /** Vindex name → the params its type does not know (Vitess's UnknownVindexParams). */
  function unknownVindexParams(
    vindexes: Readonly<Record<string, { type: string; params: Record<string, string> }>>,
  ): Record<string, ApplyVSchemaResponse_ParamList> {
    const unknown: Record<string, ApplyVSchemaResponse_ParamList> = {};
    for (const name of Object.keys(vindexes).sort()) {
      const info = vindexes[name];
      if (!info) continue;
      const params = env.vindexes.create(info.type, name, info.params ?? {}).unknownParams;
      if (params.length > 0) unknown[name] = { params: [...params] };
    }
    return unknown;
  }

  return {
    async applyVSchema(request) {
      const keyspace = requireName("keyspace", request.keyspace);
      try {
        await getKeyspace(ts, keyspace);
      } catch (err) {
        if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
        throw notFound(`keyspace(${keyspace}) doesn't exist, check if the keyspace is initialized`);
      }
      const vschema = request.vSchema;
      if ((request.sql !== "") === (vschema !== undefined))
        throw invalidArgument("must pass exactly one of req.VSchema and req.Sql");
      if (vschema === undefined) {
        throw new VtError(
          Code.UNIMPLEMENTED,
          "ApplyVSchema: VSchema DDL (--sql) is not supported; pass the VSchema as JSON (--vschema or --vschema-file)",
        );
      }
      if (!request.skipRebuild && !request.dryRun) await checkCells(ts, request.cells);

      const { errors, warnings } = validateKeyspaceVSchema(
        keyspace,
        vschema,
        env.vindexes,
        await getAllVSchemas(ts),
      );
      if (errors.length > 0) {
        throw invalidArgument(`invalid VSchema for keyspace ${keyspace}: ${formatIssues(errors)}`);
      }
      if (warnings.length > 0) logger.warn({ keyspace, warnings: formatIssues(warnings) }, "ApplyVSchema");
      const unknown = unknownVindexParams(vschema.vindexes);
      if (request.strict && Object.keys(unknown).length > 0) {
        const list = Object.entries(unknown).map(([name, p]) => `${name} (${p.params.join(", ")})`);
        throw invalidArgument(`unknown vindex params: ${list.join("; ")}`);
      }
      if (request.dryRun) return { vSchema: vschema, unknownVindexParams: unknown };

      await saveVSchema(ts, keyspace, vschema);
      if (request.skipRebuild) {
        logger.warn(
          { keyspace },
          "Skipping rebuild of SrvVSchema, will need to run RebuildVSchemaGraph for changes to take effect",
        );
      } else {
        await rebuildSrvVSchema(ts, request.cells);
      }
      return { vSchema: await getVSchema(ts, keyspace), unknownVindexParams: unknown };
    },

    async getVSchema(request) {
      const keyspace = requireName("keyspace", request.keyspace);
      try {
        return { vSchema: await getVSchema(ts, keyspace) };
      } catch (err) {
        if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
        throw notFound(`no VSchema for keyspace ${keyspace}`, { cause: err });
      }
    },

    async rebuildVSchemaGraph(request) {
      await rebuildSrvVSchema(ts, request.cells);
      return {};
    },

    async getSrvVSchema(request) {
      const cell = requireName("cell", request.cell);
      await checkCells(ts, [cell]);
      try {
        return { srvVSchema: await getSrvVSchema(ts, cell) };
      } catch (err) {
        if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
        throw notFound(`no SrvVSchema in cell ${cell}; run RebuildVSchemaGraph`, { cause: err });
      }
    },

    async getSrvVSchemas(request) {
      const known = await getCellInfoNames(ts);
      // As Vitess: requested cells that do not exist are left out.
      const cells = request.cells.length > 0 ? known.filter((cell) => request.cells.includes(cell)) : known;
      const srvVSchemas: Record<string, SrvVSchema> = {};
      for (const cell of cells) {
        try {
          srvVSchemas[cell] = await getSrvVSchema(ts, cell);
        } catch (err) {
          if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
          logger.warn({ cell }, "no SrvVSchema");
          srvVSchemas[cell] = SrvVSchema.create();
        }
      }
      return { srvVSchemas };
    },

    async getRoutingRules() {
      return { routingRules: await getRoutingRules(ts) };
    },

    async applyRoutingRules(request) {
      const rules = request.routingRules ?? RoutingRules.create();
      await applyRules(
        request,
        "routing rules",
        validateRoutingRules(rules, await getKeyspaceNames(ts)),
        () => saveRoutingRules(ts, rules),
      );
      return {};
    },

    async getMirrorRules() {
      return { mirrorRules: await getMirrorRules(ts) };
    },

    async applyMirrorRules(request) {
      const rules = request.mirrorRules ?? MirrorRules.create();
      await applyRules(request, "mirror rules", validateMirrorRules(rules, await getKeyspaceNames(ts)), () =>
        saveMirrorRules(ts, rules),
      );
      return {};
    },
  };
}
