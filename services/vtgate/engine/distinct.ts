import type { QueryResult } from "../../../libs/proto/query.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { repack, unpack } from "./rows.js";
import { valueKey } from "./sql-values.js";

/** Drops rows equal (by type and collation) to an earlier one, ignoring the last `hidden` columns (Vitess's Distinct). */
export class Distinct<C> implements Primitive<C> {
  readonly kind = "Distinct";

  constructor(
    readonly input: Primitive<C>,
    readonly hidden: number,
  ) {}

  async execute(cursor: C, bindVars: BindVars): Promise<QueryResult> {
    const result = await this.input.execute(cursor, bindVars);
    const { fields, rows } = unpack(result);
    const n = fields.length - this.hidden;
    const seen = new Set<string>();
    const out = rows.filter((row) => {
      const key = row
        .slice(0, n)
        .map((v, i) => valueKey(v, fields[i]))
        .join("\u0001");
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return repack(result, fields, out);
  }

  async streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "Distinct", inputs: [this.input.describe()] };
  }
}
