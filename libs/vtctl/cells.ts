import { CellInfo } from "../proto/topodata.js";
import {
  createCellInfo,
  GLOBAL_CELL,
  getCellInfo,
  getCellInfoNames,
  isTopoError,
  TopoErrorCode,
  updateCellInfoFields,
} from "../topo/index.js";
import { alreadyExists, invalidArgument, notFound } from "../vterrors/index.js";
import { requireName } from "./common.js";
import type { VtctldHandlers, VtctlEnv } from "./env.js";

type CellHandlers = Pick<
  VtctldHandlers,
  "getCellInfoNames" | "getCellInfo" | "addCellInfo" | "updateCellInfo"
>;

function checkCellName(name: string): string {
  requireName("cell", name);
  if (name === GLOBAL_CELL) throw invalidArgument(`"${GLOBAL_CELL}" is reserved for the global topology`);
  return name;
}

/** Cells: where each cell's own topology server lives (global `cells/<cell>/CellInfo`). */
export function cellHandlers({ ts }: VtctlEnv): CellHandlers {
  return {
    async getCellInfoNames() {
      return { names: await getCellInfoNames(ts) };
    },

    async getCellInfo(request) {
      const cell = requireName("cell", request.cell);
      try {
        return { cellInfo: (await getCellInfo(ts, cell)).value };
      } catch (err) {
        if (isTopoError(err, TopoErrorCode.NoNode)) throw notFound(`cell ${cell} not found`);
        throw err;
      }
    },

    async addCellInfo(request) {
      const cell = checkCellName(request.name);
      const info = request.cellInfo ?? CellInfo.create();
      if (info.root === "") throw invalidArgument(`CellInfo.Root must be non-empty (cell ${cell})`);
      try {
        await createCellInfo(ts, cell, info);
      } catch (err) {
        if (isTopoError(err, TopoErrorCode.NodeExists)) throw alreadyExists(`cell ${cell} already exists`);
        throw err;
      }
      return {};
    },

    async updateCellInfo(request) {
      const cell = checkCellName(request.name);
      const update = request.cellInfo ?? CellInfo.create();
      const { value } = await updateCellInfoFieldsOrCreate(cell, update);
      return { name: cell, cellInfo: value };
    },
  };

  /** Vitess's UpdateCellInfoFields: empty values are ignored; a missing CellInfo is created. */
  async function updateCellInfoFieldsOrCreate(cell: string, update: CellInfo) {
    const apply = (info: CellInfo): boolean => {
      let changed = false;
      if (update.serverAddress !== "" && update.serverAddress !== info.serverAddress) {
        info.serverAddress = update.serverAddress;
        changed = true;
      }
      if (update.root !== "" && update.root !== info.root) {
        info.root = update.root;
        changed = true;
      }
      return changed;
    };
    try {
      return await updateCellInfoFields(ts, cell, apply);
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
      if (update.root === "") throw invalidArgument(`CellInfo.Root must be non-empty (new cell ${cell})`);
      await createCellInfo(ts, cell, update);
      return getCellInfo(ts, cell);
    }
  }
}
