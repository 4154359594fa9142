import { defineFlags } from "../../../../libs/flags/index.js";
import { TabletType } from "../../../../libs/proto/topodata.js";
import { invalidArgument } from "../../../../libs/vterrors/index.js";
import { tabletTypeFlag } from "../../args.js";
import { type Command, defineCommand } from "../../framework.js";
import { runCreate, runSwitch } from "./requests.js";

/** "customer.commerce2customer" → ["customer", "commerce2customer"]. */
function keyspaceWorkflow(text: string): { keyspace: string; workflow: string } {
  const dot = text.indexOf(".");
  if (dot <= 0 || dot === text.length - 1) {
    throw invalidArgument(`invalid argument ${JSON.stringify(text)}: expecting <keyspace>.<workflow>`);
  }
  return { keyspace: text.slice(0, dot), workflow: text.slice(dot + 1) };
}

const switchCommonFlags = defineFlags({
  reverse: { type: "bool", default: false, help: "Switch the traffic back to the source keyspace." },
  "dry-run": { type: "bool", default: false, help: "Print the actions that would be taken." },
  cells: { type: "strings", default: [], help: "Cells to switch traffic in." },
});

function readTypes(flag: string, values: readonly string[]): TabletType[] {
  const types = values.filter((v) => v !== "").map((v) => tabletTypeFlag(flag, v));
  return types.length > 0 ? types : [TabletType.RDONLY, TabletType.REPLICA];
}

function switchReadsCommand(name: "SwitchReads" | "MigrateReads"): Command {
  return defineCommand({
    name,
    use: `${name} [--tablet-types rdonly,replica] [--reverse] [--dry-run] <keyspace.workflow>`,
    short: `Switches reads of a MoveTables workflow (the old name of MoveTables SwitchTraffic --tablet-types rdonly,replica).`,
    flags: {
      ...switchCommonFlags,
      "tablet-types": {
        type: "strings",
        default: [],
        help: "Tablet types to switch (default rdonly,replica).",
      },
      "tablet-type": { type: "strings", default: [], help: "The same as --tablet-types (the old flag)." },
    },
    args: [1, 1],
    async run(io, flags, args) {
      const { keyspace, workflow } = keyspaceWorkflow(args[0] as string);
      const types = readTypes("tablet-types", [...flags["tablet-types"], ...flags["tablet-type"]]);
      if (types.includes(TabletType.PRIMARY))
        throw invalidArgument(`${name} cannot switch primary: use SwitchWrites`);
      io.print(
        await runSwitch(await io.client(), {
          keyspace,
          workflow,
          tabletTypes: types,
          backward: flags.reverse,
          dryRun: flags["dry-run"],
          enableReverseReplication: true,
          timeoutMs: 30_000,
          maxLagMs: 30_000,
          cells: flags.cells,
        }),
      );
    },
  });
}

function switchWritesCommand(name: "SwitchWrites" | "MigrateWrites"): Command {
  return defineCommand({
    name,
    use: `${name} [--timeout 30s] [--reverse-replication=true] [--reverse] [--dry-run] <keyspace.workflow>`,
    short: `Switches writes of a MoveTables workflow (the old name of MoveTables SwitchTraffic --tablet-types primary).`,
    flags: {
      ...switchCommonFlags,
      timeout: { type: "duration", default: 30_000, help: "How long to wait for the targets to catch up." },
      "filtered-replication-wait-time": { type: "duration", default: 0, help: "The old name of --timeout." },
      "reverse-replication": { type: "bool", default: true, help: "Create the reverse workflow." },
      "max-replication-lag-allowed": { type: "duration", default: 30_000, help: "The largest lag allowed." },
      cancel: {
        type: "bool",
        default: false,
        help: "Cancel a failed switch (a failed switch already restores the previous state by itself).",
      },
    },
    args: [1, 1],
    async run(io, flags, args) {
      const { keyspace, workflow } = keyspaceWorkflow(args[0] as string);
      if (flags.cancel) {
        io.print(
          `Nothing to cancel for workflow ${keyspace}.${workflow}: a failed ${name} restores the previous state by itself`,
        );
        return;
      }
      io.print(
        await runSwitch(await io.client(), {
          keyspace,
          workflow,
          tabletTypes: [TabletType.PRIMARY],
          backward: flags.reverse,
          dryRun: flags["dry-run"],
          enableReverseReplication: flags["reverse-replication"],
          timeoutMs: flags["filtered-replication-wait-time"] || flags.timeout,
          maxLagMs: flags["max-replication-lag-allowed"],
          cells: flags.cells,
        }),
      );
    },
  });
}

/** The names of seed 001 and 002 (vtctlclient's Migrate/MigrateReads/MigrateWrites, SwitchReads/SwitchWrites). */
export const legacyCommands: readonly Command[] = [
  defineCommand({
    name: "Migrate",
    use: "Migrate --workflow <name> [--tablet-types ...] <source keyspace> <target keyspace> <table,table,...>",
    short: "Creates a MoveTables workflow (the old name of MoveTables create).",
    flags: {
      workflow: { type: "string", default: "", help: "The workflow name." },
      "tablet-types": { type: "strings", default: [], help: "Source tablet types to copy from." },
      cells: { type: "strings", default: [], help: "Cells to copy from." },
    },
    args: [3, 3],
    async run(io, flags, args) {
      const [source, target, tables] = args as [string, string, string];
      if (flags.workflow === "") throw invalidArgument('required flag(s) "workflow" not set');
      io.print(
        await runCreate(await io.client(), {
          workflow: flags.workflow,
          source,
          target,
          tables: tables.split(",").filter((t) => t !== ""),
          allTables: false,
          excludeTables: [],
          tabletTypes: flags["tablet-types"]
            .filter((t) => t !== "")
            .map((t) => tabletTypeFlag("tablet-types", t)),
          cells: flags.cells,
          stopAfterCopy: false,
          deferSecondaryKeys: false,
          autoStart: true,
          onDdl: "IGNORE",
          noRoutingRules: false,
          format: "text",
        }),
      );
    },
  }),
  switchReadsCommand("SwitchReads"),
  switchReadsCommand("MigrateReads"),
  switchWritesCommand("SwitchWrites"),
  switchWritesCommand("MigrateWrites"),
];
