import { TabletSelectionPreference, VDiffOptions } from "../../proto/tabletmanagerdata.js";
import { tabletTypeToJSON } from "../../proto/topodata.js";
import type { VDiffCreateRequest } from "../../proto/vtctldata.js";
import type { Duration } from "../../proto/vttime.js";

/** Vitess's defaults for what the request leaves unset. */
const DEFAULT_MAX_SAMPLE_ROWS = 10;
const DEFAULT_MAX_EXTRA_ROWS_TO_COMPARE = 1000;
const NO_LIMIT = "9223372036854775807";

function seconds(duration: Duration | undefined): number {
  return Number(duration?.seconds ?? 0) + Math.round((duration?.nanos ?? 0) / 1e9);
}

/** The options a VDiffCreate request gives every target shard (Vitess's VDiffCreate in workflow/server.go). */
export function vdiffOptions(request: VDiffCreateRequest): VDiffOptions {
  const types = request.tabletTypes.map((type) => tabletTypeToJSON(type).toLowerCase()).join(",");
  const inOrder = request.tabletSelectionPreference === TabletSelectionPreference.INORDER && types !== "";
  const limit = request.limit === "" || request.limit === "0" ? NO_LIMIT : request.limit;
  return VDiffOptions.fromPartial({
    pickerOptions: {
      tabletTypes: inOrder ? `in_order:${types}` : types,
      sourceCell: request.sourceCells.join(","),
      targetCell: request.targetCells.join(","),
    },
    coreOptions: {
      tables: request.tables.join(","),
      autoRetry: request.autoRetry,
      maxRows: limit,
      checksum: false,
      samplePct: 100,
      timeoutSeconds: seconds(request.filteredReplicationWaitTime),
      maxExtraRowsToCompare: request.maxExtraRowsToCompare || DEFAULT_MAX_EXTRA_ROWS_TO_COMPARE,
      updateTableStats: request.updateTableStats,
      maxDiffSeconds: seconds(request.maxDiffDuration),
      autoStart: request.autoStart ?? true,
    },
    reportOptions: {
      onlyPks: request.onlyPKs,
      debugQuery: request.debugQuery,
      format: "json",
      maxSampleRows: request.maxReportSampleRows || DEFAULT_MAX_SAMPLE_ROWS,
      rowDiffColumnTruncateAt: request.rowDiffColumnTruncateAt,
    },
  });
}
