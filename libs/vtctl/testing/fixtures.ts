import { pino } from "pino";
import type { CallContext, RequestOf, ResponseOf } from "../../grpc/index.js";
import { Tablet, TabletType } from "../../proto/topodata.js";
import { VtctldService } from "../../proto/vtctlservice.js";
import { createMemoryTopoServer, createTablet, type TopoServer } from "../../topo/index.js";
import type { VtctldHandlers, VtctldMethod } from "../env.js";
import { createVtctldService } from "../server.js";
import { FakeTabletManagerClient } from "./fake-tmclient.js";

export interface TestVtctld {
  ts: TopoServer;
  tmc: FakeTabletManagerClient;
  handlers: Partial<VtctldHandlers>;
  /** Calls a Vtctld RPC with the request's unset fields at their defaults. */
  call<M extends VtctldMethod>(
    method: M,
    request?: Partial<RequestOf<(typeof VtctldService)[M]>>,
  ): Promise<ResponseOf<(typeof VtctldService)[M]>>;
}

const context: CallContext = { signal: new AbortController().signal, deadline: undefined, peer: "test" };

/** A Vtctld service over a memory topo with `cells` and a fake tablet manager client. */
export async function createTestVtctld(cells: readonly string[] = ["zone1"]): Promise<TestVtctld> {
  const { server: ts } = await createMemoryTopoServer(cells, { lockTimeoutMs: 2_000 });
  const tmc = new FakeTabletManagerClient();
  const handlers = createVtctldService({
    ts,
    tmc,
    logger: pino({ level: "silent" }),
    remoteOperationTimeoutMs: 1_000,
  });
  return {
    ts,
    tmc,
    handlers,
    async call(method, request = {}) {
      const handler = handlers[method] as unknown as (req: unknown, ctx: CallContext) => Promise<never>;
      if (!handler) throw new Error(`no handler for ${String(method)}`);
      const full = { ...VtctldService[method].requestDeserialize(Buffer.alloc(0)), ...request };
      return handler(full, context);
    },
  };
}

export interface TabletSpec {
  cell?: string;
  uid: number;
  keyspace: string;
  shard: string;
  type?: TabletType;
  primaryTermStartSeconds?: number;
}

/** Registers a tablet record (and its ShardReplication entry) as a starting vttablet would. */
export async function addTablet(ts: TopoServer, spec: TabletSpec): Promise<Tablet> {
  const tablet = Tablet.fromPartial({
    alias: { cell: spec.cell ?? "zone1", uid: spec.uid },
    hostname: "localhost",
    portMap: { vt: 15000 + spec.uid, grpc: 16000 + spec.uid },
    keyspace: spec.keyspace,
    shard: spec.shard,
    type: spec.type ?? TabletType.REPLICA,
    mysqlHostname: "localhost",
    mysqlPort: 17000 + spec.uid,
    ...(spec.primaryTermStartSeconds === undefined
      ? {}
      : { primaryTermStartTime: { seconds: spec.primaryTermStartSeconds, nanoseconds: 0 } }),
  });
  await createTablet(ts, tablet);
  return tablet;
}

/** Every file of the global topology and of `cells`, as path → hex contents, to assert nothing changed. */
export async function snapshotTopo(
  ts: TopoServer,
  cells: readonly string[] = ["zone1"],
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const cell of ["global", ...cells]) {
    const conn = await ts.connForCell(cell);
    for (const file of await conn.listRecursive("")) {
      files.set(`${cell}:${file.path}`, Buffer.from(file.contents).toString("hex"));
    }
  }
  return files;
}
