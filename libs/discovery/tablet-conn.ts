import { createFrameClient, neverSent } from "../framerpc/index.js";
import { type ClientCallOptions, createGrpcClient, type ServiceClient } from "../grpc/index.js";
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

type Unary<Req, Res> = (request: Req, options?: ClientCallOptions) => Promise<Res>;

/**
 * A unary call over framerpc that goes over gRPC instead when the frame connection cannot be made (the
 * call was never sent, so nothing runs twice): e.g. a restarted tablet listens on a new frame port until
 * the topology watcher reads its new record.
 */
function framesOrGrpc<Req, Res>(frames: Unary<Req, Res> | undefined, grpc: Unary<Req, Res>): Unary<Req, Res> {
  if (frames === undefined) return grpc;
  return (request, options) =>
    frames(request, options).catch((err: unknown) => {
      if (neverSent(err)) return grpc(request, options);
      throw err;
    });
}

/**
 * vtgate --tablet-transport frame (the default): the unary calls (execute, begin, commit, rollback,
 * beginExecute) go over framerpc (libs/framerpc, one TCP connection per tablet) when the tablet record
 * publishes a "frame" port; streaming calls, and tablets without that port, use gRPC as grpcTabletDialer does.
 */
export const frameTabletDialer: TabletDialer = (tablet) => {
  const grpc = createGrpcClient(QueryService, tabletGrpcAddress(tablet));
  const port = tablet.portMap.frame;
  if (!port) return { conn: grpc.rpc, address: grpc.address, close: () => grpc.close() };
  const host = tablet.hostname;
  const frames = createFrameClient(QueryService, host, port);
  const unary = frames.rpc;
  const conn: TabletConn = {
    execute: framesOrGrpc(unary.execute, grpc.rpc.execute),
    begin: framesOrGrpc(unary.begin, grpc.rpc.begin),
    commit: framesOrGrpc(unary.commit, grpc.rpc.commit),
    rollback: framesOrGrpc(unary.rollback, grpc.rpc.rollback),
    beginExecute: framesOrGrpc(unary.beginExecute, grpc.rpc.beginExecute),
    streamExecute: grpc.rpc.streamExecute,
    streamHealth: grpc.rpc.streamHealth,
  };
  return {
    conn,
    address: grpc.address,
    close: () => {
      frames.close();
      grpc.close();
    },
  };
};
