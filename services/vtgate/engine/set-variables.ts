import type {
  BindVariable,
  ExecuteOptions_TransactionIsolation,
  QueryResult,
} from "../../../libs/proto/query.js";
import type { SessionWriter } from "./cursor.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { okResult } from "./results.js";

/** One assignment of a SET statement, as planned. */
export type SetOp =
  | { readonly kind: "autocommit"; readonly on: boolean }
  | { readonly kind: "system"; readonly name: string; readonly sqlValue: string }
  | { readonly kind: "user"; readonly name: string; readonly value: BindVariable }
  | { readonly kind: "isolation"; readonly level: ExecuteOptions_TransactionIsolation }
  | { readonly kind: "workload"; readonly workload: string }
  | { readonly kind: "sqlSelectLimit"; readonly limit: number };

/** SET: session variables are kept in the session (Vitess's engine.Set). */
export class SetVariables implements Primitive<SessionWriter> {
  readonly kind = "Set";

  constructor(readonly ops: readonly SetOp[]) {}

  async execute(cursor: SessionWriter, _bindVars: BindVars): Promise<QueryResult> {
    for (const op of this.ops) {
      switch (op.kind) {
        case "autocommit":
          await cursor.setAutocommit(op.on);
          break;
        case "system":
          cursor.setSystemVariable(op.name, op.sqlValue);
          break;
        case "user":
          cursor.setUserVariable(op.name, op.value);
          break;
        case "isolation":
          cursor.setTransactionIsolation(op.level);
          break;
        case "workload":
          cursor.setWorkload(op.workload);
          break;
        case "sqlSelectLimit":
          cursor.setSqlSelectLimit(op.limit);
          break;
      }
    }
    return okResult();
  }

  async streamExecute(cursor: SessionWriter, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "Set", ops: this.ops.map((op) => ({ ...op, value: undefined })) };
  }
}
