import { readFile } from "node:fs/promises";
import { SchemaDefinition } from "../../../libs/proto/tabletmanagerdata.js";
import type { TabletAlias } from "../../../libs/proto/topodata.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import { ValidateSchemaKeyspaceResponse } from "../../../libs/proto/vtctldata.js";
import { marshalProtoJson } from "../../../libs/proto-json/index.js";
import { splitStatements } from "../../../libs/sqlparser/split.js";
import { failedPrecondition, invalidArgument } from "../../../libs/vterrors/index.js";
import { aliasArg, durationProto, keyspaceShardArg } from "../args.js";
import { defineCommand, FlagError, type VtctldClient } from "../framework.js";
import { eventString } from "../output.js";

const tablesHelp =
  "Specifies a comma-separated list of tables. Each is either an exact match, or a regular expression of the form /regexp/.";

/** vtctldclient's ValidateSchemaKeyspace/Shard fail with the differences found (one per line). */
function differences(results: readonly string[]): Error {
  return failedPrecondition(results.join("\n"));
}

/** CopySchemaShard's source: a tablet alias, or keyspace/shard standing for that shard's primary. */
async function sourceAlias(client: VtctldClient, arg: string): Promise<TabletAlias> {
  if (!arg.includes("/")) return aliasArg(arg);
  const [keyspace, shard] = keyspaceShardArg(arg);
  const { tablets } = await client.getTablets({
    keyspace,
    shard,
    tabletType: TabletType.PRIMARY,
    cells: [],
    strict: false,
    tabletAliases: [],
  });
  const alias = tablets[0]?.alias;
  if (!alias) throw failedPrecondition(`no primary tablet found in source shard ${keyspace}/${shard}`);
  return alias;
}

