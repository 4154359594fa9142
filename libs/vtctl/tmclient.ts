import { createGrpcClient, type GrpcClientHandle, type ServiceClient } from "../grpc/index.js";
import { TabletManagerService } from "../proto/tabletmanagerservice.js";
import type { Tablet } from "../proto/topodata.js";
import { tabletAliasString } from "../topo/index.js";
import { failedPrecondition } from "../vterrors/index.js";

/** The tablet manager RPCs vtctld makes (a narrow view of the TabletManager service). */
export type TabletManagerClient = Pick<
  ServiceClient<typeof TabletManagerService>,
  | "ping"
  | "changeType"
  | "refreshState"
  | "setReadOnly"
  | "setReadWrite"
  | "executeFetchAsDba"
  | "getSchema"
  | "reloadSchema"
  | "preflightSchema"
  | "applySchema"
  | "replicationStatus"
  | "primaryStatus"
  | "primaryPosition"
  | "fullStatus"
  | "waitForPosition"
  | "stopReplication"
  | "startReplication"
  | "stopReplicationAndGetStatus"
  | "resetReplication"
  | "initPrimary"
  | "initReplica"
  | "populateReparentJournal"
  | "demotePrimary"
  | "undoDemotePrimary"
  | "promoteReplica"
  | "setReplicationSource"
  | "vReplicationExec"
  | "vReplicationWaitForPos"
  | "createVReplicationWorkflow"
  | "readVReplicationWorkflow"
  | "readVReplicationWorkflows"
  | "updateVReplicationWorkflow"
  | "deleteVReplicationWorkflow"
  | "vDiff"
>;

export type TabletManagerMethod = keyof TabletManagerClient;

/**
 * How vtctld reaches tablets (Vitess's tmclient): a client for the tablet manager of one tablet. Injected, so
 * tests can pass a fake that records calls and fails on demand.
 */
export interface TabletManagerClientFactory {
  /** A client for `tablet`'s tablet manager. Throws FAILED_PRECONDITION when the tablet has no gRPC port. */
  forTablet(tablet: Tablet): TabletManagerClient;
  /** Closes every connection opened so far. */
  close(): void;
}

/** Where a tablet's tablet manager listens: its hostname and port_map["grpc"]. */
export function tabletGrpcAddress(tablet: Tablet): string {
  const port = tablet.portMap.grpc;
  if (!port) {
    const alias = tablet.alias ? tabletAliasString(tablet.alias) : tablet.hostname;
    throw failedPrecondition(`tablet ${alias} has no grpc port in its record`);
  }
  return `${tablet.hostname}:${port}`;
}

/** The real client: one gRPC channel per tablet address, opened on first use. */
export class GrpcTabletManagerClientFactory implements TabletManagerClientFactory {
  private readonly clients = new Map<string, GrpcClientHandle<typeof TabletManagerService>>();

  forTablet(tablet: Tablet): TabletManagerClient {
    const address = tabletGrpcAddress(tablet);
    let handle = this.clients.get(address);
    if (!handle) {
      handle = createGrpcClient(TabletManagerService, address);
      this.clients.set(address, handle);
    }
    return handle.rpc;
  }

  close(): void {
    for (const handle of this.clients.values()) handle.close();
    this.clients.clear();
  }
}
