import { CellInfo } from "../../../libs/proto/topodata.js";
import { marshalProtoJson } from "../../../libs/proto-json/index.js";
import { defineCommand } from "../framework.js";

const cellInfoFlags = {
  "server-address": {
    type: "string",
    default: "",
    help: "The address the topology server will connect to for this cell.",
  },
  root: { type: "string", default: "", help: "The root path the topology server will use for this cell." },
} as const;

export const cellCommands = [
  defineCommand({
    name: "AddCellInfo",
    use: "AddCellInfo --root <root> [--server-address <addr>] <cell>",
    short: "Registers a local topology service in a new cell by creating the CellInfo.",
    long: `Registers a local topology service in a new cell by creating the CellInfo
with the provided parameters.

The address will be used to connect to the topology service, and Vitess data will
be stored starting at the provided root.`,
    flags: cellInfoFlags,
    shorthands: { a: "server-address", r: "root" },
    args: [1, 1],
    async run(io, flags, [cell]) {
      const client = await io.client();
      await client.addCellInfo({
        name: cell as string,
        cellInfo: { serverAddress: flags["server-address"], root: flags.root },
      });
      io.print(`Created cell: ${cell}`);
    },
  }),
  defineCommand({
    name: "GetCellInfoNames",
    use: "GetCellInfoNames",
    short: "Lists the names of all cells in the cluster.",
    flags: {},
    args: [0, 0],
    async run(io) {
      const { names } = await (await io.client()).getCellInfoNames({});
      io.print(names.join("\n"));
    },
  }),
  defineCommand({
    name: "GetCellInfo",
    use: "GetCellInfo <cell>",
    short: "Gets the CellInfo object for the given cell.",
    flags: {},
    args: [1, 1],
    async run(io, _flags, [cell]) {
      const { cellInfo } = await (await io.client()).getCellInfo({ cell: cell as string });
      io.print(marshalProtoJson(CellInfo, cellInfo ?? CellInfo.create()));
    },
  }),
  defineCommand({
    name: "UpdateCellInfo",
    use: "UpdateCellInfo [--root <root>] [--server-address <addr>] <cell>",
    short:
      "Updates the content of a CellInfo with the provided parameters, creating the CellInfo if it does not exist.",
    long: `Updates the content of a CellInfo with the provided parameters, creating the CellInfo if it does not exist.

If a value is empty, it is ignored.`,
    flags: cellInfoFlags,
    shorthands: { a: "server-address", r: "root" },
    args: [1, 1],
    async run(io, flags, [cell]) {
      const response = await (await io.client()).updateCellInfo({
        name: cell as string,
        cellInfo: { serverAddress: flags["server-address"], root: flags.root },
      });
      io.print(
        `Updated cell ${response.name}. New CellInfo:\n${marshalProtoJson(CellInfo, response.cellInfo ?? CellInfo.create())}`,
      );
    },
  }),
];
