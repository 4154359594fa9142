import type { QueryResult } from "../../../libs/proto/query.js";
import type { TransactionController } from "./cursor.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { okResult } from "./results.js";

/** SAVEPOINT, RELEASE SAVEPOINT, ROLLBACK TO SAVEPOINT: applied to every shard of the transaction. */
export class SavepointStatement implements Primitive<TransactionController> {
  readonly kind = "Savepoint";

  constructor(
    readonly op: "savepoint" | "release" | "rollback",
    readonly name: string,
    readonly sql: string,
  ) {}

  async execute(cursor: TransactionController, _bindVars: BindVars): Promise<QueryResult> {
    await cursor.savepointStatement(this.op, this.name, this.sql);
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
    return { operator: "Savepoint", op: this.op, name: this.name };
  }
}
