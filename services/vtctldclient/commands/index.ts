import type { Command } from "../framework.js";
import { cellCommands } from "./cells.js";
import { keyspaceCommands } from "./keyspaces.js";
import { queryCommands } from "./query.js";
import { reparentCommands } from "./reparents.js";
import { mirrorRuleCommands, routingRuleCommands } from "./routing-rules.js";
import { schemaCommands } from "./schema.js";
import { servingGraphCommands } from "./serving-graph.js";
import { shardCommands } from "./shards.js";
import { tabletCommands } from "./tablets.js";
import { vreplicationCommands } from "./vreplication/index.js";
import { vschemaCommands } from "./vschemas.js";

/** Every vtctldclient command, sorted by name for --help; a new group is one more spread here. */
export const COMMANDS: readonly Command[] = [
  ...cellCommands,
  ...keyspaceCommands,
  ...shardCommands,
  ...tabletCommands,
  ...queryCommands,
  ...servingGraphCommands,
  ...reparentCommands,
  ...schemaCommands,
  ...vschemaCommands,
  ...routingRuleCommands,
  ...mirrorRuleCommands,
  ...vreplicationCommands,
].sort((a, b) => a.name.localeCompare(b.name));

/** The command named `name` (exact, or an alias). */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name || c.aliases.includes(name));
}
