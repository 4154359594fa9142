import { setTimeout as sleep } from "node:timers/promises";
import { FlagError, type FlagSpec } from "../../../../libs/flags/index.js";
import { TabletSelectionPreference } from "../../../../libs/proto/tabletmanagerdata.js";
import { VDiffCreateResponse, type VDiffShowResponse } from "../../../../libs/proto/vtctldata.js";
import { JsonObject, marshalProtoJson } from "../../../../libs/proto-json/index.js";
import { ALL_ARG, isUuid, LAST_ARG, VDiffState } from "../../../../libs/vdiff/index.js";
import { invalidArgument, notFound } from "../../../../libs/vterrors/index.js";
import { durationProto } from "../../args.js";
import type { Command, CommandIO, ParsedCommand, VtctldClient } from "../../framework.js";
import { defineParentCommand, defineSubcommand } from "./parent.js";
import { tabletTypesFlag } from "./requests.js";
import { requiredTarget, targetWorkflowFlags } from "./target-flags.js";
import {
  buildListings,
  buildSummary,
  listingsJson,
  listingsText,
  summaryJson,
  summaryText,
  writeGoJson,
} from "./vdiff-summary.js";

const base = targetWorkflowFlags;

interface Target {
  keyspace: string;
  workflow: string;
  format: string;
}

function target(flags: { "target-keyspace": string; workflow: string; format: string }): Target {
  const { keyspace, workflow } = requiredTarget(flags);
  const format = flags.format.toLowerCase();
  if (format !== "text" && format !== "json") {
    throw invalidArgument(`invalid output format "${flags.format}": supported formats are text and json`);
  }
  return { keyspace, workflow, format };
}

function uuidArg(arg: string | undefined): string {
  if (arg === undefined || !isUuid(arg)) throw invalidArgument(`invalid UUID provided: "${arg ?? ""}"`);
  return arg.toLowerCase();
}

const NO_LIMIT = "9223372036854775807";

/** The summary of one VDiff, or the listing of all, as `show` prints them; returns the VDiff's state. */
function showOutput(t: Target, arg: string, response: VDiffShowResponse, verbose: boolean): [string, string] {
  if (arg === ALL_ARG) {
    const listings = buildListings(response);
    if (t.format === "json") return [listingsJson(listings), ""];
    return [
      listings.length === 0 ? `No vdiffs found for ${t.keyspace}.${t.workflow}` : listingsText(listings),
      "",
    ];
  }
  let uuid = arg;
  if (arg === LAST_ARG) {
    uuid = Object.values(response.tabletResponses).find((r) => r.vdiffUuid !== "")?.vdiffUuid ?? "";
    if (uuid === "") throw notFound(`no previous vdiff found for ${t.keyspace}.${t.workflow}`);
  }
  const summary = buildSummary(t.keyspace, t.workflow, uuid, response, verbose);
  return [t.format === "json" ? summaryJson(summary) : summaryText(summary), summary.State];
}

async function show(
  client: VtctldClient,
  t: Target,
  arg: string,
  verbose: boolean,
): Promise<[string, string]> {
  const response = await client.vDiffShow({ workflow: t.workflow, targetKeyspace: t.keyspace, arg });
  return showOutput(t, arg, response, verbose);
}

/** What stop, resume and delete print (Vitess's displaySimpleResponse). */
function simpleOutput(format: string, action: string): string {
  const status = action === "resume" ? "scheduled" : "completed";
  if (format === "json") return writeGoJson(new JsonObject().set("Action", action).set("Status", status));
  return `VDiff ${action} ${status}`;
}

