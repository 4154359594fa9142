import { CellInfo } from "../proto/topodata.js";
import { isTopoError, TopoErrorCode } from "./errors.js";
import { CELLS_DIR, cellInfoPath } from "./paths.js";
import { encodeRecord, type Mutator, mutateRecord, readRecord, type Versioned } from "./records.js";
import type { TopoServer } from "./server.js";

/** Global `cells/<cell>/CellInfo`: where a cell's own topology lives. NoNode for an unknown cell. */
export function getCellInfo(ts: TopoServer, cell: string): Promise<Versioned<CellInfo>> {
  return readRecord(ts.globalConn, CellInfo, cellInfoPath(cell));
}

/** NodeExists when the cell is already registered. */
export async function createCellInfo(ts: TopoServer, cell: string, info: CellInfo): Promise<void> {
  await ts.globalConn.create(cellInfoPath(cell), encodeRecord(CellInfo, info));
}

export function updateCellInfoFields(
  ts: TopoServer,
  cell: string,
  mutate: Mutator<CellInfo>,
): Promise<Versioned<CellInfo>> {
  return mutateRecord(ts.globalConn, CellInfo, cellInfoPath(cell), mutate);
}

export async function deleteCellInfo(ts: TopoServer, cell: string): Promise<void> {
  await ts.globalConn.delete(cellInfoPath(cell), null);
}

/** The registered cells, sorted; [] when there are none. */
export async function getCellInfoNames(ts: TopoServer): Promise<string[]> {
  try {
    return await ts.globalConn.list(CELLS_DIR);
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) return [];
    throw err;
  }
}
