import type { RawRow, RawValue } from "../../../libs/mysql/query-result.js";
import { type Field, type QueryResult, Type } from "../../../libs/proto/query.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { repack, unpack } from "./rows.js";
import {
  addDecimals,
  compareValues,
  divideDecimal,
  formatDecimal,
  isFloatType,
  parseDecimal,
  valueKey,
} from "./sql-values.js";

/**
 * How a column of the shards' rows is combined: `count` and `sum` add up, `min`/`max` keep the extreme,
 * `avg` divides its column (the shards' SUM) by `countColumn` (their COUNT).
 */
export type AggregateOp =
  | { readonly op: "count" | "sum" | "min" | "max"; readonly column: number }
  | { readonly op: "avg"; readonly column: number; readonly countColumn: number };

function add(a: RawValue, b: RawValue, field: Field | undefined): RawValue {
  if (a === null) return b;
  if (b === null) return a;
  if (field && isFloatType(field.type))
    return Buffer.from(String(Number(a.toString()) + Number(b.toString())));
  return Buffer.from(formatDecimal(addDecimals(parseDecimal(a.toString()), parseDecimal(b.toString()))));
}

/**
 * GROUP BY and aggregate functions over the rows of several shards (Vitess's HashAggregate): rows with
 * equal keys (by type and collation) are combined; the other columns keep the first row's value. Without
 * keys the result is one row, also when no shard returned any.
 */
export class HashAggregate<C> implements Primitive<C> {
  readonly kind = "HashAggregate";

  constructor(
    readonly input: Primitive<C>,
    readonly keys: readonly number[],
    readonly aggregates: readonly AggregateOp[],
  ) {}

  async execute(cursor: C, bindVars: BindVars): Promise<QueryResult> {
    const result = await this.input.execute(cursor, bindVars);
    const { fields, rows } = unpack(result);
    const groups = new Map<string, RawRow>();
    for (const row of rows) {
      const key = this.keys.map((k) => valueKey(row[k] ?? null, fields[k])).join("\u0001");
      const acc = groups.get(key);
      if (!acc) {
        groups.set(key, [...row]);
        continue;
      }
      for (const a of this.aggregates) {
        const f = fields[a.column];
        const v = row[a.column] ?? null;
        switch (a.op) {
          case "count":
          case "sum":
            acc[a.column] = add(acc[a.column] ?? null, v, f);
            break;
          case "avg":
            acc[a.column] = add(acc[a.column] ?? null, v, f);
            acc[a.countColumn] = add(acc[a.countColumn] ?? null, row[a.countColumn] ?? null, undefined);
            break;
          case "min":
          case "max": {
            const cur = acc[a.column] ?? null;
            if (cur === null) acc[a.column] = v;
            else if (v !== null) {
              const c = compareValues(v, cur, f);
              if ((a.op === "min" && c < 0) || (a.op === "max" && c > 0)) acc[a.column] = v;
            }
            break;
          }
        }
      }
    }
    let out = [...groups.values()];
    if (out.length === 0 && this.keys.length === 0 && fields.length > 0) {
      const empty: RawRow = fields.map(() => null);
      for (const a of this.aggregates) if (a.op === "count") empty[a.column] = Buffer.from("0");
      out = [empty];
    }
    const outFields = [...fields];
    for (const a of this.aggregates) {
      const f = fields[a.column];
      if (a.op === "count" && f) outFields[a.column] = { ...f, type: Type.INT64 };
      if (a.op !== "avg") continue;
      const float = f ? isFloatType(f.type) : false;
      const scale = Math.min((f?.decimals ?? 0) + 4, 30);
      if (f) outFields[a.column] = { ...f, type: float ? Type.FLOAT64 : Type.DECIMAL, decimals: scale };
      for (const row of out) {
        const sum = row[a.column] ?? null;
        const count = row[a.countColumn] ?? null;
        if (sum === null || count === null || BigInt(count.toString()) === 0n) {
          row[a.column] = null;
          continue;
        }
        if (float) {
          row[a.column] = Buffer.from(String(Number(sum.toString()) / Number(count.toString())));
          continue;
        }
        const d = parseDecimal(sum.toString());
        row[a.column] = Buffer.from(formatDecimal(divideDecimal(d, BigInt(count.toString()), d.scale + 4)));
      }
    }
    return repack(result, outFields, out);
  }

  async streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return {
      operator: "Aggregate",
      variant: "Hash",
      aggregates: this.aggregates.map((a) =>
        a.op === "avg" ? `avg(${a.column})/count(${a.countColumn})` : `${a.op}(${a.column})`,
      ),
      groupBy: this.keys.map(String),
      inputs: [this.input.describe()],
    };
  }
}
