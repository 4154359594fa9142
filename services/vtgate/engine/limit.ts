import type { QueryResult } from "../../../libs/proto/query.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { describeRouteValue, evalRouteValue, type RouteValue } from "./route-values.js";
import { repack, unpack } from "./rows.js";

/** The bind variable shards get their LIMIT from (offset + count). */
export const UPPER_LIMIT_VAR = "__upper_limit";

export function limitNumber(value: RouteValue | undefined, bindVars: BindVars, what: string): number {
  if (!value) return 0;
  const v = evalRouteValue(value, bindVars);
  const n = Number(Buffer.from(v.value).toString());
  if (!Number.isInteger(n) || n < 0)
    throw new VtError(Code.INVALID_ARGUMENT, `invalid ${what} in LIMIT: ${n}`);
  return n;
}

/**
 * LIMIT [offset,] count over merged shard rows (Vitess's engine.Limit): the shards were asked for
 * offset + count rows each (`:__upper_limit`); vtgate skips the offset and keeps count.
 */
export class Limit<C> implements Primitive<C> {
  readonly kind = "Limit";

  constructor(
    readonly input: Primitive<C>,
    readonly count: RouteValue,
    readonly offset: RouteValue | undefined,
  ) {}

  private withUpper(bindVars: BindVars): BindVars {
    const count = limitNumber(this.count, bindVars, "count");
    const offset = limitNumber(this.offset, bindVars, "offset");
    const upper = Buffer.from(String(count + offset));
    return { ...bindVars, [UPPER_LIMIT_VAR]: { type: 265, value: upper, values: [] } };
  }

  async execute(cursor: C, bindVars: BindVars): Promise<QueryResult> {
    const count = limitNumber(this.count, bindVars, "count");
    const offset = limitNumber(this.offset, bindVars, "offset");
    const result = await this.input.execute(cursor, this.withUpper(bindVars));
    const { fields, rows } = unpack(result);
    return repack(result, fields, rows.slice(offset, offset + count));
  }

  async streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return {
      operator: "Limit",
      count: describeRouteValue(this.count),
      ...(this.offset ? { offset: describeRouteValue(this.offset) } : {}),
      inputs: [this.input.describe()],
    };
  }
}
