import { defineFlags } from "../../../../libs/flags/index.js";
import { WorkflowMirrorTrafficResponse } from "../../../../libs/proto/vtctldata.js";
import { marshalProtoJson } from "../../../../libs/proto-json/index.js";
import { invalidArgument } from "../../../../libs/vterrors/index.js";
import type { Command } from "../../framework.js";
import { showOutput, statusOutput, switchOutput, updateOutput } from "./output.js";
import { defineParentCommand, defineSubcommand } from "./parent.js";
import { runCreate, runSwitch, stateUpdate, tabletTypesFlag } from "./requests.js";
import { requiredTarget, targetWorkflowFlags } from "./target-flags.js";

const base = targetWorkflowFlags;
const required = requiredTarget;

const switchFlags = defineFlags({
  "tablet-types": {
    type: "strings",
    default: [],
    help: "Tablet types to switch traffic for (default: rdonly, replica and primary).",
  },
  cells: { type: "strings", default: [], help: "Cells and/or CellAliases to switch traffic in." },
  "dry-run": {
    type: "bool",
    default: false,
    help: "Print the actions that would be taken and report any known errors.",
  },
  "enable-reverse-replication": {
    type: "bool",
    default: true,
    help: "Setup replication going back to the original source keyspace to support rolling back the traffic cutover.",
  },
  timeout: {
    type: "duration",
    default: 30_000,
    help: "Specifies the maximum time to wait, in seconds, for VReplication to catch up on primary tablets.",
  },
  "max-replication-lag-allowed": {
    type: "duration",
    default: 30_000,
    help: "Allow traffic to be switched only if VReplication lag is below this.",
  },
});

function switchSubcommand(name: "SwitchTraffic" | "ReverseTraffic") {
  const backward = name === "ReverseTraffic";
  return defineSubcommand(base, {
    name,
    use: `${name} [--tablet-types rdonly,replica,primary] [--dry-run] [--timeout 30s]`,
    short: backward
      ? "Reverse traffic back to the source keyspace (reads, writes or both)."
      : "Switch traffic from the source to the target keyspace (reads, writes or both).",
    flags: switchFlags,
    args: [0, 0],
    async run(io, flags) {
      const { keyspace, workflow } = required(flags);
      io.print(
        await runSwitch(await io.client(), {
          keyspace,
          workflow,
          tabletTypes: tabletTypesFlag("tablet-types", flags["tablet-types"]),
          backward,
          dryRun: flags["dry-run"],
          enableReverseReplication: flags["enable-reverse-replication"],
          timeoutMs: flags.timeout,
          maxLagMs: flags["max-replication-lag-allowed"],
          cells: flags.cells,
        }),
      );
    },
  });
}

const mirrorFlags = defineFlags({
  percent: {
    type: "string",
    default: "0",
    help: "Percentage of queries to mirror to the target keyspace (0 stops mirroring).",
  },
  "tablet-types": {
    type: "strings",
    default: [],
    help: "Tablet types to mirror traffic for (default: primary, replica and rdonly).",
  },
});

/** --percent as a number in [0, 100], or the error naming the flag and the value. */
function percentFlag(value: string): number {
  const percent = Number(value);
  if (value.trim() === "" || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw invalidArgument(
      `invalid argument "${value}" for "--percent" flag: must be a number between 0 and 100`,
    );
  }
  return percent;
}

const mirrorTrafficSubcommand = defineSubcommand(base, {
  name: "MirrorTraffic",
  use: "MirrorTraffic --percent <0-100> [--tablet-types primary,replica,rdonly]",
  short: "Mirror a percentage of the moved tables' queries to the target keyspace, ignoring the results.",
  flags: mirrorFlags,
  args: [0, 0],
  async run(io, flags) {
    const { keyspace, workflow } = required(flags);
    const response = await (await io.client()).workflowMirrorTraffic({
      keyspace,
      workflow,
      tabletTypes: tabletTypesFlag("tablet-types", flags["tablet-types"]),
      percent: percentFlag(flags.percent),
    });
    io.print(
      flags.format === "json"
        ? marshalProtoJson(WorkflowMirrorTrafficResponse, response)
        : switchOutput({ ...response, dryRunResults: [] }, false),
    );
  },
});

