import type { QueryResult } from "../../../libs/proto/query.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";

/** A result known when planning (SHOW WARNINGS with nothing to show, no-op statements). */
export class FixedResult implements Primitive<unknown> {
  readonly kind = "FixedResult";

  constructor(
    readonly name: string,
    private readonly result: () => QueryResult,
  ) {}

  async execute(_cursor: unknown, _bindVars: BindVars): Promise<QueryResult> {
    return this.result();
  }

  async streamExecute(cursor: unknown, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "FixedResult", name: this.name };
  }
}
