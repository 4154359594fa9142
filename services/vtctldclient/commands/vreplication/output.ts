import {
  GetWorkflowsResponse,
  WorkflowDeleteResponse,
  WorkflowStatusResponse,
  type WorkflowSwitchTrafficResponse,
  WorkflowUpdateResponse,
} from "../../../../libs/proto/vtctldata.js";
import { marshalProtoJson, writeJson } from "../../../../libs/proto-json/index.js";

/**
 * vtctldclient's OutputStatusResponse: JSON with --format=json, else one line per stream, the copy progress of
 * each table still being copied, and the traffic state.
 */
export function statusOutput(
  response: WorkflowStatusResponse,
  keyspace: string,
  workflow: string,
  format: string,
): string {
  if (format === "json") return marshalProtoJson(WorkflowStatusResponse, response);
  const lines = [`The following vreplication streams exist for workflow ${keyspace}.${workflow}:`, ""];
  for (const key of Object.keys(response.shardStreams).sort()) {
    for (const stream of response.shardStreams[key]?.streams ?? []) {
      const tablet = `${stream.tablet?.cell ?? ""}-${stream.tablet?.uid ?? 0}`;
      lines.push(`id=${stream.id} on ${keyspace}/${tablet}: Status: ${stream.status}. ${stream.info}.`);
    }
  }
  const tables = Object.keys(response.tableCopyState).sort();
  if (tables.length > 0) {
    lines.push("", "Table Copy Status:");
    for (const table of tables) {
      const state = response.tableCopyState[table];
      if (!state) continue;
      lines.push(`  ${table}: ${state.rowsPercentage}% (${state.rowsCopied}/${state.rowsTotal} rows copied)`);
    }
  }
  lines.push("", `Traffic State: ${response.trafficState}`);
  return lines.join("\n");
}

export function showOutput(response: GetWorkflowsResponse): string {
  return marshalProtoJson(GetWorkflowsResponse, response);
}

/** SwitchTraffic / ReverseTraffic: the summary, then the start and current states (or the dry-run steps). */
export function switchOutput(response: WorkflowSwitchTrafficResponse, dryRun: boolean): string {
  if (dryRun) return `${response.summary}\n\n${response.dryRunResults.join("\n")}`;
  return `${response.summary}\n\nStart State: ${response.startState}\nCurrent State: ${response.currentState}`;
}

export function namesOutput(names: readonly string[]): string {
  return writeJson([...names]);
}

export function deleteOutput(response: WorkflowDeleteResponse): string {
  return marshalProtoJson(WorkflowDeleteResponse, response);
}

export function updateOutput(response: WorkflowUpdateResponse): string {
  return marshalProtoJson(WorkflowUpdateResponse, response);
}
