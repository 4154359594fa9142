import { createGrpcClient, type GrpcClientHandle } from "../../../libs/grpc/index.js";
import { QueryService } from "../../../libs/proto/queryservice.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import { getTabletsByCell, type TopoServer, tabletAliasString } from "../../../libs/topo/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { LagReading } from "./throttler.js";

type QueryClient = GrpcClientHandle<typeof QueryService>;

/** How long a tablet has to send its first health report before it is left out of a lag reading. */
const HEALTH_TIMEOUT_MS = 2_000;

/** The replication lag a tablet reports in its first StreamHealth message (Vitess's realtime stats). */
export async function healthLagSeconds(
  client: QueryClient,
  alias: string,
  signal: AbortSignal,
): Promise<number> {
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => abort.abort(), HEALTH_TIMEOUT_MS);
  try {
    for await (const response of client.rpc.streamHealth({}, { signal: abort.signal })) {
      const stats = response.realtimeStats;
      if (stats?.healthError)
        throw new VtError(Code.UNAVAILABLE, `tablet ${alias} is unhealthy: ${stats.healthError}`);
      return stats?.replicationLagSeconds ?? 0;
    }
    throw new VtError(Code.UNAVAILABLE, `tablet ${alias} sent no health report`);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    abort.abort();
  }
}

/** The larger of two readings (undefined: no tablet answered). */
export function maxLag(a: LagReading | undefined, b: LagReading | undefined): LagReading | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b.seconds > a.seconds ? b : a;
}

/**
 * The replication lag of the target shard's replicas (REPLICA and RDONLY tablets of the tablet's own
 * keyspace/shard in its cell, itself excepted): what max_replication_lag protects on the target side. A
 * replica that does not answer is left out (a dead replica does not lag; it is not served from either).
 */
export class TopoReplicaLag {
  private readonly clients = new Map<string, { address: string; client: QueryClient }>();

  constructor(
    private readonly ts: TopoServer,
    private readonly cell: string,
    private readonly self: () => { keyspace: string; shard: string; alias: string },
  ) {}

  async read(signal: AbortSignal): Promise<LagReading | undefined> {
    const { keyspace, shard, alias } = this.self();
    const replicas = (await getTabletsByCell(this.ts, this.cell))
      .map((info) => info.tablet)
      .filter(
        (tablet) =>
          tablet.keyspace === keyspace &&
          tablet.shard === shard &&
          (tablet.type === TabletType.REPLICA || tablet.type === TabletType.RDONLY) &&
          tablet.alias !== undefined &&
          tabletAliasString(tablet.alias) !== alias &&
          (tablet.portMap.grpc ?? 0) > 0,
      );
    const readings = await Promise.all(
      replicas.map(async (tablet): Promise<LagReading | undefined> => {
        const name = tablet.alias === undefined ? "" : tabletAliasString(tablet.alias);
        const seconds = await healthLagSeconds(
          this.client(name, `${tablet.hostname}:${tablet.portMap.grpc}`),
          name,
          signal,
        ).catch(() => undefined);
        return seconds === undefined ? undefined : { seconds, tablet: name };
      }),
    );
    return readings.reduce<LagReading | undefined>(maxLag, undefined);
  }

  private client(alias: string, address: string): QueryClient {
    const known = this.clients.get(alias);
    if (known?.address === address) return known.client;
    known?.client.close();
    const client = createGrpcClient(QueryService, address);
    this.clients.set(alias, { address, client });
    return client;
  }

  close(): void {
    for (const { client } of this.clients.values()) client.close();
    this.clients.clear();
  }
}
