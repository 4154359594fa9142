import type { Command } from "../../framework.js";
import { legacyCommands } from "./legacy.js";
import { moveTablesCommand } from "./movetables.js";
import { vdiffCommand } from "./vdiff.js";
import { workflowCommand } from "./workflow.js";

/** MoveTables, Workflow and VDiff with their sub-commands, and the old names of seeds 001/002. */
export const vreplicationCommands: readonly Command[] = [
  moveTablesCommand,
  workflowCommand,
  vdiffCommand,
  ...legacyCommands,
];
