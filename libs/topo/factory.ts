import type { TopoConn } from "./conn.js";
import { TopoError, TopoErrorCode } from "./errors.js";
import { EtcdTopoConn } from "./etcd2/server.js";
import { MemoryTopoStore } from "./memory/store.js";

/** Opens a conn to one store (global or a cell) under `root`; how TopoServer reaches cells. */
export type TopoConnFactory = (serverAddress: string, root: string) => Promise<TopoConn>;

export const TOPO_IMPLEMENTATIONS = ["etcd2", "memory"] as const;
export type TopoImplementation = (typeof TOPO_IMPLEMENTATIONS)[number];

export interface OpenTopoConnOptions {
  /** "etcd2" or "memory"; anything else fails with NoImplementation. A string so flag values pass straight in. */
  implementation: string;
  /** etcd: "host:port[,host:port...]". memory: ignored. */
  serverAddress: string;
  /** e.g. "/vitess/global" or "/vitess/zone1". */
  root: string;
  /** memory only: the shared tree to open in (default: a fresh one, seen by nobody else). */
  memoryStore?: MemoryTopoStore;
}

export function isTopoImplementation(name: string): name is TopoImplementation {
  return (TOPO_IMPLEMENTATIONS as readonly string[]).includes(name);
}

export function checkTopoImplementation(name: string): TopoImplementation {
  if (!isTopoImplementation(name)) {
    throw new TopoError(TopoErrorCode.NoImplementation, JSON.stringify(name), {
      detail: `known implementations: ${TOPO_IMPLEMENTATIONS.join(", ")}`,
    });
  }
  return name;
}

export async function openTopoConn(options: OpenTopoConnOptions): Promise<TopoConn> {
  return connFactoryFor(options.implementation, options.memoryStore)(options.serverAddress, options.root);
}

/**
 * A factory for every conn of one topology (global and cells). For memory, all of them share one store, as
 * Vitess's memorytopo serves every cell from one tree; the server address is ignored.
 */
export function connFactoryFor(implementation: string, memoryStore?: MemoryTopoStore): TopoConnFactory {
  switch (checkTopoImplementation(implementation)) {
    case "etcd2":
      return async (serverAddress, root) => EtcdTopoConn.open(serverAddress, root);
    case "memory": {
      const store = memoryStore ?? new MemoryTopoStore();
      return async (_serverAddress, root) => store.conn(root);
    }
  }
}
