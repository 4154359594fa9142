import { Mirror } from "../engine/mirror.js";
import type { MirrorPlanning, PlanContext } from "./context.js";
import type { Plan } from "./plan.js";

/**
 * Wraps a SELECT's plan in a Mirror operator when every table it reads has a mirror rule for the session's
 * tablet type (MoveTables MirrorTraffic): `replan` plans the same statement with the tables resolved to their
 * mirror targets. A statement that cannot be mirrored (a table without a rule, a plan the target cannot take)
 * keeps its plan unchanged: mirroring never changes what the client gets.
 */
export function withMirror(ctx: PlanContext, main: Plan, replan: (ctx: PlanContext) => Plan): Plan {
  if (ctx.vschema.mirrorRules.size === 0 || ctx.target.shard !== undefined || ctx.mirror) return main;
  const mirror: MirrorPlanning = { percent: 100 };
  let copy: Plan;
  try {
    copy = replan({ ...ctx, mirror });
  } catch {
    return main;
  }
  if (copy.keyspace === main.keyspace) return main;
  return { ...main, instructions: new Mirror(mirror.percent, main.instructions, copy.instructions) };
}
