import { type BindVariable, type QueryResult, Type } from "../../../libs/proto/query.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { unpack } from "./rows.js";

/**
 * How the subquery's rows reach the outer query (Vitess's PulloutOpcode): `PulloutIn`/`PulloutNotIn` bind
 * the first column of every row as a list (and whether there were rows), `PulloutValue` the one value (NULL
 * without rows), `PulloutExists` only whether there were rows.
 */
export type PulloutOpcode = "PulloutIn" | "PulloutNotIn" | "PulloutValue" | "PulloutExists";

export interface UncorrelatedSubqueryParams {
  readonly opcode: PulloutOpcode;
  /** The list or value bind variable (`__sq1`). */
  readonly subqueryResult: string;
  /** The has-values bind variable (`__sq_has_values1`): 1 when the subquery returned rows. */
  readonly hasValues: string;
  readonly subquery: Primitive;
  readonly outer: Primitive;
}

const NULL_BIND: BindVariable = { type: Type.NULL_TYPE, value: Buffer.alloc(0), values: [] };

function int64(n: number): BindVariable {
  return { type: Type.INT64, value: Buffer.from(String(n)), values: [] };
}

/**
 * A subquery that does not depend on the outer query's rows, run first on its own route; its result is
 * bound into the outer query, which then routes on it like on any value (Vitess's UncorrelatedSubquery).
 * Errors as MySQL: a scalar subquery of more than one row is 1242, of more than one column 1241.
 */
export class UncorrelatedSubquery<C> implements Primitive<C> {
  readonly kind = "UncorrelatedSubquery";

  constructor(readonly params: UncorrelatedSubqueryParams) {}

  async execute(cursor: C, bindVars: BindVars): Promise<QueryResult> {
    const vars = await this.bind(cursor, bindVars);
    return (this.params.outer as Primitive<C>).execute(cursor, vars);
  }

  async streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    const vars = await this.bind(cursor, bindVars);
    await (this.params.outer as Primitive<C>).streamExecute(cursor, vars, onResult);
  }

  describe(): PlanDescription {
    const p = this.params;
    return {
      operator: "UncorrelatedSubquery",
      variant: p.opcode,
      subqueryResult: p.subqueryResult,
      hasValues: p.hasValues,
      inputs: [p.subquery.describe(), p.outer.describe()],
    };
  }

  private async bind(cursor: C, bindVars: BindVars): Promise<BindVars> {
    const p = this.params;
    const { fields, rows } = unpack(await (p.subquery as Primitive<C>).execute(cursor, bindVars));
    if (p.opcode !== "PulloutExists" && fields.length !== 1) {
      throw new VtError(Code.INVALID_ARGUMENT, "Operand should contain 1 column(s)", {
        mysql: { errno: 1241, sqlstate: "21000" },
      });
    }
    const out: Record<string, BindVariable> = { ...bindVars, [p.hasValues]: int64(rows.length > 0 ? 1 : 0) };
    const type = fields[0]?.type ?? Type.NULL_TYPE;
    const value = (v: Uint8Array | null): BindVariable =>
      v === null ? NULL_BIND : { type, value: Buffer.from(v), values: [] };
    switch (p.opcode) {
      case "PulloutValue":
        if (rows.length > 1) {
          throw new VtError(Code.INVALID_ARGUMENT, "Subquery returns more than 1 row", {
            mysql: { errno: 1242, sqlstate: "21000" },
          });
        }
        out[p.subqueryResult] = rows.length === 0 ? NULL_BIND : value(rows[0]?.[0] ?? null);
        break;
      case "PulloutIn":
      case "PulloutNotIn": {
        // An empty list is no valid SQL: one NULL stands in, and has_values keeps it from matching.
        const values = rows.length === 0 ? [NULL_BIND] : rows.map((row) => value(row[0] ?? null));
        out[p.subqueryResult] = {
          type: Type.TUPLE,
          value: Buffer.alloc(0),
          values: values.map((v) => ({ type: v.type, value: v.value })),
        };
        break;
      }
      case "PulloutExists":
        break;
    }
    return out;
  }
}
