import type { QueryResult } from "../../../libs/proto/query.js";
import type { TransactionController } from "./cursor.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { okResult } from "./results.js";

export type TransactionOp = "begin" | "commit" | "rollback";

/** BEGIN / START TRANSACTION, COMMIT, ROLLBACK of the session's transaction. */
export class TransactionStatement implements Primitive<TransactionController> {
  readonly kind = "Transaction";

  constructor(readonly op: TransactionOp) {}

  async execute(cursor: TransactionController, _bindVars: BindVars): Promise<QueryResult> {
    if (this.op === "begin") await cursor.begin();
    else if (this.op === "commit") await cursor.commit();
    else await cursor.rollback();
    return okResult();
  }

  async streamExecute(
    cursor: TransactionController,
    bindVars: BindVars,
    onResult: ResultCallback,
  ): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "Transaction", op: this.op };
  }
}
