import { SrvKeyspace } from "../proto/topodata.js";
import { isTopoError, TopoErrorCode } from "./errors.js";
import { KEYSPACES_DIR, srvKeyspacePath } from "./paths.js";
import { encodeRecord, readRecord } from "./records.js";
import type { TopoServer } from "./server.js";

/** The serving graph of a keyspace in a cell (cell `keyspaces/<ks>/SrvKeyspace`). NoNode when not built yet. */
export async function getSrvKeyspace(ts: TopoServer, cell: string, keyspace: string): Promise<SrvKeyspace> {
  const conn = await ts.connForCell(cell);
  return (await readRecord(conn, SrvKeyspace, srvKeyspacePath(keyspace))).value;
}

/** Unconditional write, as in Vitess: the serving graph is rebuilt from the global records, never merged. */
export async function updateSrvKeyspace(
  ts: TopoServer,
  cell: string,
  keyspace: string,
  srvKeyspace: SrvKeyspace,
): Promise<void> {
  const conn = await ts.connForCell(cell);
  await conn.update(srvKeyspacePath(keyspace), encodeRecord(SrvKeyspace, srvKeyspace), null);
}

export async function deleteSrvKeyspace(ts: TopoServer, cell: string, keyspace: string): Promise<void> {
  const conn = await ts.connForCell(cell);
  await conn.delete(srvKeyspacePath(keyspace), null);
}

/** Keyspaces with a SrvKeyspace in `cell`, sorted; [] when none. */
export async function getSrvKeyspaceNames(ts: TopoServer, cell: string): Promise<string[]> {
  const conn = await ts.connForCell(cell);
  let names: string[];
  try {
    names = await conn.list(KEYSPACES_DIR);
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) return [];
    throw err;
  }
  // A keyspace directory in a cell may only hold ShardReplication records; keep those with a SrvKeyspace.
  const withSrv = await Promise.all(
    names.map(async (name) => {
      try {
        await conn.get(srvKeyspacePath(name));
        return name;
      } catch (err) {
        if (isTopoError(err, TopoErrorCode.NoNode)) return undefined;
        throw err;
      }
    }),
  );
  return withSrv.filter((name): name is string => name !== undefined);
}
