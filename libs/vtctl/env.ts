import type { CallContext, ServiceHandlers } from "../grpc/index.js";
import type { VtctldService } from "../proto/vtctlservice.js";
import type { Logger } from "../servenv/index.js";
import type { TopoServer } from "../topo/index.js";
import type { VindexRegistry } from "../vindexes/index.js";
import type { TabletManagerClientFactory } from "./tmclient.js";

/** Vitess's --remote-operation-timeout default: the deadline of one tablet RPC. */
export const DEFAULT_REMOTE_OPERATION_TIMEOUT_MS = 15_000;
/** Vitess's default --wait-replicas-timeout for reparents. */
export const DEFAULT_WAIT_REPLICAS_TIMEOUT_MS = 15_000;

/** What every Vtctld RPC works with. */
export interface VtctlEnv {
  readonly ts: TopoServer;
  readonly tmc: TabletManagerClientFactory;
  readonly logger: Logger;
  /** The deadline of each single tablet RPC (Vitess's --remote-operation-timeout). */
  readonly remoteOperationTimeoutMs: number;
  /** The vindex types ApplyVSchema accepts. */
  readonly vindexes: VindexRegistry;
}

export type VtctldHandlers = ServiceHandlers<typeof VtctldService>;
export type VtctldMethod = keyof VtctldHandlers;
export type { CallContext };
