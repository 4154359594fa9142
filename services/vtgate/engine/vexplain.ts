import type { QueryResult } from "../../../libs/proto/query.js";
import type { PlanCursor } from "./cursor.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { localField, localResult } from "./results.js";
import { Route } from "./route.js";

/** The operators under `p`: the merge operators keep theirs in `input`, Mirror its two in `inputs`. */
function inputsOf(p: Primitive<PlanCursor>): Primitive<PlanCursor>[] {
  const { input, inputs } = p as { input?: Primitive<PlanCursor>; inputs?: Primitive<PlanCursor>[] };
  return inputs ?? (input ? [input] : []);
}

/**
 * `vexplain plan <query>` (and `explain format=vitess`): one row, one column `JSON` with the plan's
 * description — operators that merge rows, and each route with its opcode, keyspace, vindex values, the
 * query sent and the shards it goes to for these values. The query itself is not run.
 */
export class VExplainPlan implements Primitive<PlanCursor> {
  readonly kind = "VExplainPlan";

  constructor(readonly inner: Primitive<PlanCursor>) {}

  async execute(cursor: PlanCursor, bindVars: BindVars): Promise<QueryResult> {
    const explain = async (p: Primitive<PlanCursor>): Promise<PlanDescription> => {
      if (p instanceof Route) {
        const calls = await p.calls(cursor, bindVars);
        return { ...p.describe(), shards: calls.map((c) => c.shard.target.shard) };
      }
      const inputs = inputsOf(p);
      if (inputs.length === 0) return p.describe();
      return { ...p.describe(), inputs: await Promise.all(inputs.map(explain)) };
    };
    const description = await explain(this.inner);
    return localResult([localField("JSON")], [[JSON.stringify(description, null, "\t")]]);
  }

  async streamExecute(cursor: PlanCursor, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "VExplain", inputs: [this.inner.describe()] };
  }
}
