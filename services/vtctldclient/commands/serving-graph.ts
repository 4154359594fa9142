import { SrvKeyspace } from "../../../libs/proto/topodata.js";
import { SrvVSchema } from "../../../libs/proto/vschema.js";
import { JsonObject, marshalGoJsonMap, writeJson } from "../../../libs/proto-json/index.js";
import { formatSrvVSchema } from "../../../libs/vschema/index.js";
import { withContext } from "../../../libs/vterrors/index.js";
import { defineCommand } from "../framework.js";

export const servingGraphCommands = [
  defineCommand({
    name: "GetSrvKeyspaces",
    use: "GetSrvKeyspaces <keyspace> [<cell> ...]",
    short: "Returns the SrvKeyspaces for the given keyspace in one or more cells.",
    flags: {},
    args: [1, Number.POSITIVE_INFINITY],
    async run(io, _flags, [keyspace, ...cells]) {
      const { srvKeyspaces } = await (await io.client()).getSrvKeyspaces({
        keyspace: keyspace as string,
        cells,
      });
      io.print(marshalGoJsonMap(SrvKeyspace, srvKeyspaces));
    },
  }),
  defineCommand({
    name: "GetSrvKeyspaceNames",
    use: "GetSrvKeyspaceNames [<cell> ...]",
    short: "Outputs a JSON mapping of cell=>keyspace names served in that cell. Omit to query all cells.",
    flags: {},
    args: [0, Number.POSITIVE_INFINITY],
    async run(io, _flags, cells) {
      const { names } = await (await io.client()).getSrvKeyspaceNames({ cells });
      const object = new JsonObject();
      for (const cell of Object.keys(names).sort()) {
        const list = names[cell]?.names ?? [];
        object.set(cell, list.length > 0 ? new JsonObject().set("names", list) : new JsonObject());
      }
      io.print(writeJson(object, { htmlEscape: true }));
    },
  }),
  defineCommand({
    name: "RebuildKeyspaceGraph",
    use: "RebuildKeyspaceGraph [--cells=c1,c2,...] [--allow-partial] ks1 [ks2 ...]",
    short:
      "Rebuilds the serving data for the keyspace(s). This command may trigger an update to all connected clients.",
    flags: {
      cells: { type: "strings", default: [], help: "Specifies a comma-separated list of cells to update." },
      "allow-partial": {
        type: "bool",
        default: false,
        help: "Specifies whether a SNAPSHOT keyspace is allowed to serve with an incomplete set of shards. Ignored for all other types of keyspaces.",
      },
    },
    shorthands: { c: "cells" },
    args: [1, Number.POSITIVE_INFINITY],
    async run(io, flags, keyspaces) {
      const client = await io.client();
      for (const keyspace of keyspaces) {
        try {
          await client.rebuildKeyspaceGraph({
            keyspace,
            cells: flags.cells,
            allowPartial: flags["allow-partial"],
          });
        } catch (err) {
          throw withContext(err, `RebuildKeyspaceGraph(${keyspace}) failed`);
        }
      }
    },
  }),
  defineCommand({
    name: "GetSrvVSchema",
    use: "GetSrvVSchema cell",
    short: "Returns the SrvVSchema for the given cell.",
    flags: {},
    args: [1, 1],
    async run(io, _flags, [cell]) {
      const { srvVSchema } = await (await io.client()).getSrvVSchema({ cell: cell as string });
      io.print(formatSrvVSchema(srvVSchema ?? SrvVSchema.create()));
    },
  }),
  defineCommand({
    name: "GetSrvVSchemas",
    use: "GetSrvVSchemas [--cells=c1,c2,...] [<cell> ...]",
    short: "Returns the SrvVSchema for all cells, optionally filtered by the given cells.",
    flags: {
      cells: { type: "strings", default: [], help: "Cells to return the SrvVSchema of (as the arguments)." },
    },
    shorthands: { c: "cells" },
    args: [0, Number.POSITIVE_INFINITY],
    async run(io, flags, cells) {
      const { srvVSchemas } = await (await io.client()).getSrvVSchemas({ cells: [...flags.cells, ...cells] });
      // As Vitess: no cells prints [] rather than null.
      io.print(Object.keys(srvVSchemas).length === 0 ? "[]" : marshalGoJsonMap(SrvVSchema, srvVSchemas));
    },
  }),
  defineCommand({
    name: "RebuildVSchemaGraph",
    use: "RebuildVSchemaGraph [--cells=c1,c2,...]",
    short:
      "Rebuilds the cell-specific SrvVSchema from the global VSchema objects in the provided cells (or all cells if none provided).",
    flags: {
      cells: {
        type: "strings",
        default: [],
        help: "Specifies a comma-separated list of cells to look for tablets.",
      },
    },
    shorthands: { c: "cells" },
    args: [0, 0],
    async run(io, flags) {
      await (await io.client()).rebuildVSchemaGraph({ cells: flags.cells });
      io.print("RebuildVSchemaGraph: ok");
    },
  }),
];
