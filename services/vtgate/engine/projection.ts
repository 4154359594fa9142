import type { RawRow } from "../../../libs/mysql/query-result.js";
import { type Field, type QueryResult, Type } from "../../../libs/proto/query.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { localField } from "./results.js";
import { repack, unpack } from "./rows.js";

/**
 * One output column of a Projection: an input column (renamed), or what an aggregate over a derived
 * table's rows starts from: `one` (each row counts 1, for COUNT(*)) or `notNull` (1 when the input column
 * is not NULL, for COUNT(col) and AVG's count).
 */
export type ProjectedColumn =
  | { readonly kind: "column"; readonly index: number; readonly name: string }
  | { readonly kind: "one"; readonly name: string }
  | { readonly kind: "notNull"; readonly index: number; readonly name: string };

const ONE = Buffer.from("1");
const ZERO = Buffer.from("0");

/**
 * Picks and renames columns of its input at vtgate (Vitess's Projection, reduced to column references and
 * the starting values of aggregates): used over the rows of a derived table that spans shards.
 */
export class Projection<C> implements Primitive<C> {
  readonly kind = "Projection";

  constructor(
    readonly input: Primitive<C>,
    readonly columns: readonly ProjectedColumn[],
  ) {}

  async execute(cursor: C, bindVars: BindVars): Promise<QueryResult> {
    const result = await this.input.execute(cursor, bindVars);
    const { fields, rows } = unpack(result);
    const outFields = this.columns.map((c): Field => {
      if (c.kind !== "column") return localField(c.name, Type.INT64);
      const f = fields[c.index];
      return f ? { ...f, name: c.name } : localField(c.name, Type.INT64);
    });
    const outRows = rows.map(
      (row): RawRow =>
        this.columns.map((c) => {
          if (c.kind === "one") return ONE;
          const v = row[c.index] ?? null;
          if (c.kind === "notNull") return v === null ? ZERO : ONE;
          return v;
        }),
    );
    return repack(result, outFields, outRows);
  }

  async streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return {
      operator: "Projection",
      columns: this.columns.map((c) =>
        c.kind === "column"
          ? `:${c.index} as ${c.name}`
          : c.kind === "one"
            ? `1 as ${c.name}`
            : `:${c.index} is not null as ${c.name}`,
      ),
      inputs: [this.input.describe()],
    };
  }
}
