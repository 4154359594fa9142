import { SrvVSchema } from "../proto/vschema.js";
import { SRV_VSCHEMA_PATH } from "./paths.js";
import { encodeRecord, type RecordWatch, readRecord, watchRecord } from "./records.js";
import type { TopoServer } from "./server.js";

/** The cell's roll-up of every VSchema plus routing rules (cell `SrvVSchema`). NoNode when not built yet. */
export async function getSrvVSchema(ts: TopoServer, cell: string): Promise<SrvVSchema> {
  const conn = await ts.connForCell(cell);
  return (await readRecord(conn, SrvVSchema, SRV_VSCHEMA_PATH)).value;
}

/** Unconditional write (RebuildVSchemaGraph recomputes it from the global records). */
export async function updateSrvVSchema(ts: TopoServer, cell: string, srvVSchema: SrvVSchema): Promise<void> {
  const conn = await ts.connForCell(cell);
  await conn.update(SRV_VSCHEMA_PATH, encodeRecord(SrvVSchema, srvVSchema), null);
}

export async function deleteSrvVSchema(ts: TopoServer, cell: string): Promise<void> {
  const conn = await ts.connForCell(cell);
  await conn.delete(SRV_VSCHEMA_PATH, null);
}

/**
 * What vtgate follows: the current SrvVSchema of `cell`, then each new one. NoNode when there is none yet (the
 * caller retries later, as Vitess's vtgate does); the changes end after a deletion or an error.
 */
export async function watchSrvVSchema(ts: TopoServer, cell: string): Promise<RecordWatch<SrvVSchema>> {
  const conn = await ts.connForCell(cell);
  return watchRecord(conn, SrvVSchema, SRV_VSCHEMA_PATH);
}
