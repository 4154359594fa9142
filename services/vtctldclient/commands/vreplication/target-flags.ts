import { defineFlags } from "../../../../libs/flags/index.js";
import { invalidArgument } from "../../../../libs/vterrors/index.js";

/** The flags every workflow command of a target keyspace takes (MoveTables, VDiff), as Vitess's common flags. */
export const targetWorkflowFlags = defineFlags({
  "target-keyspace": { type: "string", default: "", help: "Target keyspace for this workflow." },
  workflow: { type: "string", default: "", help: "The workflow you want to perform the command on." },
  format: {
    type: "string",
    default: "text",
    help: "The format of the output; supported formats are: text,json.",
  },
});

/** The target keyspace and workflow, both required (named in the error when missing). */
export function requiredTarget(flags: { "target-keyspace": string; workflow: string }): {
  keyspace: string;
  workflow: string;
} {
  if (flags["target-keyspace"] === "") throw invalidArgument('required flag(s) "target-keyspace" not set');
  if (flags.workflow === "") throw invalidArgument('required flag(s) "workflow" not set');
  return { keyspace: flags["target-keyspace"], workflow: flags.workflow };
}