const subcommands = [
  defineSubcommand(base, {
    name: "create",
    use: "create --source-keyspace <ks> {--tables t1,t2 | --all-tables [--exclude-tables t3]}",
    short: "Create and optionally run a MoveTables VReplication workflow.",
    flags: {
      "source-keyspace": {
        type: "string",
        default: "",
        help: "Keyspace where the tables are being moved from.",
      },
      tables: { type: "strings", default: [], help: "Source tables to copy." },
      "all-tables": { type: "bool", default: false, help: "Copy all tables from the source." },
      "exclude-tables": { type: "strings", default: [], help: "Source tables to exclude from copying." },
      "tablet-types": {
        type: "strings",
        default: [],
        help: "Source tablet types to replicate table data from.",
      },
      cells: { type: "strings", default: [], help: "Cells and/or CellAliases to copy table data from." },
      "stop-after-copy": {
        type: "bool",
        default: false,
        help: "Stop the workflow after it's finished copying.",
      },
      "defer-secondary-keys": {
        type: "bool",
        default: false,
        help: "Defer secondary index creation for a table until after it has been copied.",
      },
      "auto-start": { type: "bool", default: true, help: "Start the workflow after creating it." },
      "on-ddl": {
        type: "string",
        default: "IGNORE",
        help: "What to do when DDL is encountered in the stream.",
      },
      "no-routing-rules": { type: "bool", default: false, help: "(Advanced) Do not create routing rules." },
    },
    args: [0, 0],
    async run(io, flags) {
      const { keyspace, workflow } = required(flags);
      if (flags["source-keyspace"] === "")
        throw invalidArgument('required flag(s) "source-keyspace" not set');
      if (flags["all-tables"] && flags.tables.length > 0)
        throw invalidArgument("cannot specify both --tables and --all-tables");
      io.print(
        await runCreate(await io.client(), {
          workflow,
          source: flags["source-keyspace"],
          target: keyspace,
          tables: flags.tables,
          allTables: flags["all-tables"],
          excludeTables: flags["exclude-tables"],
          tabletTypes: tabletTypesFlag("tablet-types", flags["tablet-types"]),
          cells: flags.cells,
          stopAfterCopy: flags["stop-after-copy"],
          deferSecondaryKeys: flags["defer-secondary-keys"],
          autoStart: flags["auto-start"],
          onDdl: flags["on-ddl"],
          noRoutingRules: flags["no-routing-rules"],
          format: flags.format,
        }),
      );
    },
  }),
  defineSubcommand(base, {
    name: "status",
    aliases: ["Status", "progress", "Progress"],
    use: "status [--format=json]",
    short: "Show the current status for a MoveTables VReplication workflow.",
    flags: {},
    args: [0, 0],
    async run(io, flags) {
      const { keyspace, workflow } = required(flags);
      const response = await (await io.client()).workflowStatus({ keyspace, workflow, shards: [] });
      io.print(statusOutput(response, keyspace, workflow, flags.format));
    },
  }),
  defineSubcommand(base, {
    name: "show",
    use: "show [--include-logs]",
    short: "Show the details for a MoveTables VReplication workflow.",
    flags: { "include-logs": { type: "bool", default: true, help: "Include recent logs for the workflow." } },
    args: [0, 0],
    async run(io, flags) {
      const { keyspace, workflow } = required(flags);
      const response = await (await io.client()).getWorkflows({
        keyspace,
        workflow,
        activeOnly: false,
        nameOnly: false,
        includeLogs: flags["include-logs"],
        shards: [],
      });
      if (response.workflows.length === 0)
        throw invalidArgument(`workflow ${workflow} not found in keyspace ${keyspace}`);
      io.print(showOutput(response));
    },
  }),
  mirrorTrafficSubcommand,
  switchSubcommand("SwitchTraffic"),
  switchSubcommand("ReverseTraffic"),
  defineSubcommand(base, {
    name: "complete",
    use: "complete [--keep-data] [--keep-routing-rules] [--rename-tables] [--dry-run]",
    short: "Complete a MoveTables VReplication workflow.",
    flags: {
      "keep-data": {
        type: "bool",
        default: false,
        help: "Keep the original source table data that was copied.",
      },
      "keep-routing-rules": { type: "bool", default: false, help: "Keep the routing rules in place." },
      "rename-tables": {
        type: "bool",
        default: false,
        help: "Keep the original source table data that was copied, but rename each table to '_<tablename>_old'.",
      },
      "dry-run": { type: "bool", default: false, help: "Print the actions that would be taken." },
    },
    args: [0, 0],
    async run(io, flags) {
      const { keyspace, workflow } = required(flags);
      const response = await (await io.client()).moveTablesComplete({
        workflow,
        targetKeyspace: keyspace,
        keepData: flags["keep-data"],
        keepRoutingRules: flags["keep-routing-rules"],
        renameTables: flags["rename-tables"],
        dryRun: flags["dry-run"],
        shards: [],
        ignoreSourceKeyspace: false,
      });
      io.print(
        flags["dry-run"] ? `${response.summary}\n\n${response.dryRunResults.join("\n")}` : response.summary,
      );
    },
  }),
  defineSubcommand(base, {
    name: "cancel",
    use: "cancel [--keep-data] [--keep-routing-rules]",
    short: "Cancel a MoveTables VReplication workflow.",
    flags: {
      "keep-data": {
        type: "bool",
        default: false,
        help: "Keep the partially copied table data in the target.",
      },
      "keep-routing-rules": { type: "bool", default: false, help: "Keep the routing rules in place." },
    },
    args: [0, 0],
    async run(io, flags) {
      const { keyspace, workflow } = required(flags);
      const response = await (await io.client()).workflowDelete({
        keyspace,
        workflow,
        keepData: flags["keep-data"],
        keepRoutingRules: flags["keep-routing-rules"],
        shards: [],
        deleteBatchSize: 0,
        ignoreSourceKeyspace: false,
      });
      io.print(response.summary);
    },
  }),
  ...(["start", "stop"] as const).map((name) =>
    defineSubcommand(base, {
      name,
      use: name,
      short: `${name === "start" ? "Start" : "Stop"} a MoveTables workflow.`,
      flags: {},
      args: [0, 0],
      async run(io, flags) {
        const { keyspace, workflow } = required(flags);
        const response = await (await io.client()).workflowUpdate(
          stateUpdate(keyspace, workflow, name === "start"),
        );
        io.print(flags.format === "json" ? updateOutput(response) : response.summary);
      },
    }),
  ),
];

export const moveTablesCommand: Command = defineParentCommand({
  name: "MoveTables",
  use: "MoveTables --target-keyspace <ks> --workflow <name> [command] [command-flags]",
  short: "Perform commands related to moving tables from a source keyspace to a target keyspace.",
  flags: base,
  subcommands,
});
