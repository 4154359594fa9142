import type { Logger } from "pino";
import type { CallContext } from "../../../libs/grpc/index.js";
import type { VStreamResponse } from "../../../libs/proto/binlogdata.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import type { VStreamRequest } from "../../../libs/proto/vtgate.js";
import { invalidArgument } from "../../../libs/vterrors/index.js";
import { resolveShardGtids, type SrvKeyspaceReader } from "./shards.js";
import { DEFAULT_RETRY, mergeVStreams, type RetryPolicy, type ShardStreamSource } from "./vstream-manager.js";

export interface VStreamHandlerDeps {
  readonly source: ShardStreamSource;
  readonly readSrvKeyspace: SrvKeyspaceReader;
  readonly logger: Logger;
  readonly retry?: RetryPolicy;
}

/** `Vitess.VStream`: checks the request, resolves the shards, streams their merged events. */
export async function* vStreamHandler(
  deps: VStreamHandlerDeps,
  request: VStreamRequest,
  call: Pick<CallContext, "signal">,
): AsyncGenerator<VStreamResponse> {
  const tabletType = request.tabletType === TabletType.UNKNOWN ? TabletType.PRIMARY : request.tabletType;
  const filter = request.filter;
  if (filter === undefined || filter.rules.length === 0) {
    throw invalidArgument("vstream needs a filter with at least one rule");
  }
  const shards = await resolveShardGtids(request.vgtid?.shardGtids ?? [], tabletType, deps.readSrvKeyspace);
  deps.logger.info({ shards: shards.map((s) => `${s.keyspace}/${s.shard}@${s.gtid}`) }, "vstream started");
  yield* mergeVStreams(
    deps.source,
    shards,
    {
      tabletType,
      filter,
      heartbeatIntervalMs: (request.flags?.heartbeatInterval ?? 0) * 1000,
      retry: deps.retry ?? DEFAULT_RETRY,
      logger: deps.logger,
    },
    call.signal,
  );
}
