import type { TabletHealth } from "../../../libs/discovery/index.js";
import type { TabletType } from "../../../libs/proto/topodata.js";
import type { VSchema } from "../../../libs/vschema/index.js";
import type { QueryGateway } from "../gateway/query-gateway.js";

/** Who runs a statement, and its cancellation. */
export interface ExecContext {
  /** The authenticated user; `keyspaces` limits which keyspaces it may use (undefined: all). */
  readonly user?: { readonly user: string; readonly keyspaces?: readonly string[] };
  readonly signal?: AbortSignal;
}

/** The executor's view of the cluster (TopologyView in the daemon, something smaller in tests). */
export interface TopologySource {
  readonly vschema: VSchema;
  /** Moves whenever the VSchema is rebuilt: cached plans are dropped. */
  readonly version: number;
  keyspaceNames(): readonly string[];
  /** The shards serving `tabletType` (default PRIMARY) of a keyspace. */
  shardNames(keyspace: string, tabletType?: TabletType): readonly string[];
  dbName(keyspace: string): string;
  tablets(): readonly TabletHealth[];
}

export interface ExecutorServices {
  readonly gateway: QueryGateway;
  readonly topology: TopologySource;
  /** `select @@version` answers this (--mysql-server-version). */
  readonly serverVersion: string;
}