export const schemaCommands = [
  defineCommand({
    name: "ApplySchema",
    use: "ApplySchema [--allow-long-unavailability] [--ddl-strategy <strategy>] [--wait-replicas-timeout <duration>] [--caller-id <caller_id>] {--sql-file <file> | --sql <sql>} <keyspace>",
    short:
      "Applies the schema change to the specified keyspace on every primary, running in parallel on all shards. The changes are then propagated to replicas via replication.",
    long: `Applies the schema change to the specified keyspace on every primary, running in parallel on all shards. The changes are then propagated to replicas via replication.

Only CREATE TABLE, CREATE INDEX, CREATE VIEW, ALTER TABLE, ALTER VIEW, RENAME TABLE, DROP TABLE, DROP INDEX
and DROP VIEW are allowed. Each change is first tried in a temporary database on every primary (pre-flight);
nothing is applied unless it succeeds everywhere.

If --allow-long-unavailability is set, schema changes affecting a large number of rows (and possibly incurring a longer period of unavailability) will not be rejected: without it, an ALTER of a table with more than 100,000 rows, or another change to a table with more than 2,000,000 rows, is refused.

The --sql flag is repeatable; semi-colons and repeated values may be mixed, for example:

	ApplySchema --sql "CREATE TABLE my_table; CREATE TABLE my_other_table"
	ApplySchema --sql "CREATE TABLE my_table" --sql "CREATE TABLE my_other_table"`,
    flags: {
      sql: {
        type: "stringArray",
        default: [],
        help: "Semicolon-delimited, repeatable SQL commands to apply. Exactly one of --sql|--sql-file is required.",
      },
      "sql-file": {
        type: "string",
        default: "",
        help: "Path to a file containing semicolon-delimited SQL commands to apply. Exactly one of --sql|--sql-file is required.",
      },
      "allow-long-unavailability": {
        type: "bool",
        default: false,
        help: "Allow large schema changes which incur a longer unavailability of the database.",
      },
      "ddl-strategy": {
        type: "string",
        default: "direct",
        help: "Online DDL strategy, compatible with @@ddl_strategy session variable (only 'direct' is supported).",
      },
      uuid: {
        type: "strings",
        default: [],
        help: "Optional, comma-delimited, repeatable, explicit UUIDs for migration. If given, must match number of DDL changes.",
      },
      "migration-context": {
        type: "string",
        default: "",
        help: "For Online DDL, optionally supply a custom unique string used as context for the migration(s) in this command.",
      },
      "wait-replicas-timeout": {
        type: "duration",
        default: 10_000,
        help: "Amount of time to wait for replicas to receive the schema change via replication.",
      },
      "caller-id": {
        type: "string",
        default: "",
        help: "Effective caller ID used for the operation and should map to an ACL name which grants this identity the necessary permissions to perform the operation (this is only necessary when strict table ACLs are used).",
      },
      "batch-size": {
        type: "int",
        default: 0,
        help: "How many queries to batch together. Only applicable when all queries are CREATE TABLE|VIEW",
      },
    },
    args: [1, 1],
    async run(io, flags, [keyspace]) {
      let allSql: string;
      if (flags["sql-file"] !== "") {
        if (flags.sql.length > 0)
          throw invalidArgument("Exactly one of --sql and --sql-file must be specified, not both.");
        allSql = await readFile(flags["sql-file"], "utf8");
      } else {
        if (flags.sql.length === 0)
          throw invalidArgument("Exactly one of --sql and --sql-file must be specified.");
        allSql = flags.sql.join(";");
      }
      const sql = splitStatements(allSql);
      const response = await (await io.client()).applySchema({
        keyspace: keyspace as string,
        allowLongUnavailability: flags["allow-long-unavailability"],
        sql,
        ddlStrategy: flags["ddl-strategy"],
        uuidList: flags.uuid,
        migrationContext: flags["migration-context"],
        waitReplicasTimeout: durationProto(flags["wait-replicas-timeout"]),
        callerId:
          flags["caller-id"] === ""
            ? undefined
            : { principal: flags["caller-id"], component: "", subcomponent: "" },
        batchSize: flags["batch-size"],
      });
      io.print(response.uuidList.join("\n"));
    },
  }),
  defineCommand({
    name: "CopySchemaShard",
    use: "CopySchemaShard [--tables=<table1>,<table2>,...] [--exclude-tables=<table1>,<table2>,...] [--include-views] [--skip-verify] [--wait-replicas-timeout=10s] {<source keyspace/shard> || <source tablet alias>} <destination keyspace/shard>",
    short:
      "Copies the schema from a source shard's primary (or a specific tablet) to a destination shard. The schema is applied directly on the primary of the destination shard, and it is propagated to the replicas through binlogs.",
    flags: {
      tables: { type: "strings", default: [], help: `${tablesHelp} (tables to copy)` },
      "exclude-tables": { type: "strings", default: [], help: `${tablesHelp} (tables to leave out)` },
      "include-views": { type: "bool", default: true, help: "Includes views in the output" },
      "skip-verify": {
        type: "bool",
        default: false,
        help: "Skip verification of source and target schema after copy",
      },
      "wait-replicas-timeout": {
        type: "duration",
        default: 10_000,
        help: "The amount of time to wait for replicas to receive the schema change via replication.",
      },
    },
    args: [2, 2],
    async run(io, flags, [source, destination]) {
      const [destinationKeyspace, destinationShard] = keyspaceShardArg(destination as string);
      const client = await io.client();
      await client.copySchemaShard({
        sourceTabletAlias: await sourceAlias(client, source as string),
        tables: flags.tables,
        excludeTables: flags["exclude-tables"],
        includeViews: flags["include-views"],
        skipVerify: flags["skip-verify"],
        waitReplicasTimeout: durationProto(flags["wait-replicas-timeout"]),
        destinationKeyspace,
        destinationShard,
      });
    },
  }),
  defineCommand({
    name: "GetSchema",
    use: "GetSchema [--tables TABLES ...] [--exclude-tables EXCLUDE_TABLES ...] [{--table-names-only | --table-sizes-only}] [--include-views] alias",
    short: "Displays the full schema for a tablet, optionally restricted to the specified tables/views.",
    flags: {
      tables: {
        type: "strings",
        default: [],
        help: "List of tables to display the schema for. Each is either an exact match, or a regular expression of the form `/regexp/`.",
      },
      "exclude-tables": {
        type: "strings",
        default: [],
        help: "List of tables to exclude from the result. Each is either an exact match, or a regular expression of the form `/regexp/`.",
      },
      "include-views": {
        type: "bool",
        default: false,
        help: "Includes views in the output in addition to base tables.",
      },
      "table-names-only": { type: "bool", default: false, help: "Display only table names in the result." },
      "table-sizes-only": {
        type: "bool",
        default: false,
        help: "Display only size information for matching tables. Ignored if --table-names-only is set.",
      },
      "table-schema-only": {
        type: "bool",
        default: false,
        help: "Skip introspecting columns and fields metadata.",
      },
    },
    shorthands: { n: "table-names-only", s: "table-sizes-only" },
    args: [1, 1],
    async run(io, flags, [alias]) {
      if (flags["table-names-only"] && flags["table-sizes-only"])
        throw new FlagError("can only pass one of --table-names-only and --table-sizes-only");
      const { schema } = await (await io.client()).getSchema({
        tabletAlias: aliasArg(alias as string),
        tables: flags.tables,
        excludeTables: flags["exclude-tables"],
        includeViews: flags["include-views"],
        tableNamesOnly: flags["table-names-only"],
        tableSizesOnly: flags["table-sizes-only"],
        tableSchemaOnly: flags["table-schema-only"],
      });
      const definition = schema ?? SchemaDefinition.create();
      if (flags["table-names-only"]) {
        io.print(definition.tableDefinitions.map((t) => t.name).join("\n"));
        return;
      }
      io.print(marshalProtoJson(SchemaDefinition, definition));
    },
  }),
  defineCommand({
    name: "ReloadSchema",
    use: "ReloadSchema <tablet_alias>",
    short: "Reloads the schema on a remote tablet.",
    flags: {},
    args: [1, 1],
    async run(io, _flags, [alias]) {
      await (await io.client()).reloadSchema({ tabletAlias: aliasArg(alias as string) });
    },
  }),
  defineCommand({
    name: "ReloadSchemaKeyspace",
    use: "ReloadSchemaKeyspace [--concurrency=<concurrency>] [--include-primary] <keyspace>",
    short: "Reloads the schema on all tablets in a keyspace. This is done on a best-effort basis.",
    flags: {
      concurrency: {
        type: "int",
        default: 10,
        help: "Number of tablets to reload in parallel. Set to zero for unbounded concurrency.",
      },
      "include-primary": { type: "bool", default: false, help: "Also reload the primary tablets." },
    },
    args: [1, 1],
    async run(io, flags, [keyspace]) {
      const { events } = await (await io.client()).reloadSchemaKeyspace({
        keyspace: keyspace as string,
        waitPosition: "",
        concurrency: flags.concurrency,
        includePrimary: flags["include-primary"],
      });
      for (const event of events) io.printErr(eventString(event));
    },
  }),
  defineCommand({
    name: "ReloadSchemaShard",
    use: "ReloadSchemaShard [--concurrency=10] [--include-primary] <keyspace/shard>",
    short: "Reloads the schema on all tablets in a shard. This is done on a best-effort basis.",
    flags: {
      concurrency: {
        type: "int",
        default: 10,
        help: "Number of tablets to reload in parallel. Set to zero for unbounded concurrency.",
      },
      "include-primary": { type: "bool", default: false, help: "Also reload the primary tablet." },
    },
    args: [1, 1],
    async run(io, flags, [target]) {
      const [keyspace, shard] = keyspaceShardArg(target as string);
      const { events } = await (await io.client()).reloadSchemaShard({
        keyspace,
        shard,
        waitPosition: "",
        concurrency: flags.concurrency,
        includePrimary: flags["include-primary"],
      });
      for (const event of events) io.printErr(eventString(event));
    },
  }),
  defineCommand({
    name: "ValidateSchemaKeyspace",
    aliases: ["validateschemakeyspace"],
    use: "ValidateSchemaKeyspace [--exclude-tables=<exclude_tables>] [--include-views] [--skip-no-primary] [--include-vschema] <keyspace>",
    short:
      "Validates that the schema on the primary tablet for the first shard matches the schema on all other tablets in the keyspace.",
    flags: validateFlags(),
    args: [1, 1],
    async run(io, flags, [keyspace]) {
      const response = await (await io.client()).validateSchemaKeyspace({
        keyspace: keyspace as string,
        excludeTables: flags["exclude-tables"],
        includeViews: flags["include-views"],
        skipNoPrimary: flags["skip-no-primary"],
        includeVschema: flags["include-vschema"],
        shards: [],
      });
      if (response.results.length > 0) throw differences(response.results);
    },
  }),
  defineCommand({
    name: "ValidateSchemaShard",
    aliases: ["validateschemashard"],
    use: "ValidateSchemaShard [--exclude-tables=<exclude_tables>] [--include-views] [--skip-no-primary] [--include-vschema] <keyspace/shard>",
    short:
      "Validates that the schema on the primary tablet for the specified shard matches the schema on all other tablets in that shard.",
    flags: validateFlags(),
    args: [1, 1],
    async run(io, flags, [target]) {
      const [keyspace, shard] = keyspaceShardArg(target as string);
      const response = await (await io.client()).validateSchemaKeyspace({
        keyspace,
        shards: [shard],
        excludeTables: flags["exclude-tables"],
        includeViews: flags["include-views"],
        skipNoPrimary: flags["skip-no-primary"],
        includeVschema: flags["include-vschema"],
      });
      io.print(marshalProtoJson(ValidateSchemaKeyspaceResponse, response));
      if (response.results.length > 0) throw differences(response.results);
    },
  }),
];

function validateFlags() {
  return {
    "exclude-tables": {
      type: "strings",
      default: [] as string[],
      help: "Tables to exclude during schema comparison.",
    },
    "include-views": { type: "bool", default: false, help: "Includes views in compared schemas." },
    "skip-no-primary": {
      type: "bool",
      default: false,
      help: "Skips validation on whether or not a primary exists in shards.",
    },
    "include-vschema": {
      type: "bool",
      default: false,
      help: "Includes VSchema validation in validation results.",
    },
  } as const;
}
