import { Tablet } from "../../../libs/proto/topodata.js";
import { marshalGoJsonList, marshalProtoJson } from "../../../libs/proto-json/index.js";
import { tabletAliasString } from "../../../libs/topo/index.js";
import { aliasArg, tabletTypeArg, tabletTypeFlag } from "../args.js";
import { defineCommand, FlagError, rewrapError } from "../framework.js";
import { tabletAwk } from "../output.js";

export const tabletCommands = [
  defineCommand({
    name: "GetTablet",
    use: "GetTablet <alias>",
    short: "Outputs a JSON structure that contains information about the tablet.",
    flags: {},
    args: [1, 1],
    async run(io, _flags, [alias]) {
      const { tablet } = await (await io.client()).getTablet({ tabletAlias: aliasArg(alias as string) });
      io.print(marshalProtoJson(Tablet, tablet ?? Tablet.create()));
    },
  }),
  defineCommand({
    name: "GetTablets",
    use: "GetTablets [--strict] [{--cell $c1 [--cell $c2 ...], --keyspace $ks [--shard $shard], --tablet-type $type, --tablet-alias $alias}]",
    short: "Looks up tablets according to filter criteria.",
    long: `Looks up tablets according to the filter criteria.

If --tablet-alias is passed, none of the other filters (keyspace, shard, cell) may
be passed, and tablets are looked up by tablet alias only.

If --keyspace is passed, then all tablets in the keyspace are retrieved. The
--shard flag may also be passed to further narrow the set of tablets to that
<keyspace/shard>. Passing --shard without also passing --keyspace will fail.

If --tablet-type is passed, only tablets of the specified type will be
returned.

Passing --cell limits the set of tablets to those in the specified cells. The
--cell flag accepts a CSV argument (e.g. --cell "c1,c2") and may be repeated
(e.g. --cell "c1" --cell "c2").

Valid output formats are "awk" and "json".`,
    flags: {
      "tablet-alias": { type: "strings", default: [], help: "List of tablet aliases to filter by." },
      cell: { type: "strings", default: [], help: "List of cells to filter tablets by." },
      keyspace: { type: "string", default: "", help: "Keyspace to filter tablets by." },
      shard: { type: "string", default: "", help: "Shard to filter tablets by." },
      "tablet-type": {
        type: "string",
        default: "",
        help: "Tablet type to filter by (e.g. primary or replica).",
      },
      format: {
        type: "string",
        default: "awk",
        help: "Output format to use; valid choices are (json, awk).",
      },
      strict: {
        type: "bool",
        default: false,
        help: "Require all cells to return successful tablet data. Without --strict, tablet listings may be partial.",
      },
    },
    shorthands: { t: "tablet-alias", c: "cell", k: "keyspace", s: "shard" },
    args: [0, 0],
    async run(io, flags) {
      const format = flags.format.toLowerCase();
      if (format !== "awk" && format !== "json")
        throw new FlagError(`invalid output format, got ${flags.format}`);
      const aliases = flags["tablet-alias"];
      if (aliases.length > 0) {
        const shown = `[${aliases.join(" ")}]`;
        if (flags.keyspace !== "")
          throw new FlagError(
            `--keyspace (= ${flags.keyspace}) cannot be passed when using --tablet-alias (= ${shown})`,
          );
        if (flags.shard !== "")
          throw new FlagError(
            `--shard (= ${flags.shard}) cannot be passed when using --tablet-alias (= ${shown})`,
          );
        if (flags.cell.length > 0)
          throw new FlagError(
            `--cell (= [${flags.cell.join(" ")}]) cannot be passed when using --tablet-alias (= ${shown})`,
          );
      }
      if (flags.keyspace === "" && flags.shard !== "") {
        throw new FlagError(`--shard (= ${flags.shard}) cannot be passed without also passing --keyspace`);
      }
      const { tablets } = await (await io.client()).getTablets({
        tabletAliases: aliases.map(aliasArg),
        cells: flags.cell,
        keyspace: flags.keyspace,
        shard: flags.shard,
        strict: flags.strict,
        tabletType: tabletTypeFlag("tablet-type", flags["tablet-type"]),
      });
      if (format === "json") io.print(marshalGoJsonList(Tablet, tablets));
      else for (const tablet of tablets) io.print(tabletAwk(tablet));
    },
  }),
  defineCommand({
    name: "DeleteTablets",
    use: "DeleteTablets <alias> [ <alias> ... ]",
    short: "Deletes tablet(s) from the topology.",
    flags: {
      "allow-primary": {
        type: "bool",
        default: false,
        help: "Allow the primary tablet of a shard to be deleted. Use with caution.",
      },
    },
    shorthands: { p: "allow-primary" },
    args: [1, Number.POSITIVE_INFINITY],
    async run(io, flags, args) {
      const tabletAliases = args.map(aliasArg);
      try {
        await (await io.client()).deleteTablets({ tabletAliases, allowPrimary: flags["allow-primary"] });
      } catch (err) {
        throw rewrapError(
          err,
          (m) => `${m}: while deleting ${tabletAliases.length} tablets; please inspect the topo`,
        );
      }
      io.print(`Successfully deleted ${tabletAliases.length} tablets`);
    },
  }),
  defineCommand({
    name: "ChangeTabletType",
    use: "ChangeTabletType [--dry-run] <alias> <tablet-type>",
    short: "Changes the db type for the specified tablet, if possible.",
    long: `Changes the db type for the specified tablet, if possible.

This command is used primarily to arrange replicas, and it will not convert a primary.
NOTE: This command automatically updates the serving graph.`,
    flags: {
      "dry-run": {
        type: "bool",
        default: false,
        help: "Shows the proposed change without actually executing it.",
      },
    },
    shorthands: { d: "dry-run" },
    args: [2, 2],
    async run(io, flags, [alias, type]) {
      const tabletAlias = aliasArg(alias as string);
      const dbType = tabletTypeArg(type as string);
      const response = await (await io.client()).changeTabletType({
        tabletAlias,
        dbType,
        dryRun: flags["dry-run"],
      });
      if (response.wasDryRun) io.print("--- DRY RUN ---");
      io.print(`- ${tabletAwk(response.beforeTablet ?? Tablet.create())}`);
      io.print(`+ ${tabletAwk(response.afterTablet ?? Tablet.create())}`);
    },
  }),
  defineCommand({
    name: "RefreshState",
    use: "RefreshState <alias>",
    short: "Reloads the tablet record on the specified tablet.",
    flags: {},
    args: [1, 1],
    async run(io, _flags, [alias]) {
      const tabletAlias = aliasArg(alias as string);
      await (await io.client()).refreshState({ tabletAlias });
      io.print(`Refreshed state on ${tabletAliasString(tabletAlias)}`);
    },
  }),
  defineCommand({
    name: "PingTablet",
    use: "PingTablet <alias>",
    short:
      "Checks that the specified tablet is awake and responding to RPCs. This command can be blocked by other in-flight operations.",
    flags: {},
    args: [1, 1],
    async run(io, _flags, [alias]) {
      await (await io.client()).pingTablet({ tabletAlias: aliasArg(alias as string) });
    },
  }),
];
