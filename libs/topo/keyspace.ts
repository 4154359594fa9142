import { Keyspace } from "../proto/topodata.js";
import type { Version } from "./conn.js";
import { isTopoError, TopoErrorCode } from "./errors.js";
import { KEYSPACES_DIR, keyspacePath, vschemaPath } from "./paths.js";
import { decodeRecord, encodeRecord, type Mutator, mutateRecord } from "./records.js";
import type { TopoServer } from "./server.js";

/** A keyspace record with the version it was read at, for compare-and-set updates. */
export interface KeyspaceInfo {
  name: string;
  keyspace: Keyspace;
  version: Version;
}

/** NoNode when the keyspace does not exist. */
export async function getKeyspace(ts: TopoServer, name: string): Promise<KeyspaceInfo> {
  const path = keyspacePath(name);
  const { contents, version } = await ts.globalConn.get(path);
  return { name, keyspace: decodeRecord(Keyspace, contents, path), version };
}

/** NodeExists when the keyspace already exists. */
export async function createKeyspace(
  ts: TopoServer,
  name: string,
  keyspace: Keyspace,
): Promise<KeyspaceInfo> {
  const version = await ts.globalConn.create(keyspacePath(name), encodeRecord(Keyspace, keyspace));
  return { name, keyspace, version };
}

/** Writes `info.keyspace` if the record is still at `info.version`; BadVersion otherwise. */
export async function updateKeyspace(ts: TopoServer, info: KeyspaceInfo): Promise<KeyspaceInfo> {
  const version = await ts.globalConn.update(
    keyspacePath(info.name),
    encodeRecord(Keyspace, info.keyspace),
    info.version,
  );
  return { ...info, version };
}

/** Read-mutate-write with retries on concurrent updates (see Mutator). */
export async function updateKeyspaceFields(
  ts: TopoServer,
  name: string,
  mutate: Mutator<Keyspace>,
): Promise<KeyspaceInfo> {
  const { value, version } = await mutateRecord(ts.globalConn, Keyspace, keyspacePath(name), mutate);
  return { name, keyspace: value, version };
}

/**
 * Deletes the Keyspace record and its VSchema (as Vitess's DeleteKeyspace). It does not look at shards or
 * serving graphs: callers that need "only when empty" check first, under the keyspace lock.
 */
export async function deleteKeyspace(ts: TopoServer, name: string): Promise<void> {
  await ts.globalConn.delete(keyspacePath(name), null);
  try {
    await ts.globalConn.delete(vschemaPath(name), null);
  } catch (err) {
    if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
  }
}

/** Every keyspace with a directory in the global topology, sorted; [] when there are none. */
export async function getKeyspaceNames(ts: TopoServer): Promise<string[]> {
  try {
    return await ts.globalConn.list(KEYSPACES_DIR);
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) return [];
    throw err;
  }
}
