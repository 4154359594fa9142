import type { PlanCursor } from "../engine/cursor.js";
import type { PlanDescription, Primitive } from "../engine/primitive.js";

export type StatementType =
  | "SELECT"
  | "INSERT"
  | "UPDATE"
  | "DELETE"
  | "DDL"
  | "SET"
  | "SHOW"
  | "USE"
  | "BEGIN"
  | "COMMIT"
  | "ROLLBACK"
  | "SAVEPOINT"
  | "EXPLAIN"
  | "OTHER";

/** A planned statement: what it is, where it goes, and the operators that run it. */
export interface Plan {
  readonly statementType: StatementType;
  /** The keyspace it routes to ("" when it needs none); a metrics label. */
  readonly keyspace: string;
  readonly instructions: Primitive<PlanCursor>;
  /** Planned from the normalized statement (ctx.normalized): cached by the normalized text. */
  readonly normalized?: boolean;
}

export function describePlan(plan: Plan): PlanDescription & { statementType: StatementType } {
  return { statementType: plan.statementType, ...plan.instructions.describe() };
}
