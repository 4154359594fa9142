import { defineFlags } from "../../../../libs/flags/index.js";
import { invalidArgument } from "../../../../libs/vterrors/index.js";
import type { Command } from "../../framework.js";
import { deleteOutput, namesOutput, showOutput, updateOutput } from "./output.js";
import { defineParentCommand, defineSubcommand } from "./parent.js";
import { stateUpdate } from "./requests.js";

const base = defineFlags({
  keyspace: { type: "string", default: "", help: "Keyspace context for the workflow." },
});

function keyspaceOf(flags: { keyspace: string }): string {
  if (flags.keyspace === "") throw invalidArgument('required flag(s) "keyspace" not set');
  return flags.keyspace;
}

function workflowOf(flags: { workflow: string }): string {
  if (flags.workflow === "") throw invalidArgument('required flag(s) "workflow" not set');
  return flags.workflow;
}

const workflowFlag = {
  workflow: { type: "string", default: "", help: "The workflow you want to act on." },
} as const;

export const workflowCommand: Command = defineParentCommand({
  name: "Workflow",
  use: "Workflow --keyspace <keyspace> [command] [command-flags]",
  short: "Administer VReplication workflows (Reshard, MoveTables, etc) in the given keyspace.",
  flags: base,
  subcommands: [
    defineSubcommand(base, {
      name: "list",
      use: "list",
      short: "List the VReplication workflows in the given keyspace.",
      flags: {},
      args: [0, 0],
      async run(io, flags) {
        const response = await (await io.client()).getWorkflows({
          keyspace: keyspaceOf(flags),
          activeOnly: false,
          nameOnly: true,
          workflow: "",
          includeLogs: false,
          shards: [],
        });
        io.print(namesOutput(response.workflows.map((w) => w.name)));
      },
    }),
    defineSubcommand(base, {
      name: "show",
      use: "show --workflow <workflow> [--include-logs]",
      short: "Show the details for a VReplication workflow.",
      flags: {
        ...workflowFlag,
        "include-logs": { type: "bool", default: true, help: "Include recent logs for the workflow." },
      },
      args: [0, 0],
      async run(io, flags) {
        const keyspace = keyspaceOf(flags);
        const workflow = workflowOf(flags);
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
    ...(["start", "stop"] as const).map((name) =>
      defineSubcommand(base, {
        name,
        use: `${name} --workflow <workflow>`,
        short: `${name === "start" ? "Start" : "Stop"} a VReplication workflow.`,
        flags: workflowFlag,
        args: [0, 0],
        async run(io, flags) {
          const response = await (await io.client()).workflowUpdate(
            stateUpdate(keyspaceOf(flags), workflowOf(flags), name === "start"),
          );
          io.print(updateOutput(response));
        },
      }),
    ),
    defineSubcommand(base, {
      name: "delete",
      use: "delete --workflow <workflow> [--keep-data] [--keep-routing-rules]",
      short: "Delete a VReplication workflow.",
      flags: {
        ...workflowFlag,
        "keep-data": { type: "bool", default: false, help: "Keep the partially copied table data." },
        "keep-routing-rules": {
          type: "bool",
          default: false,
          help: "Keep the routing rules created for the workflow.",
        },
      },
      args: [0, 0],
      async run(io, flags) {
        const response = await (await io.client()).workflowDelete({
          keyspace: keyspaceOf(flags),
          workflow: workflowOf(flags),
          keepData: flags["keep-data"],
          keepRoutingRules: flags["keep-routing-rules"],
          shards: [],
          deleteBatchSize: 0,
          ignoreSourceKeyspace: false,
        });
        io.print(deleteOutput(response));
      },
    }),
  ],
});
