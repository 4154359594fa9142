import { readFile } from "node:fs/promises";
import { MirrorRules, RoutingRules } from "../../../libs/proto/vschema.js";
import { type MessageCodec, marshalProtoJson } from "../../../libs/proto-json/index.js";
import {
  formatIssues,
  parseMirrorRules,
  parseRoutingRules,
  type VSchemaIssue,
  validateMirrorRules,
  validateRoutingRules,
} from "../../../libs/vschema/index.js";
import { invalidArgument } from "../../../libs/vterrors/index.js";
import { parseJsonArgument } from "../args.js";
import { type Command, defineCommand, type VtctldClient } from "../framework.js";

/** One kind of global rules (routing rules, mirror rules): how to read, check, print, save and load them. */
interface RulesKind<T> {
  /** "RoutingRules": the command names (Apply<Name>, Get<Name>) and the printed object's name. */
  name: string;
  /** "routing rules", in messages. */
  what: string;
  codec: MessageCodec<T> & { create(): T };
  parse(text: string): T;
  validate(rules: T): VSchemaIssue[];
  apply(client: VtctldClient, rules: T, skipRebuild: boolean, rebuildCells: string[]): Promise<unknown>;
  get(client: VtctldClient): Promise<T | undefined>;
}

/** ApplyXRules and GetXRules for one kind of rules, as Vitess's vtctldclient prints them. */
function rulesCommands<T>(kind: RulesKind<T>): Command[] {
  return [
    defineCommand({
      name: `Apply${kind.name}`,
      use: `Apply${kind.name} {--rules RULES | --rules-file RULES_FILE} [--cells=c1,c2,...] [--skip-rebuild] [--dry-run]`,
      short: `Applies the VSchema ${kind.what}.`,
      flags: {
        rules: { type: "string", default: "", help: `${kind.what}, specified as a string.` },
        "rules-file": {
          type: "string",
          default: "",
          help: `Path to a file containing ${kind.what} specified as JSON.`,
        },
        cells: {
          type: "strings",
          default: [],
          help: "Limit the VSchema graph rebuilding to the specified cells. Ignored if --skip-rebuild is specified.",
        },
        "skip-rebuild": { type: "bool", default: false, help: "Skip rebuilding the SrvVSchema objects." },
        "dry-run": {
          type: "bool",
          default: false,
          help: `Load the specified ${kind.what} as a validation step, but do not actually apply the rules to the topo.`,
        },
      },
      shorthands: { r: "rules", f: "rules-file", c: "cells", d: "dry-run" },
      args: [0, 0],
      async run(io, flags) {
        if (flags.rules !== "" && flags["rules-file"] !== "") {
          throw invalidArgument(
            `cannot pass both --rules (=${flags.rules}) and --rules-file (=${flags["rules-file"]})`,
          );
        }
        if (flags.rules === "" && flags["rules-file"] === "")
          throw invalidArgument("must pass exactly one of --rules or --rules-file");
        const text = flags.rules !== "" ? flags.rules : await readFile(flags["rules-file"], "utf8");
        const rules = parseJsonArgument("--rules", () => kind.parse(text));
        const issues = kind.validate(rules);
        if (issues.length > 0) throw invalidArgument(`invalid ${kind.what}: ${formatIssues(issues)}`);
        const json = marshalProtoJson(kind.codec, rules);
        if (flags["dry-run"]) {
          io.print(`[DRY RUN] Would have saved new ${kind.name} object:\n${json}`);
          if (flags["skip-rebuild"]) {
            io.print(
              "[DRY RUN] Would not have rebuilt VSchema graph, would have required operator to run RebuildVSchemaGraph for changes to take effect",
            );
          } else if (flags.cells.length === 0) {
            io.print("[DRY RUN] Would have rebuilt the VSchema graph in all cells");
          } else {
            io.print(
              `[DRY RUN] Would have rebuilt the VSchema graph in the following cells: ${flags.cells.join(", ")}.`,
            );
          }
          return;
        }
        await kind.apply(await io.client(), rules, flags["skip-rebuild"], flags.cells);
        io.print(
          `New ${kind.name} object:\n${json}\nIf this is not what you expected, check the input data (as JSON parsing will skip unexpected fields).`,
        );
        if (flags["skip-rebuild"]) {
          io.print(
            "Skipping rebuild of VSchema graph, will need to run RebuildVSchemaGraph for changes to take effect.",
          );
        }
      },
    }),
    defineCommand({
      name: `Get${kind.name}`,
      use: `Get${kind.name}`,
      short: `Displays the VSchema ${kind.what}.`,
      flags: {},
      args: [0, 0],
      async run(io) {
        const rules = await kind.get(await io.client());
        io.print(marshalProtoJson(kind.codec, rules ?? kind.codec.create()));
      },
    }),
  ];
}

export const routingRuleCommands = rulesCommands<RoutingRules>({
  name: "RoutingRules",
  what: "routing rules",
  codec: RoutingRules,
  parse: parseRoutingRules,
  validate: (rules) => validateRoutingRules(rules),
  apply: (client, routingRules, skipRebuild, rebuildCells) =>
    client.applyRoutingRules({ routingRules, skipRebuild, rebuildCells }),
  get: async (client) => (await client.getRoutingRules({})).routingRules,
});

export const mirrorRuleCommands = rulesCommands<MirrorRules>({
  name: "MirrorRules",
  what: "mirror rules",
  codec: MirrorRules,
  parse: parseMirrorRules,
  validate: (rules) => validateMirrorRules(rules),
  apply: (client, mirrorRules, skipRebuild, rebuildCells) =>
    client.applyMirrorRules({ mirrorRules, skipRebuild, rebuildCells }),
  get: async (client) => (await client.getMirrorRules({})).mirrorRules,
});
