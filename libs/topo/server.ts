import { CellInfo } from "../proto/topodata.js";
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_LOCK_TTL_MS, type TopoConn } from "./conn.js";
import { TopoError, TopoErrorCode } from "./errors.js";
import { checkTopoImplementation, connFactoryFor, type TopoConnFactory } from "./factory.js";
import { MemoryTopoStore } from "./memory/store.js";
import { cellInfoPath, GLOBAL_CELL } from "./paths.js";
import { encodeRecord, readRecord } from "./records.js";

export interface TopoServerOptions {
  /** How long lockKeyspace/lockShard wait for a contended lock (Vitess's --lock-timeout, default 45 s). */
  lockTimeoutMs?: number;
  /** How long a lock outlives a dead holder (Vitess's --topo_etcd_lease_ttl, default 30 s). */
  lockTtlMs?: number;
}

/**
 * The topology as Vitess's topo.Server sees it: the global conn, plus one conn per cell opened on first use from
 * the cell's CellInfo (server address and root) stored in the global topology. The typed records (keyspace.ts,
 * shard.ts, tablet.ts, ...) are functions taking a TopoServer.
 */
export class TopoServer {
  readonly lockTimeoutMs: number;
  readonly lockTtlMs: number;
  private readonly cells = new Map<string, Promise<TopoConn>>();
  private closed = false;

  constructor(
    readonly globalConn: TopoConn,
    private readonly connFactory: TopoConnFactory,
    options: TopoServerOptions = {},
  ) {
    this.lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    this.lockTtlMs = options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS;
  }

  /**
   * The conn for `cell` ("global" gives the global conn). Opened once and shared; a failed open (no CellInfo,
   * server down) is not cached, so the next call tries again.
   */
  connForCell(cell: string): Promise<TopoConn> {
    if (this.closed) return Promise.reject(new TopoError(TopoErrorCode.Interrupted, "topo server is closed"));
    if (cell === GLOBAL_CELL) return Promise.resolve(this.globalConn);
    let conn = this.cells.get(cell);
    if (!conn) {
      conn = this.openCell(cell);
      this.cells.set(cell, conn);
      conn.catch(() => this.cells.delete(cell));
    }
    return conn;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const cells = [...this.cells.values()];
    this.cells.clear();
    const conns = await Promise.allSettled(cells);
    await Promise.all(conns.map((c) => (c.status === "fulfilled" ? c.value.close() : undefined)));
    await this.globalConn.close();
  }

  private async openCell(cell: string): Promise<TopoConn> {
    const { value: info } = await readRecord(this.globalConn, CellInfo, cellInfoPath(cell));
    return this.connFactory(info.serverAddress, info.root);
  }
}

export interface OpenTopoServerOptions extends TopoServerOptions {
  /** "etcd2" or "memory" (--topo-implementation). */
  implementation: string;
  /** --topo-global-server-address, e.g. "127.0.0.1:2379". */
  globalServerAddress: string;
  /** --topo-global-root, e.g. "/vitess/global". */
  globalRoot: string;
}

export async function openTopoServer(options: OpenTopoServerOptions): Promise<TopoServer> {
  const implementation = checkTopoImplementation(options.implementation);
  if (implementation === "etcd2" && options.globalServerAddress === "") {
    throw new TopoError(TopoErrorCode.NoImplementation, "etcd2 topo", {
      detail: "--topo-global-server-address is required",
    });
  }
  const factory = connFactoryFor(implementation);
  const globalConn = await factory(options.globalServerAddress, options.globalRoot);
  return new TopoServer(globalConn, factory, options);
}

/**
 * A TopoServer over a fresh in-memory store with CellInfo for each of `cells` (roots "/vitess/<cell>"), like
 * Vitess's memorytopo.NewServer(cells...). For unit tests; the store is returned for its test hooks.
 */
export async function createMemoryTopoServer(
  cells: readonly string[],
  options: TopoServerOptions = {},
): Promise<{ server: TopoServer; store: MemoryTopoStore }> {
  const store = new MemoryTopoStore();
  const factory = connFactoryFor("memory", store);
  const server = new TopoServer(await factory("memory", "/vitess/global"), factory, options);
  for (const cell of cells) {
    const info = CellInfo.create({ serverAddress: "memory", root: `/vitess/${cell}` });
    await server.globalConn.create(cellInfoPath(cell), encodeRecord(CellInfo, info));
  }
  return { server, store };
}
