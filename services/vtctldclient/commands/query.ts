import { QueryResult } from "../../../libs/proto/query.js";
import { aliasArg } from "../args.js";
import { defineCommand } from "../framework.js";
import { queryResultJson, queryResultTable } from "../output.js";

export const queryCommands = [
  defineCommand({
    name: "ExecuteFetchAsDBA",
    aliases: ["ExecuteFetchAsDba"],
    use: "ExecuteFetchAsDBA [--max-rows <max-rows>] [--json|-j] [--disable-binlogs] [--reload-schema] <tablet alias> <query>",
    short: "Executes the given query as the DBA user on the remote tablet.",
    flags: {
      "max-rows": {
        type: "int",
        default: 10_000,
        help: "The maximum number of rows to fetch from the remote tablet.",
      },
      "disable-binlogs": { type: "bool", default: false, help: "Disables binary logging during the query." },
      "reload-schema": {
        type: "bool",
        default: false,
        help: "Instructs the tablet to reload its schema after executing the query.",
      },
      json: {
        type: "bool",
        default: false,
        help: "Output the results in JSON instead of a human-readable table.",
      },
    },
    shorthands: { j: "json" },
    args: [2, 2],
    async run(io, flags, [alias, query]) {
      const response = await (await io.client()).executeFetchAsDba({
        tabletAlias: aliasArg(alias as string),
        query: query as string,
        maxRows: flags["max-rows"],
        disableBinlogs: flags["disable-binlogs"],
        reloadSchema: flags["reload-schema"],
      });
      const result = response.result ?? QueryResult.create();
      if (flags.json) {
        io.print(queryResultJson(result));
        return;
      }
      const table = queryResultTable(result);
      if (table !== undefined) io.print(table);
    },
  }),
];
