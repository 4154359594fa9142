import type { QueryResult } from "../../../libs/proto/query.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { repack, unpack } from "./rows.js";

/** Drops the last `hidden` columns: the ones added for sorting, grouping or HAVING (Vitess's SimpleProjection). */
export class Truncate<C> implements Primitive<C> {
  readonly kind = "Truncate";

  constructor(
    readonly input: Primitive<C>,
    readonly hidden: number,
  ) {}

  async execute(cursor: C, bindVars: BindVars): Promise<QueryResult> {
    const result = await this.input.execute(cursor, bindVars);
    const { fields, rows } = unpack(result);
    if (this.hidden === 0) return result;
    const keep = fields.length - this.hidden;
    return repack(
      result,
      fields.slice(0, keep),
      rows.map((r) => r.slice(0, keep)),
    );
  }

  async streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "SimpleProjection", dropLast: this.hidden, inputs: [this.input.describe()] };
  }
}
