import type { QueryResult } from "../../../libs/proto/query.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { localField, localResult } from "./results.js";

/**
 * `vexplain plan <query>` (and `explain format=vitess`): one row, one column `JSON` with the plan's
 * description — the routes with their opcodes, keyspaces, vindex values, the queries sent to the shards
 * and the operators that merge their rows. The query itself is not run.
 */
export class VExplainPlan<C> implements Primitive<C> {
  readonly kind = "VExplainPlan";

  constructor(readonly inner: Primitive<C>) {}

  async execute(_cursor: C, _bindVars: BindVars): Promise<QueryResult> {
    return localResult([localField("JSON")], [[JSON.stringify(this.inner.describe(), null, "\t")]]);
  }

  async streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "VExplain", inputs: [this.inner.describe()] };
  }
}
