import { Keyspace as KeyspaceVSchema } from "../proto/vschema.js";
import { vschemaPath } from "./paths.js";
import { encodeRecord, readRecord, type Versioned } from "./records.js";
import type { TopoServer } from "./server.js";

/** A keyspace's VSchema (global `keyspaces/<ks>/VSchema`). NoNode when none was saved. */
export async function getVSchema(ts: TopoServer, keyspace: string): Promise<KeyspaceVSchema> {
  return (await readRecord(ts.globalConn, KeyspaceVSchema, vschemaPath(keyspace))).value;
}

/** As getVSchema, with the version, for callers that compare-and-set with saveVSchema. */
export function getVSchemaVersioned(ts: TopoServer, keyspace: string): Promise<Versioned<KeyspaceVSchema>> {
  return readRecord(ts.globalConn, KeyspaceVSchema, vschemaPath(keyspace));
}

/**
 * Saves a keyspace's VSchema: unconditionally by default, as Vitess's SaveVSchema; with `version`, only if the
 * stored one is still at it (BadVersion otherwise).
 */
export async function saveVSchema(
  ts: TopoServer,
  keyspace: string,
  vschema: KeyspaceVSchema,
  version: Versioned<KeyspaceVSchema>["version"] | null = null,
): Promise<void> {
  await ts.globalConn.update(vschemaPath(keyspace), encodeRecord(KeyspaceVSchema, vschema), version);
}

export async function deleteVSchema(ts: TopoServer, keyspace: string): Promise<void> {
  await ts.globalConn.delete(vschemaPath(keyspace), null);
}