const createFlags = {
  "source-cells": {
    type: "strings",
    default: [],
    help: "The source cell(s) to compare from; default is any available cell.",
  },
  "target-cells": {
    type: "strings",
    default: [],
    help: "The target cell(s) to compare with; default is any available cell.",
  },
  "tablet-types": { type: "strings", default: [], help: "Tablet types to use on the source and target." },
  "tablet-types-in-preference-order": {
    type: "bool",
    default: true,
    help: "When performing source tablet selection, look for candidates in the type order as they are listed in the tablet-types flag.",
  },
  "filtered-replication-wait-time": {
    type: "duration",
    default: 30_000,
    help: "Specifies the maximum time to wait, in seconds, for replication to catch up when syncing tablet streams.",
  },
  limit: { type: "string", default: NO_LIMIT, help: "Max rows to stop comparing after." },
  "debug-query": {
    type: "bool",
    default: false,
    help: "Adds a mysql query to the report that can be used for further debugging.",
  },
  "only-pks": {
    type: "bool",
    default: false,
    help: "When reporting missing rows, only show primary keys in the report.",
  },
  tables: { type: "strings", default: [], help: "Only run vdiff for these tables in the workflow." },
  "max-extra-rows-to-compare": {
    type: "int",
    default: 1000,
    help: "If there are collation differences between the source and target, you can have rows that are identical but simply returned in a different order from MySQL.",
  },
  wait: {
    type: "bool",
    default: false,
    help: "When creating or resuming a vdiff, wait for it to finish before exiting.",
  },
  "wait-update-interval": {
    type: "duration",
    default: 60_000,
    help: "When waiting on a vdiff to finish, check and display the current status this often.",
  },
  "auto-retry": {
    type: "bool",
    default: true,
    help: "Should this vdiff automatically retry and continue in case of recoverable errors.",
  },
  "auto-start": {
    type: "bool",
    default: true,
    help: "Start the vdiff upon creation. When false, the vdiff waits for resume.",
  },
  "update-table-stats": {
    type: "bool",
    default: false,
    help: "Update the table statistics, using ANALYZE TABLE, on each table involved in the VDiff during initialization.",
  },
  "max-report-sample-rows": {
    type: "int",
    default: 10,
    help: "Maximum number of row differences to report (0 for all differences).",
  },
  "max-diff-duration": {
    type: "duration",
    default: 0,
    help: "How long should an individual table diff run before being stopped and restarted.",
  },
  "row-diff-column-truncate-at": {
    type: "int",
    default: 128,
    help: "When showing row differences, truncate the non Primary Key column values to this length. A value less than 1 means do not truncate.",
  },
} as const satisfies FlagSpec;

