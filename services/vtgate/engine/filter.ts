import type { RawRow, RawValue } from "../../../libs/mysql/query-result.js";
import type { Field, QueryResult } from "../../../libs/proto/query.js";
import { type CompareOp, compareHolds } from "../../../libs/sqlparser/index.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { describeRouteValue, evalRouteValue, type RouteValue } from "./route-values.js";
import { repack, unpack } from "./rows.js";
import { compareValues, isNumericType } from "./sql-values.js";

/** A condition vtgate evaluates on merged rows (HAVING over aggregates of several shards). */
export type Predicate =
  | { readonly kind: "compare"; readonly op: CompareOp; readonly left: Operand; readonly right: Operand }
  | { readonly kind: "and" | "or"; readonly args: readonly Predicate[] }
  | { readonly kind: "not"; readonly arg: Predicate }
  | { readonly kind: "isNull"; readonly not: boolean; readonly arg: Operand };

export type Operand =
  | { readonly kind: "column"; readonly index: number }
  | { readonly kind: "value"; readonly value: RouteValue };

interface Evaluated {
  readonly raw: RawValue;
  readonly field: Field | undefined;
}

function operand(o: Operand, row: RawRow, fields: readonly Field[], bindVars: BindVars): Evaluated {
  if (o.kind === "column") return { raw: row[o.index] ?? null, field: fields[o.index] };
  const v = evalRouteValue(o.value, bindVars);
  if (v.type === 0) return { raw: null, field: undefined };
  return {
    raw: Buffer.from(v.value),
    field: { type: v.type } as Field,
  };
}

/** true, false, or null (unknown) as SQL's three-valued logic. */
function test(p: Predicate, row: RawRow, fields: readonly Field[], bindVars: BindVars): boolean | null {
  switch (p.kind) {
    case "compare": {
      const l = operand(p.left, row, fields, bindVars);
      const r = operand(p.right, row, fields, bindVars);
      if (l.raw === null || r.raw === null) return null;
      const numeric = (l.field && isNumericType(l.field.type)) || (r.field && isNumericType(r.field.type));
      const field = numeric ? ({ type: 18 } as Field) : p.left.kind === "column" ? l.field : r.field;
      return compareHolds(p.op, compareValues(l.raw, r.raw, field));
    }
    case "and": {
      let unknown = false;
      for (const a of p.args) {
        const v = test(a, row, fields, bindVars);
        if (v === false) return false;
        if (v === null) unknown = true;
      }
      return unknown ? null : true;
    }
    case "or": {
      let unknown = false;
      for (const a of p.args) {
        const v = test(a, row, fields, bindVars);
        if (v === true) return true;
        if (v === null) unknown = true;
      }
      return unknown ? null : false;
    }
    case "not": {
      const v = test(p.arg, row, fields, bindVars);
      return v === null ? null : !v;
    }
    case "isNull": {
      const isNull = operand(p.arg, row, fields, bindVars).raw === null;
      return p.not ? !isNull : isNull;
    }
  }
}

function describePredicate(p: Predicate): string {
  const o = (x: Operand) => (x.kind === "column" ? `:${x.index}` : describeRouteValue(x.value));
  switch (p.kind) {
    case "compare":
      return `${o(p.left)} ${p.op} ${o(p.right)}`;
    case "and":
    case "or":
      return `(${p.args.map(describePredicate).join(` ${p.kind} `)})`;
    case "not":
      return `not ${describePredicate(p.arg)}`;
    case "isNull":
      return `${o(p.arg)} is ${p.not ? "not " : ""}null`;
  }
}

/** Keeps the rows a predicate is true for (Vitess's engine.Filter, HAVING after a scatter aggregate). */
export class Filter<C> implements Primitive<C> {
  readonly kind = "Filter";

  constructor(
    readonly input: Primitive<C>,
    readonly predicate: Predicate,
  ) {}

  async execute(cursor: C, bindVars: BindVars): Promise<QueryResult> {
    const result = await this.input.execute(cursor, bindVars);
    const { fields, rows } = unpack(result);
    return repack(
      result,
      fields,
      rows.filter((row) => test(this.predicate, row, fields, bindVars) === true),
    );
  }

  async streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return {
      operator: "Filter",
      predicate: describePredicate(this.predicate),
      inputs: [this.input.describe()],
    };
  }
}
