import type { QueryResult } from "../../../libs/proto/query.js";
import type { SessionWriter } from "./cursor.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { okResult } from "./results.js";

/** USE keyspace[:shard|/shard][@type]: changes the session's target. */
export class UseTarget implements Primitive<SessionWriter> {
  readonly kind = "Use";

  constructor(readonly target: string) {}

  async execute(cursor: SessionWriter, _bindVars: BindVars): Promise<QueryResult> {
    cursor.useTarget(this.target);
    return okResult();
  }

  async streamExecute(cursor: SessionWriter, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "Use", target: this.target };
  }
}
