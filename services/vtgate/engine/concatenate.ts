import type { QueryResult } from "../../../libs/proto/query.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { concatResults } from "./route.js";

/**
 * The rows of each input one after the other (Vitess's Concatenate: UNION ALL; UNION adds a Distinct).
 * The columns are the first input's; inputs with another column count fail as MySQL's error 1222.
 */
export class Concatenate<C> implements Primitive<C> {
  readonly kind = "Concatenate";

  constructor(readonly inputs: readonly Primitive<C>[]) {}

  async execute(cursor: C, bindVars: BindVars): Promise<QueryResult> {
    const results = await Promise.all(this.inputs.map((input) => input.execute(cursor, bindVars)));
    const width = results[0]?.fields.length ?? 0;
    if (results.some((r) => r.fields.length !== width)) {
      throw new VtError(
        Code.INVALID_ARGUMENT,
        "The used SELECT statements have a different number of columns",
        { mysql: { errno: 1222, sqlstate: "21000" } },
      );
    }
    const out = concatResults(results);
    return { ...out, fields: results[0]?.fields ?? out.fields };
  }

  async streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "Concatenate", inputs: this.inputs.map((input) => input.describe()) };
  }
}
