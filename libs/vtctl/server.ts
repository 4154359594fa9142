import type { Logger } from "../servenv/index.js";
import type { TopoServer } from "../topo/index.js";
import { createDefaultVindexRegistry, type VindexRegistry } from "../vindexes/index.js";
import { applySchemaHandlers } from "./apply-schema.js";
import { cellHandlers } from "./cells.js";
import { DEFAULT_REMOTE_OPERATION_TIMEOUT_MS, type VtctldHandlers, type VtctlEnv } from "./env.js";
import { toVtError } from "./errors.js";
import { keyspaceHandlers } from "./keyspaces.js";
import { replicationHandlers } from "./replication.js";
import { schemaHandlers } from "./schema.js";
import { copySchemaHandlers } from "./schema-copy.js";
import { validateSchemaHandlers } from "./schema-validate.js";
import { servingGraphHandlers } from "./serving-graph.js";
import { shardHandlers } from "./shards.js";
import { tabletHandlers } from "./tablets.js";
import type { TabletManagerClientFactory } from "./tmclient.js";
import { vdiffHandlers } from "./vdiff/handlers.js";
import { vschemaHandlers } from "./vschema.js";
import { workflowHandlers } from "./workflow/handlers.js";

export interface VtctldServiceOptions {
  ts: TopoServer;
  tmc: TabletManagerClientFactory;
  logger: Logger;
  /** Deadline of each single tablet RPC (default 15 s, Vitess's --remote-operation-timeout). */
  remoteOperationTimeoutMs?: number;
  /** The vindex types ApplyVSchema accepts (default: every built-in type). */
  vindexRegistry?: VindexRegistry;
}

/** The Vtctld RPCs implemented so far; a new group (schema, VSchema, ...) is one more entry here. */
const GROUPS = [
  cellHandlers,
  keyspaceHandlers,
  shardHandlers,
  tabletHandlers,
  servingGraphHandlers,
  replicationHandlers,
  schemaHandlers,
  applySchemaHandlers,
  validateSchemaHandlers,
  copySchemaHandlers,
  vschemaHandlers,
  workflowHandlers,
  vdiffHandlers,
] as const;

/**
 * The Vtctld service as a library: handlers for GrpcServer.addService(VtctldService, ...), or called in-process
 * (vtctldclient --server internal). Every error leaves as a VtError with a vtrpc code (see toVtError).
 */
export function createVtctldService(options: VtctldServiceOptions): Partial<VtctldHandlers> {
  const env: VtctlEnv = {
    ts: options.ts,
    tmc: options.tmc,
    logger: options.logger,
    remoteOperationTimeoutMs: options.remoteOperationTimeoutMs ?? DEFAULT_REMOTE_OPERATION_TIMEOUT_MS,
    vindexes: options.vindexRegistry ?? createDefaultVindexRegistry(),
  };
  const handlers: Record<string, (request: never, context: never) => Promise<unknown>> = {};
  for (const group of GROUPS) {
    for (const [method, handler] of Object.entries(group(env))) {
      const fn = handler as (request: unknown, context: unknown) => Promise<unknown>;
      handlers[method] = async (request, context) => {
        try {
          return await fn(request, context);
        } catch (err) {
          throw toVtError(err);
        }
      };
    }
  }
  return handlers as Partial<VtctldHandlers>;
}
