import { VReplicationWorkflowState } from "../../../../libs/proto/binlogdata.js";
import type { TabletType } from "../../../../libs/proto/topodata.js";
import type { WorkflowUpdateRequest } from "../../../../libs/proto/vtctldata.js";
import { durationProto, tabletTypeFlag } from "../../args.js";
import type { VtctldClient } from "../../framework.js";
import { statusOutput, switchOutput } from "./output.js";

export function tabletTypesFlag(flag: string, values: readonly string[]): TabletType[] {
  return values.filter((v) => v !== "").map((v) => tabletTypeFlag(flag, v));
}

/** The WorkflowUpdate that starts or stops every stream of a workflow. */
export function stateUpdate(keyspace: string, workflow: string, running: boolean): WorkflowUpdateRequest {
  return {
    keyspace,
    tabletRequest: {
      workflow,
      cells: [],
      tabletTypes: [],
      shards: [],
      configOverrides: {},
      filterRules: [],
      state: running ? VReplicationWorkflowState.Running : VReplicationWorkflowState.Stopped,
    },
  };
}

export interface SwitchOptions {
  keyspace: string;
  workflow: string;
  tabletTypes: TabletType[];
  backward: boolean;
  dryRun: boolean;
  enableReverseReplication: boolean;
  timeoutMs: number;
  maxLagMs: number;
  cells: string[];
}

/** WorkflowSwitchTraffic, printed as vtctldclient does. */
export async function runSwitch(client: VtctldClient, options: SwitchOptions): Promise<string> {
  const response = await client.workflowSwitchTraffic({
    keyspace: options.keyspace,
    workflow: options.workflow,
    cells: options.cells,
    tabletTypes: options.tabletTypes,
    maxReplicationLagAllowed: durationProto(options.maxLagMs),
    enableReverseReplication: options.enableReverseReplication,
    direction: options.backward ? 1 : 0,
    timeout: durationProto(options.timeoutMs),
    dryRun: options.dryRun,
    initializeTargetSequences: false,
    shards: [],
    force: false,
  });
  return switchOutput(response, options.dryRun);
}

export interface CreateOptions {
  workflow: string;
  source: string;
  target: string;
  tables: string[];
  allTables: boolean;
  excludeTables: string[];
  tabletTypes: TabletType[];
  cells: string[];
  stopAfterCopy: boolean;
  deferSecondaryKeys: boolean;
  autoStart: boolean;
  onDdl: string;
  noRoutingRules: boolean;
  format: string;
}

/** MoveTablesCreate, printed as vtctldclient's OutputStatusResponse. */
export async function runCreate(client: VtctldClient, options: CreateOptions): Promise<string> {
  const response = await client.moveTablesCreate({
    workflow: options.workflow,
    sourceKeyspace: options.source,
    targetKeyspace: options.target,
    cells: options.cells,
    tabletTypes: options.tabletTypes,
    tabletSelectionPreference: 0,
    sourceShards: [],
    allTables: options.allTables,
    includeTables: options.tables,
    excludeTables: options.excludeTables,
    externalClusterName: "",
    sourceTimeZone: "",
    onDdl: options.onDdl,
    stopAfterCopy: options.stopAfterCopy,
    dropForeignKeys: false,
    deferSecondaryKeys: options.deferSecondaryKeys,
    autoStart: options.autoStart,
    noRoutingRules: options.noRoutingRules,
    atomicCopy: false,
    workflowOptions: undefined,
  });
  return statusOutput(response, options.target, options.workflow, options.format);
}
