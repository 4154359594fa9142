import { randomInt } from "node:crypto";
import type { Logger } from "pino";
import type { CallContext, ServiceHandlers } from "../../../libs/grpc/index.js";
import { BinlogStream } from "../../../libs/mysql/binlog/index.js";
import type { MysqlAddress } from "../../../libs/mysql/connect.js";
import type {
  VStreamRequest,
  VStreamResponse,
  VStreamRowsRequest,
  VStreamRowsResponse,
} from "../../../libs/proto/binlogdata.js";
import type { Target } from "../../../libs/proto/query.js";
import type { QueryService } from "../../../libs/proto/queryservice.js";
import type { TabletAlias } from "../../../libs/proto/topodata.js";
import { Code, VtError, withContext } from "../../../libs/vterrors/index.js";
import { aliasString, checkTarget } from "../tabletserver/index.js";
import { DEFAULT_PACKET_SIZE } from "./batcher.js";
import { type OpenBinlogStream, TailRegistry } from "./binlog-tail.js";
import { copyThenStream } from "./copy.js";
import { prepareRowStream, type RowStreamContext, streamRows } from "./row-streamer.js";
import type { SchemaSource } from "./schema-source.js";
import type { VindexResolver } from "./vindex-resolver.js";
import { DEFAULT_HEARTBEAT_INTERVAL_MS, prepareVStream, runVStream, type VStreamContext } from "./vstream.js";

export interface VStreamerConfig {
  alias: TabletAlias;
  keyspace: string;
  shard: string;
  dbName: () => string;
  /** The tablet's target now (its type changes with reparents); requests must name it. */
  target: () => Target;
  /** mysqld, and the user that reads its binlog and tables (vt_filtered, as in Vitess). */
  address: MysqlAddress;
  user: string;
  password: string;
  schema: SchemaSource;
  /** The keyspace's vindexes from the cell's SrvVSchema, for in_keyrange and keyspace_id(). */
  vindexes: () => Promise<VindexResolver>;
  packetSize?: number;
  heartbeatIntervalMs?: number;
  /** Streams that have caught up share one binlog connection (default true). */
  shareBinlog?: boolean;
  /** Bytes a slow stream may lag behind the shared binlog tail before it reads on its own. */
  subscriberBufferBytes?: number;
  logger: Logger;
  /** Opens binlog streams (tests replace it). */
  openStream?: OpenBinlogStream;
}

/**
 * vttablet's VStream and VStreamRows (Vitess's vstreamer.Engine): checks each request's target, runs the
 * streams, and ends them all on close. Binlog events come from one shared tail for streams that have
 * caught up, or a connection per stream (binlog-tail.ts).
 */
export class VStreamerEngine {
  private readonly tails: TailRegistry;
  private readonly openStream: OpenBinlogStream;
  private readonly aliasText: string;
  private readonly streams = new Set<AbortController>();
  private closedBy: VtError | undefined;

  constructor(private readonly config: VStreamerConfig) {
    this.aliasText = aliasString(config.alias);
    this.openStream =
      config.openStream ??
      ((start) =>
        new BinlogStream({
          address: config.address,
          user: config.user,
          password: config.password,
          // Every binlog connection registers as a replica with an id of its own (as Vitess does).
          serverId: randomInt(0x40000000, 0x7fffffff),
          start,
          heartbeatIntervalMs: 1000,
          logger: config.logger,
        }));
    this.tails = new TailRegistry(this.openStream, {
      subscriberBufferBytes: config.subscriberBufferBytes,
      logger: config.logger,
    });
  }

  /** Streams running now (VStream and VStreamRows). */
  get streamCount(): number {
    return this.streams.size;
  }

  /** Whether a shared binlog tail runs, and how many streams read from it. */
  get sharedTailSubscribers(): number {
    return this.tails.current?.subscriberCount ?? 0;
  }

  handlers(): Pick<ServiceHandlers<typeof QueryService>, "vStream" | "vStreamRows"> {
    return {
      vStream: (request, context) => this.vStream(request, context),
      vStreamRows: (request, context) => this.vStreamRows(request, context),
    };
  }

  async *vStream(
    request: VStreamRequest,
    context: Pick<CallContext, "signal">,
  ): AsyncGenerator<VStreamResponse> {
    const controller = this.admit(request.target, context.signal);
    const streamContext: VStreamContext = {
      keyspace: this.config.keyspace,
      shard: this.config.shard,
      dbName: this.config.dbName(),
      schema: this.config.schema,
      sources: { tails: this.tails, openStream: this.openStream, share: this.config.shareBinlog ?? true },
      vindexes: this.config.vindexes,
      packetSize: this.config.packetSize ?? DEFAULT_PACKET_SIZE,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      logger: this.config.logger,
    };
    try {
      if (request.tableLastPKs.length > 0) {
        yield* copyThenStream(
          streamContext,
          this.rowContext(),
          request,
          controller.signal,
          () => this.closedBy,
        );
        return;
      }
      const prepared = await prepareVStream(streamContext, request);
      yield* runVStream(streamContext, prepared, controller.signal, () => this.closedBy);
    } catch (err) {
      throw this.failed(err, "vstream");
    } finally {
      this.streams.delete(controller);
    }
  }

  async *vStreamRows(
    request: VStreamRowsRequest,
    context: Pick<CallContext, "signal">,
  ): AsyncGenerator<VStreamRowsResponse> {
    const controller = this.admit(request.target, context.signal);
    const rowContext = this.rowContext();
    try {
      const prepared = await prepareRowStream(rowContext, request);
      yield* streamRows(rowContext, prepared, controller.signal);
      if (this.closedBy !== undefined) throw this.closedBy;
    } catch (err) {
      throw this.failed(err, "vstream rows");
    } finally {
      this.streams.delete(controller);
    }
  }

  private rowContext(): RowStreamContext {
    return {
      dbName: this.config.dbName(),
      schema: this.config.schema,
      snapshot: { address: this.config.address, user: this.config.user, password: this.config.password },
      vindexes: this.config.vindexes,
      packetSize: this.config.packetSize ?? DEFAULT_PACKET_SIZE,
      logger: this.config.logger,
    };
  }

  /** Ends every stream with UNAVAILABLE (callers retry elsewhere) and refuses new ones. */
  close(): void {
    if (this.closedBy !== undefined) return;
    this.closedBy = new VtError(
      Code.UNAVAILABLE,
      `vttablet ${this.aliasText} is shutting down: stream ended`,
    );
    for (const controller of this.streams) controller.abort(this.closedBy);
  }

  private admit(target: Target | undefined, signal: AbortSignal): AbortController {
    if (this.closedBy !== undefined) throw this.closedBy;
    const refusal = checkTarget(target, this.config.target(), this.config.alias);
    if (refusal !== undefined) throw refusal;
    const controller = new AbortController();
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
    this.streams.add(controller);
    return controller;
  }

  private failed(err: unknown, what: string): VtError {
    const error = withContext(err, `vttablet ${this.aliasText}: ${what}`);
    if (error.code === Code.UNKNOWN || error.code === Code.INTERNAL) {
      this.config.logger.error({ err: error.message }, `${what} failed`);
    } else {
      this.config.logger.info({ err: error.message, code: Code[error.code] }, `${what} ended with an error`);
    }
    return error;
  }
}
