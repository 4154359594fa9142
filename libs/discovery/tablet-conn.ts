import { createGrpcClient, type ServiceClient } from "../grpc/index.js";
import { QueryService } from "../proto/queryservice.js";
import type { Tablet } from "../proto/topodata.js";
import { failedPrecondition } from "../vterrors/index.js";

/**
 * The part of a tablet's QueryService that vtgate uses: queries, transactions and the health stream. The
 * generated gRPC client fits it, and so does the fake in testing/ (Vitess's sandboxconn).
 */
export type TabletConn = Pick<
  ServiceClient<typeof QueryService>,
  "execute" | "streamExecute" | "begin" | "commit" | "rollback" | "beginExecute" | "streamHealth"
>;

export interface TabletConnHandle {
  readonly conn: TabletConn;
  /** "host:grpcport" the connection goes to. */
  readonly address: string;
  close(): void;
}

/** Opens the connection to one tablet; called once per tablet record (reused for every query). */
export type TabletDialer = (tablet: Tablet) => TabletConnHandle;

/** `hostname:port_map.grpc` of a tablet record; FAILED_PRECONDITION when it has no gRPC port. */
export function tabletGrpcAddress(tablet: Tablet): string {
  const port = tablet.portMap.grpc;
  if (!port) throw failedPrecondition(`tablet ${tablet.hostname} has no grpc port in its record`);
  const host = tablet.hostname.includes(":") ? `[${tablet.hostname}]` : tablet.hostname;
  return `${host}:${port}`;
}

/** The real dialer: one gRPC client per tablet. */
export const grpcTabletDialer: TabletDialer = (tablet) => {
  const client = createGrpcClient(QueryService, tabletGrpcAddress(tablet));
  return { conn: client.rpc, address: client.address, close: () => client.close() };
};
