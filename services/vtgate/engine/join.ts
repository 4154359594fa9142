import type { RawRow } from "../../../libs/mysql/query-result.js";
import { type BindVariable, type Field, type QueryResult, Type } from "../../../libs/proto/query.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { repack, unpack } from "./rows.js";

/** An output column of a join: from the left (`side: "left"`) or right input, by index. */
export interface JoinColumn {
  readonly side: "left" | "right";
  readonly index: number;
}

function bindVarOf(value: RawRow[number], field: Field | undefined): BindVariable {
  if (value === null) return { type: Type.NULL_TYPE, value: Buffer.alloc(0), values: [] };
  return { type: field?.type ?? Type.VARBINARY, value, values: [] };
}

/**
 * A nested-loop join across routes (Vitess's engine.Join): runs the left input once, then the right input
 * once per left row with that row's join columns bound (`:__jv1`...), and combines the rows. A LEFT JOIN
 * keeps left rows without a match, with NULLs for the right columns.
 */
export class Join<C> implements Primitive<C> {
  readonly kind = "Join";

  constructor(
    readonly left: Primitive<C>,
    readonly right: Primitive<C>,
    readonly outer: boolean,
    readonly columns: readonly JoinColumn[],
    /** Bind variable name -> index of the left column it takes its value from. */
    readonly vars: Readonly<Record<string, number>>,
  ) {}

  async execute(cursor: C, bindVars: BindVars): Promise<QueryResult> {
    const leftResult = await this.left.execute(cursor, bindVars);
    const left = unpack(leftResult);
    const rows: RawRow[] = [];
    let rightFields: Field[] | undefined;
    for (const lrow of left.rows) {
      const joinVars: Record<string, BindVariable> = { ...bindVars };
      for (const [name, index] of Object.entries(this.vars)) {
        joinVars[name] = bindVarOf(lrow[index] ?? null, left.fields[index]);
      }
      const right = unpack(await this.right.execute(cursor, joinVars));
      if (right.fields.length > 0) rightFields = right.fields;
      if (right.rows.length === 0 && this.outer) rows.push(this.combine(lrow, undefined));
      for (const rrow of right.rows) rows.push(this.combine(lrow, rrow));
    }
    if (!rightFields) {
      const joinVars: Record<string, BindVariable> = { ...bindVars };
      for (const name of Object.keys(this.vars)) joinVars[name] = bindVarOf(null, undefined);
      rightFields = unpack(await this.right.execute(cursor, joinVars)).fields;
    }
    const fields = this.columns.map(
      (c) => (c.side === "left" ? left.fields[c.index] : rightFields?.[c.index]) as Field,
    );
    return repack(leftResult, fields, rows);
  }

  private combine(lrow: RawRow, rrow: RawRow | undefined): RawRow {
    return this.columns.map((c) => (c.side === "left" ? (lrow[c.index] ?? null) : (rrow?.[c.index] ?? null)));
  }

  async streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return {
      operator: "Join",
      variant: this.outer ? "LeftJoin" : "Join",
      joinColumnIndexes: this.columns.map((c) => (c.side === "left" ? `L:${c.index}` : `R:${c.index}`)),
      joinVars: this.vars,
      inputs: [this.left.describe(), this.right.describe()],
    };
  }
}
