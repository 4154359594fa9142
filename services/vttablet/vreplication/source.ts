import { createGrpcClient } from "../../../libs/grpc/index.js";
import type {
  VStreamRequest,
  VStreamResponse,
  VStreamRowsRequest,
  VStreamRowsResponse,
} from "../../../libs/proto/binlogdata.js";
import type { Target } from "../../../libs/proto/query.js";
import { QueryService } from "../../../libs/proto/queryservice.js";
import { type Tablet, TabletType, tabletTypeFromJSON } from "../../../libs/proto/topodata.js";
import { getTabletsByCell, type TopoServer, tabletAliasString } from "../../../libs/topo/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import { healthLagSeconds } from "./lag-probe.js";

/** A source tablet's change streams (QueryService.VStream and VStreamRows). */
export interface SourceStreamer {
  /** The tablet alias, for messages and for avoiding it on the next pick after a failure. */
  readonly alias: string;
  readonly target: Target;
  vstream(request: VStreamRequest, signal: AbortSignal): AsyncIterable<VStreamResponse>;
  vstreamRows(request: VStreamRowsRequest, signal: AbortSignal): AsyncIterable<VStreamRowsResponse>;
  /** The source tablet's replication lag, from its health stream (for max_replication_lag). */
  replicationLagSeconds(signal: AbortSignal): Promise<number>;
  close(): void;
}

export interface SourceRequest {
  keyspace: string;
  shard: string;
  /** Cells to look in; empty: the target's own cell. */
  cells: readonly string[];
  /** Tablet types in order of preference. */
  tabletTypes: readonly TabletType[];
  /** Tablets that just failed: chosen only when nothing else is left. */
  avoid: ReadonlySet<string>;
}

/** Chooses a source tablet for a stream. UNAVAILABLE when the shard has no tablet of the wanted types. */
export interface SourcePicker {
  pick(request: SourceRequest): Promise<SourceStreamer>;
}

/** The default preference: replicas and rdonly tablets first, the primary last (seed 001). */
export const DEFAULT_TABLET_TYPES: readonly TabletType[] = [
  TabletType.REPLICA,
  TabletType.RDONLY,
  TabletType.PRIMARY,
];

/** `replica,primary` or `in_order:REPLICA,PRIMARY` as tablet types; empty: the default. */
export function parseTabletTypes(text: string): TabletType[] {
  const list = text.replace(/^in_order:/i, "").trim();
  if (list === "") return [...DEFAULT_TABLET_TYPES];
  return list.split(",").map((name) => {
    const upper = name.trim().toUpperCase();
    const type = tabletTypeFromJSON(upper === "MASTER" ? "PRIMARY" : upper);
    if (type === TabletType.UNRECOGNIZED)
      throw new VtError(Code.INVALID_ARGUMENT, `unknown tablet type "${name}"`);
    return type;
  });
}

class GrpcSourceStreamer implements SourceStreamer {
  private readonly client;
  constructor(
    readonly alias: string,
    address: string,
    readonly target: Target,
  ) {
    this.client = createGrpcClient(QueryService, address);
  }

  vstream(request: VStreamRequest, signal: AbortSignal): AsyncIterable<VStreamResponse> {
    return this.client.rpc.vStream({ ...request, target: this.target }, { signal });
  }

  vstreamRows(request: VStreamRowsRequest, signal: AbortSignal): AsyncIterable<VStreamRowsResponse> {
    return this.client.rpc.vStreamRows({ ...request, target: this.target }, { signal });
  }

  replicationLagSeconds(signal: AbortSignal): Promise<number> {
    return healthLagSeconds(this.client, this.alias, signal);
  }

  close(): void {
    this.client.close();
  }
}

/** Picks from the tablet records in the topology: the first wanted type that has tablets, one at random. */
export class TopoSourcePicker implements SourcePicker {
  constructor(
    private readonly ts: TopoServer,
    private readonly localCell: string,
  ) {}

  async pick(request: SourceRequest): Promise<SourceStreamer> {
    const cells = request.cells.length > 0 ? request.cells : [this.localCell];
    const tablets: Tablet[] = [];
    for (const cell of cells) {
      for (const info of await getTabletsByCell(this.ts, cell)) {
        if (info.tablet.keyspace === request.keyspace && info.tablet.shard === request.shard)
          tablets.push(info.tablet);
      }
    }
    for (const fresh of [true, false]) {
      for (const type of request.tabletTypes) {
        const candidates = tablets.filter(
          (tablet) =>
            tablet.type === type &&
            tablet.alias !== undefined &&
            (tablet.portMap.grpc ?? 0) > 0 &&
            fresh !== request.avoid.has(tabletAliasString(tablet.alias)),
        );
        const tablet = candidates[Math.floor(Math.random() * candidates.length)];
        if (tablet?.alias === undefined) continue;
        const alias = tabletAliasString(tablet.alias);
        return new GrpcSourceStreamer(alias, `${tablet.hostname}:${tablet.portMap.grpc}`, {
          keyspace: request.keyspace,
          shard: request.shard,
          tabletType: type,
          cell: tablet.alias.cell,
        });
      }
    }
    throw new VtError(
      Code.UNAVAILABLE,
      `no tablet of types ${request.tabletTypes.map((t) => TabletType[t]).join(",")} for ${request.keyspace}/${request.shard} in cells ${cells.join(",")}`,
    );
  }
}
