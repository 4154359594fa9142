import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { TabletManagerContext, TabletManagerHandlers } from "./context.js";

/** The VDiff RPC: create, show, stop, resume or delete a VDiff of a workflow on this target primary. */
export function vdiffHandlers(tm: TabletManagerContext): TabletManagerHandlers {
  return {
    vDiff: async (request) => {
      if (tm.vdiff === undefined) throw new VtError(Code.UNIMPLEMENTED, "this tablet runs no vdiff engine");
      return tm.vdiff.perform(request);
    },
  };
}
