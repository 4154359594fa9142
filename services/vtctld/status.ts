import type { CallContext } from "../../libs/grpc/index.js";
import { type Tablet, tabletTypeToJSON } from "../../libs/proto/topodata.js";
import { escapeHtml, htmlTable, type StatusSection } from "../../libs/servenv/index.js";
import { tabletAliasString } from "../../libs/topo/index.js";
import type { VtctldHandlers } from "../../libs/vtctl/index.js";

type Handlers = Pick<
  VtctldHandlers,
  "getKeyspaces" | "findAllShardsInKeyspace" | "getTablets" | "getCellInfoNames"
>;

const context: CallContext = {
  signal: new AbortController().signal,
  deadline: undefined,
  peer: "status page",
};

function tabletAddress(tablet: Tablet): string {
  const port = tablet.portMap.vt;
  return port ? `${tablet.hostname}:${port}` : tablet.hostname;
}

/** The /debug/status sections of vtctld: cells, then each keyspace with its shards and their tablets. */
export function topologySections(handlers: Handlers): StatusSection[] {
  return [
    {
      title: "Cells",
      render: async () => {
        const { names } = await handlers.getCellInfoNames({}, context);
        return names.length === 0 ? "<p>no cells</p>" : `<p>${names.map(escapeHtml).join(", ")}</p>`;
      },
    },
    {
      title: "Keyspaces",
      render: async () => {
        const { keyspaces } = await handlers.getKeyspaces({}, context);
        if (keyspaces.length === 0) return "<p>no keyspaces</p>";
        const { tablets } = await handlers.getTablets(
          { keyspace: "", shard: "", cells: [], strict: false, tabletAliases: [], tabletType: 0 },
          context,
        );
        const parts: string[] = [];
        for (const { name } of keyspaces) {
          const { shards } = await handlers.findAllShardsInKeyspace({ keyspace: name }, context);
          const rows: string[][] = [];
          for (const shardName of Object.keys(shards).sort()) {
            const record = shards[shardName]?.shard;
            const primary = record?.primaryAlias ? tabletAliasString(record.primaryAlias) : "";
            const members = tablets.filter((t) => t.keyspace === name && t.shard === shardName);
            const cells = members.map(
              (t) =>
                `${escapeHtml(t.alias ? tabletAliasString(t.alias) : "?")} ` +
                `${escapeHtml(tabletTypeToJSON(t.type).toLowerCase())} ${escapeHtml(tabletAddress(t))}`,
            );
            rows.push([
              escapeHtml(shardName),
              escapeHtml(primary),
              record?.isPrimaryServing ? "yes" : "no",
              cells.join("<br>") || "no tablets",
            ]);
          }
          parts.push(
            `<h3>${escapeHtml(name)}</h3>\n${htmlTable(["Shard", "Primary", "Serving", "Tablets"], rows)}`,
          );
        }
        return parts.join("\n");
      },
    },
  ];
}
