import type { TabletAlias } from "../proto/topodata.js";
import { checkPathSegment } from "./path.js";
import { tabletAliasString } from "./tablet-alias.js";

/**
 * Where each record lives, exactly as in Vitess (see ARCHITECTURE.md). Names are checked to be single path
 * segments, so a keyspace called "a/b" or ".." fails with InvalidPath instead of landing somewhere else.
 */

/** The name Vitess uses for the global topology where a cell name is expected. */
export const GLOBAL_CELL = "global";

// Global topology.
export const CELLS_DIR = "cells";
export const KEYSPACES_DIR = "keyspaces";
export const ROUTING_RULES_PATH = "RoutingRules";
export const MIRROR_RULES_PATH = "MirrorRules";

export const cellInfoPath = (cell: string): string =>
  `${CELLS_DIR}/${checkPathSegment("cell", cell)}/CellInfo`;
export const keyspaceDir = (keyspace: string): string =>
  `${KEYSPACES_DIR}/${checkPathSegment("keyspace", keyspace)}`;
export const keyspacePath = (keyspace: string): string => `${keyspaceDir(keyspace)}/Keyspace`;
export const vschemaPath = (keyspace: string): string => `${keyspaceDir(keyspace)}/VSchema`;
export const shardsDir = (keyspace: string): string => `${keyspaceDir(keyspace)}/shards`;
export const shardDir = (keyspace: string, shard: string): string =>
  `${shardsDir(keyspace)}/${checkPathSegment("shard", shard)}`;
export const shardPath = (keyspace: string, shard: string): string => `${shardDir(keyspace, shard)}/Shard`;

// Cell topology.
export const TABLETS_DIR = "tablets";
export const SRV_VSCHEMA_PATH = "SrvVSchema";

export const tabletDir = (alias: TabletAlias): string =>
  `${TABLETS_DIR}/${checkPathSegment("tablet alias", tabletAliasString(alias))}`;
export const tabletPath = (alias: TabletAlias): string => `${tabletDir(alias)}/Tablet`;
export const srvKeyspacePath = (keyspace: string): string => `${keyspaceDir(keyspace)}/SrvKeyspace`;
export const shardReplicationPath = (keyspace: string, shard: string): string =>
  `${shardDir(keyspace, shard)}/ShardReplication`;
