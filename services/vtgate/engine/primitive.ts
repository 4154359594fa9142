import type { BindVariable, QueryResult } from "../../../libs/proto/query.js";

export type BindVars = Readonly<Record<string, BindVariable>>;

/** Receives the results of a streamed statement: fields first, then rows; resolves when it can take more. */
export type ResultCallback = (result: QueryResult) => Promise<void>;

/** How a plan describes itself (plan tests, /debug/status, vexplain later). */
export interface PlanDescription {
  readonly operator: string;
  readonly [detail: string]: unknown;
}

/**
 * A plan operator (Vitess's engine.Primitive): runs against the narrow cursor capabilities it declares
 * in C (see cursor.ts), never a god cursor. `execute` returns the whole result; `streamExecute` hands
 * it over in pieces.
 */
export interface Primitive<C = unknown> {
  readonly kind: string;
  execute(cursor: C, bindVars: BindVars): Promise<QueryResult>;
  streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void>;
  describe(): PlanDescription;
}
