import type { QueryResult } from "../../../libs/proto/query.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { columnIndex, repack, unpack } from "./rows.js";
import { compareValues } from "./sql-values.js";

export interface SortKey {
  /** The column's index in the input, or its name (found in the result's fields). */
  readonly column: number | string;
  readonly desc: boolean;
}

/**
 * Orders the rows of several shards (Vitess's MemorySort / the merge of a scatter's sorted streams): each
 * shard sorted its rows; vtgate puts them in one order by the same keys, comparing values by type.
 */
export class MemorySort<C> implements Primitive<C> {
  readonly kind = "MemorySort";

  constructor(
    readonly input: Primitive<C>,
    readonly keys: readonly SortKey[],
  ) {}

  async execute(cursor: C, bindVars: BindVars): Promise<QueryResult> {
    const result = await this.input.execute(cursor, bindVars);
    const { fields, rows } = unpack(result);
    const keys = this.keys.map((k) => ({ index: columnIndex(fields, k.column), desc: k.desc }));
    const sorted = rows
      .map((row, i) => ({ row, i }))
      .sort((a, b) => {
        for (const k of keys) {
          const c = compareValues(a.row[k.index] ?? null, b.row[k.index] ?? null, fields[k.index]);
          if (c !== 0) return k.desc ? -c : c;
        }
        return a.i - b.i;
      })
      .map((x) => x.row);
    return repack(result, fields, sorted);
  }

  async streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return {
      operator: "Sort",
      variant: "Memory",
      orderBy: this.keys.map(
        (k) => `${typeof k.column === "number" ? k.column : k.column} ${k.desc ? "DESC" : "ASC"}`,
      ),
      inputs: [this.input.describe()],
    };
  }
}
