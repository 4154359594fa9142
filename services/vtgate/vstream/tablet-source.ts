import { type HealthCheck, tabletGrpcAddress, tabletTypeName } from "../../../libs/discovery/index.js";
import { createGrpcClient, type GrpcClientHandle } from "../../../libs/grpc/index.js";
import { VStreamRequest, type VStreamResponse } from "../../../libs/proto/binlogdata.js";
import { QueryService } from "../../../libs/proto/queryservice.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { ShardStreamRequest, ShardStreamSource } from "./vstream-manager.js";

/**
 * Tablet streams for vtgate's VStream: a serving tablet of the shard and type from the health check
 * vtgate already runs, one gRPC client per tablet address (VStream is a streaming call, so it goes over
 * gRPC whatever --tablet-transport says).
 */
export class TabletStreamSource implements ShardStreamSource {
  private readonly clients = new Map<string, GrpcClientHandle<typeof QueryService>>();

  constructor(private readonly healthCheck: HealthCheck) {}

  open(
    request: ShardStreamRequest,
    signal: AbortSignal,
    avoid: string | undefined,
  ): { tablet: string; responses: AsyncIterable<VStreamResponse> } {
    const { keyspace, shard, tabletType } = request;
    const health =
      this.healthCheck.pickTablet(keyspace, shard, tabletType, avoid ? new Set([avoid]) : undefined) ??
      this.healthCheck.pickTablet(keyspace, shard, tabletType);
    if (health === undefined) {
      throw new VtError(
        Code.UNAVAILABLE,
        `no healthy ${tabletTypeName(tabletType)} tablet for ${keyspace}/${shard}`,
      );
    }
    const address = tabletGrpcAddress(health.tablet);
    let client = this.clients.get(address);
    if (client === undefined) {
      client = createGrpcClient(QueryService, address);
      this.clients.set(address, client);
    }
    const responses = client.rpc.vStream(
      VStreamRequest.fromPartial({
        target: { keyspace, shard, tabletType, cell: health.tablet.alias?.cell ?? "" },
        position: request.position,
        filter: request.filter,
        tableLastPKs: [...request.tableLastPKs],
      }),
      { signal },
    ) as AsyncIterable<VStreamResponse>;
    return { tablet: health.alias, responses };
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