const subcommands = [
  defineSubcommand(base, {
    name: "create",
    aliases: ["Create"],
    use: "create [<uuid>] [--tables t1,t2] [--limit N] [--auto-start] [--wait]",
    short:
      "Create and run a VDiff to compare the tables involved in a VReplication workflow between the source and target.",
    flags: createFlags,
    args: [0, 1],
    async run(io, flags, args) {
      const t = target(flags);
      const uuid = args[0] === undefined ? "" : uuidArg(args[0]);
      if (!/^\d+$/.test(flags.limit) || BigInt(flags.limit) < 1n)
        throw invalidArgument("--limit must be a positive value");
      if (flags["max-extra-rows-to-compare"] < 0)
        throw invalidArgument("--max-extra-rows-to-compare must not be a negative value");
      const types = tabletTypesFlag("tablet-types", flags["tablet-types"]);
      const client = await io.client();
      const response = await client.vDiffCreate({
        workflow: t.workflow,
        targetKeyspace: t.keyspace,
        uuid,
        sourceCells: flags["source-cells"].map((c) => c.trim()),
        targetCells: flags["target-cells"].map((c) => c.trim()),
        tabletTypes: types,
        tabletSelectionPreference: flags["tablet-types-in-preference-order"]
          ? TabletSelectionPreference.INORDER
          : TabletSelectionPreference.ANY,
        tables: flags.tables.map((table) => table.trim()),
        limit: flags.limit,
        filteredReplicationWaitTime: durationProto(flags["filtered-replication-wait-time"]),
        debugQuery: flags["debug-query"],
        onlyPKs: flags["only-pks"],
        updateTableStats: flags["update-table-stats"],
        maxExtraRowsToCompare: flags["max-extra-rows-to-compare"],
        wait: flags.wait,
        waitUpdateInterval: durationProto(flags["wait-update-interval"]),
        autoRetry: flags["auto-retry"],
        verbose: false,
        maxReportSampleRows: flags["max-report-sample-rows"],
        maxDiffDuration: durationProto(flags["max-diff-duration"]),
        rowDiffColumnTruncateAt: flags["row-diff-column-truncate-at"],
        autoStart: flags["auto-start"],
      });
      if (!flags.wait) {
        io.print(
          t.format === "json"
            ? marshalProtoJson(VDiffCreateResponse, response)
            : `VDiff ${response.UUID} scheduled on target shards, use show to view progress`,
        );
        return;
      }
      await waitForCompletion(io, client, t, response.UUID, flags["wait-update-interval"]);
    },
  }),
  defineSubcommand(base, {
    name: "show",
    aliases: ["Show"],
    use: "show {last | <uuid> | all} [--verbose]",
    short: "Show the status of a VDiff.",
    flags: { verbose: { type: "bool", default: false, help: "Show verbose output in summaries" } },
    args: [1, 1],
    async run(io, flags, args) {
      const t = target(flags);
      const arg = (args[0] ?? "").toLowerCase();
      if (arg !== LAST_ARG && arg !== ALL_ARG && !isUuid(arg)) {
        throw invalidArgument(
          `invalid argument provided (${args[0]}), valid arguments are 'all', 'last', or a valid UUID`,
        );
      }
      io.print((await show(await io.client(), t, arg, flags.verbose))[0]);
    },
  }),
  ...(["stop", "resume"] as const).map((action) =>
    defineSubcommand(base, {
      name: action,
      aliases: [action === "stop" ? "Stop" : "Resume"],
      use: `${action} <uuid>`,
      short: action === "stop" ? "Stop a running VDiff." : "Resume a VDiff.",
      flags: {},
      args: [1, 1],
      async run(io, flags, args) {
        const t = target(flags);
        const uuid = uuidArg(args[0]);
        const client = await io.client();
        const request = { workflow: t.workflow, targetKeyspace: t.keyspace, uuid, targetShards: [] };
        if (action === "stop") await client.vDiffStop(request);
        else await client.vDiffResume(request);
        io.print(simpleOutput(t.format, action));
      },
    }),
  ),
  defineSubcommand(base, {
    name: "delete",
    aliases: ["Delete"],
    use: "delete {<uuid> | all}",
    short: "Delete VDiffs.",
    flags: {},
    args: [1, 1],
    async run(io, flags, args) {
      const t = target(flags);
      const arg = (args[0] ?? "").toLowerCase();
      if (arg !== ALL_ARG && !isUuid(arg)) {
        throw invalidArgument(
          `invalid argument provided (${args[0]}), valid arguments are 'all' or a valid UUID`,
        );
      }
      await (await io.client()).vDiffDelete({ workflow: t.workflow, targetKeyspace: t.keyspace, arg });
      io.print(simpleOutput(t.format, "delete"));
    },
  }),
];

/** `create --wait`: the summary every interval until the VDiff completes (fails when it ends in error or is stopped). */
async function waitForCompletion(
  io: CommandIO,
  client: VtctldClient,
  t: Target,
  uuid: string,
  intervalMs: number,
): Promise<void> {
  for (;;) {
    await sleep(intervalMs);
    const [text, state] = await show(client, t, uuid, false);
    io.print(text);
    if (state === VDiffState.Completed) return;
    if (state === VDiffState.Error || state === VDiffState.Stopped) {
      throw invalidArgument(`vdiff ${uuid} of ${t.keyspace}.${t.workflow} ended ${state}`);
    }
  }
}

const parent = defineParentCommand({
  name: "VDiff",
  aliases: ["vdiff"],
  use: "VDiff --workflow <workflow> --target-keyspace <keyspace> [command] [command-flags]",
  short:
    "Perform commands related to diffing tables involved in a VReplication workflow between the source and target.",
  flags: base,
  subcommands,
});

/**
 * VDiff with its sub-commands. A mistyped flag or argument is an error (exit code 1, as cobra exits for
 * Vitess's VDiff) naming what was wrong.
 */
export const vdiffCommand: Command = {
  ...parent,
  parse<G extends FlagSpec>(argv: readonly string[], globalFlags: G): ParsedCommand<G> {
    try {
      return parent.parse(argv, globalFlags);
    } catch (err) {
      if (!(err instanceof FlagError)) throw err;
      return {
        globals: { values: {}, positionals: [], given: new Set() } as unknown as ParsedCommand<G>["globals"],
        run: async () => {
          throw invalidArgument(`VDiff: ${err.message}`);
        },
      };
    }
  },
};
