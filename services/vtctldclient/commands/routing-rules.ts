import { readFile } from "node:fs/promises";
import { RoutingRules } from "../../../libs/proto/vschema.js";
import { marshalProtoJson } from "../../../libs/proto-json/index.js";
import { formatIssues, parseRoutingRules, validateRoutingRules } from "../../../libs/vschema/index.js";
import { invalidArgument } from "../../../libs/vterrors/index.js";
import { parseJsonArgument } from "../args.js";
import { defineCommand } from "../framework.js";

export const routingRuleCommands = [
  defineCommand({
    name: "ApplyRoutingRules",
    use: "ApplyRoutingRules {--rules RULES | --rules-file RULES_FILE} [--cells=c1,c2,...] [--skip-rebuild] [--dry-run]",
    short: "Applies the VSchema routing rules.",
    flags: {
      rules: { type: "string", default: "", help: "Routing rules, specified as a string." },
      "rules-file": {
        type: "string",
        default: "",
        help: "Path to a file containing routing rules specified as JSON.",
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
        help: "Load the specified routing rules as a validation step, but do not actually apply the rules to the topo.",
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
      const rules = parseJsonArgument("--rules", () => parseRoutingRules(text));
      const issues = validateRoutingRules(rules);
      if (issues.length > 0) throw invalidArgument(`invalid routing rules: ${formatIssues(issues)}`);
      const json = marshalProtoJson(RoutingRules, rules);
      if (flags["dry-run"]) {
        io.print(`[DRY RUN] Would have saved new RoutingRules object:\n${json}`);
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
      await (await io.client()).applyRoutingRules({
        routingRules: rules,
        skipRebuild: flags["skip-rebuild"],
        rebuildCells: flags.cells,
      });
      io.print(
        `New RoutingRules object:\n${json}\nIf this is not what you expected, check the input data (as JSON parsing will skip unexpected fields).`,
      );
      if (flags["skip-rebuild"]) {
        io.print(
          "Skipping rebuild of VSchema graph, will need to run RebuildVSchemaGraph for changes to take effect.",
        );
      }
    },
  }),
  defineCommand({
    name: "GetRoutingRules",
    use: "GetRoutingRules",
    short: "Displays the VSchema routing rules.",
    flags: {},
    args: [0, 0],
    async run(io) {
      const { routingRules } = await (await io.client()).getRoutingRules({});
      io.print(marshalProtoJson(RoutingRules, routingRules ?? RoutingRules.create()));
    },
  }),
];
