import { readFile } from "node:fs/promises";
import { Keyspace as KeyspaceVSchema } from "../../../libs/proto/vschema.js";
import { formatKeyspaceVSchema, parseKeyspaceVSchema } from "../../../libs/vschema/index.js";
import { invalidArgument } from "../../../libs/vterrors/index.js";
import { parseJsonArgument } from "../args.js";
import { defineCommand } from "../framework.js";

export const vschemaCommands = [
  defineCommand({
    name: "ApplyVSchema",
    use: "ApplyVSchema {--vschema=<vschema> || --vschema-file=<vschema file>} [--cells=c1,c2,...] [--skip-rebuild] [--dry-run] [--strict] <keyspace>",
    short: "Applies the VTGate routing schema to the provided keyspace. Shows the result after application.",
    long: `Applies the VTGate routing schema to the provided keyspace. Shows the result after application.

The VSchema is checked before it is stored: its JSON (unknown keys are refused, naming their path), its vindex
types and params, that column vindexes name declared vindexes, that sharded tables have a primary vindex,
that sequence tables are declared "type": "sequence" and that auto_increment names one. A VSchema that fails
a check is refused with the problem and the stored VSchema is left as it was.`,
    flags: {
      vschema: { type: "string", default: "", help: "VSchema" },
      "vschema-file": { type: "string", default: "", help: "Path to a file containing the VSchema as JSON." },
      sql: {
        type: "string",
        default: "",
        help: "A VSchema DDL SQL statement, e.g. `alter table t add vindex hash(id)` (not supported yet)",
      },
      "sql-file": {
        type: "string",
        default: "",
        help: "A file containing VSchema DDL SQL (not supported yet)",
      },
      "dry-run": {
        type: "bool",
        default: false,
        help: "If set, do not save the altered vschema, simply echo to console.",
      },
      "skip-rebuild": { type: "bool", default: false, help: "If set, do no rebuild the SrvSchema objects." },
      cells: {
        type: "strings",
        default: [],
        help: "Limits the rebuild to the specified cells, after application. Ignored if --skip-rebuild is set.",
      },
      strict: {
        type: "bool",
        default: false,
        help: "If set, treat unknown vindex params as errors.",
      },
    },
    args: [1, 1],
    async run(io, flags, [keyspace]) {
      const sqlMode = (flags.sql !== "") !== (flags["sql-file"] !== "");
      const jsonMode = (flags.vschema !== "") !== (flags["vschema-file"] !== "");
      if (sqlMode && jsonMode) {
        throw invalidArgument(
          "only one of the sql, sql-file, vschema, or vschema-file flags may be specified when calling the ApplyVSchema command",
        );
      }
      if (!sqlMode && !jsonMode) {
        throw invalidArgument(
          "one of the sql, sql-file, vschema, or vschema-file flags must be specified when calling the ApplyVSchema command",
        );
      }
      let request: { vSchema: KeyspaceVSchema | undefined; sql: string };
      if (sqlMode) {
        const sql = flags.sql !== "" ? flags.sql : await readFile(flags["sql-file"], "utf8");
        request = { vSchema: undefined, sql };
      } else {
        const text = flags.vschema !== "" ? flags.vschema : await readFile(flags["vschema-file"], "utf8");
        request = { vSchema: parseJsonArgument("--vschema", () => parseKeyspaceVSchema(text)), sql: "" };
      }
      const response = await (await io.client()).applyVSchema({
        keyspace: keyspace as string,
        ...request,
        skipRebuild: flags["skip-rebuild"],
        dryRun: flags["dry-run"],
        cells: flags.cells,
        strict: flags.strict,
      });
      const json = formatKeyspaceVSchema(response.vSchema ?? KeyspaceVSchema.create());
      if (flags["dry-run"]) {
        io.print(`Dry run: Skipping update of VSchema. New VSchema would be: ${json}`);
      } else {
        io.print(
          `New VSchema object:\n${json}\nIf this is not what you expected, check the input data (as JSON parsing will skip unexpected fields).`,
        );
      }
      for (const name of Object.keys(response.unknownVindexParams).sort()) {
        const params = response.unknownVindexParams[name]?.params ?? [];
        io.print(`\n\nWARNING: Unknown parameters in vindex ${name}: ${params.join(", ")}`);
      }
      if (flags["skip-rebuild"] && !flags["dry-run"]) {
        io.printErr(
          "Skipping rebuild of SrvVSchema, will need to run RebuildVSchemaGraph for changes to take effect",
        );
      }
    },
  }),
  defineCommand({
    name: "GetVSchema",
    use: "GetVSchema <keyspace>",
    short: "Prints a JSON representation of a keyspace's topo record.",
    flags: {},
    args: [1, 1],
    async run(io, _flags, [keyspace]) {
      const { vSchema } = await (await io.client()).getVSchema({ keyspace: keyspace as string });
      io.print(formatKeyspaceVSchema(vSchema ?? KeyspaceVSchema.create()));
    },
  }),
];
