/**
 * What the target tablets and vtctldclient share about VDiff (Vitess's go/vt/vttablet/tabletmanager/vdiff
 * report and states): the per-table report stored as JSON in `_vt.vdiff_table.report`, state and action names.
 */
export {
  type DiffMismatch,
  type DiffReport,
  emptyReport,
  hasMismatch,
  parseReport,
  type RowDiff,
} from "./report.js";
export {
  ALL_ARG,
  formatTimestamp,
  isUuid,
  LAST_ARG,
  VDiffAction,
  type VDiffActionName,
  VDiffState,
  type VDiffStateName,
} from "./state.js";
