import {
  KeyspaceRoutingRules,
  Keyspace as KeyspaceVSchema,
  ShardRoutingRules,
  SrvVSchema,
} from "../proto/vschema.js";
import {
  getCellInfoNames,
  getKeyspaceNames,
  getMirrorRules,
  getRoutingRules,
  getVSchema,
  isTopoError,
  TopoErrorCode,
  type TopoServer,
  updateSrvVSchema,
} from "../topo/index.js";
import { notFound } from "../vterrors/index.js";

/** Every keyspace's stored VSchema by keyspace name; a keyspace without one counts as an empty VSchema. */
export async function getAllVSchemas(ts: TopoServer): Promise<Record<string, KeyspaceVSchema>> {
  const vschemas: Record<string, KeyspaceVSchema> = {};
  for (const keyspace of await getKeyspaceNames(ts)) {
    try {
      vschemas[keyspace] = await getVSchema(ts, keyspace);
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
      vschemas[keyspace] = KeyspaceVSchema.create();
    }
  }
  return vschemas;
}

/** The cells to write to: `cells` (each must be a registered cell: NOT_FOUND naming it), or every cell. */
export async function checkCells(ts: TopoServer, cells: readonly string[]): Promise<string[]> {
  const known = await getCellInfoNames(ts);
  if (cells.length === 0) return known;
  const unknown = cells.filter((cell) => !known.includes(cell));
  if (unknown.length > 0) {
    throw notFound(`cell ${unknown.join(", ")} not found (known cells: ${known.join(", ") || "none"})`);
  }
  return [...new Set(cells)];
}

/** The SrvVSchema Vitess's RebuildSrvVSchema computes: every keyspace's VSchema plus the routing and mirror rules. */
export async function buildSrvVSchema(ts: TopoServer): Promise<SrvVSchema> {
  return SrvVSchema.create({
    keyspaces: await getAllVSchemas(ts),
    routingRules: await getRoutingRules(ts),
    shardRoutingRules: ShardRoutingRules.create(),
    keyspaceRoutingRules: KeyspaceRoutingRules.create(),
    mirrorRules: await getMirrorRules(ts),
  });
}

/**
 * Vitess's RebuildSrvVSchema: combines the global VSchemas and routing rules into the SrvVSchema of each of
 * `cells` (all cells when empty). Cells not named keep the SrvVSchema they had: that is how a VSchema change
 * is canaried in one cell (seed 003). Unknown cells are refused before anything is written.
 */
export async function rebuildSrvVSchema(ts: TopoServer, cells: readonly string[]): Promise<string[]> {
  const targets = await checkCells(ts, cells);
  const srvVSchema = await buildSrvVSchema(ts);
  await Promise.all(targets.map((cell) => updateSrvVSchema(ts, cell, srvVSchema)));
  return targets;
}
