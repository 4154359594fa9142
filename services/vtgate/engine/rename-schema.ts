import { type QueryResult, type Row, Type } from "../../../libs/proto/query.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";

/**
 * Wraps a route to information_schema (or another system schema): string values equal to a keyspace's
 * database name (`vt_commerce`) come back as the keyspace name (`commerce`), so ORMs that filter on
 * `table_schema = 'commerce'` see what they asked for.
 */
export class RenameSchema<C> implements Primitive<C> {
  readonly kind = "RenameSchema";
  private readonly byDbName: ReadonlyMap<string, Buffer>;

  constructor(
    readonly input: Primitive<C>,
    /** database name -> keyspace name */
    readonly names: ReadonlyMap<string, string>,
  ) {
    this.byDbName = new Map([...names].map(([db, ks]) => [db, Buffer.from(ks, "utf8")]));
  }

  async execute(cursor: C, bindVars: BindVars): Promise<QueryResult> {
    return this.rename(await this.input.execute(cursor, bindVars));
  }

  async streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    let textColumns: boolean[] | undefined;
    await this.input.streamExecute(cursor, bindVars, async (result) => {
      if (result.fields.length > 0) textColumns = result.fields.map((f) => isText(f.type));
      await onResult(
        textColumns
          ? { ...result, rows: result.rows.map((r) => this.renameRow(r, textColumns as boolean[])) }
          : result,
      );
    });
  }

  describe(): PlanDescription {
    return { operator: "RenameSchema", names: Object.fromEntries(this.names), input: this.input.describe() };
  }

  private rename(result: QueryResult): QueryResult {
    if (result.rows.length === 0) return result;
    const textColumns = result.fields.map((f) => isText(f.type));
    return { ...result, rows: result.rows.map((r) => this.renameRow(r, textColumns)) };
  }

  private renameRow(row: Row, textColumns: readonly boolean[]): Row {
    let changed = false;
    const parts: Buffer[] = [];
    const lengths: number[] = [];
    let offset = 0;
    for (let i = 0; i < row.lengths.length; i++) {
      const length = row.lengths[i] as number;
      if (length < 0) {
        lengths.push(-1);
        continue;
      }
      let value = row.values.subarray(offset, offset + length);
      offset += length;
      if (textColumns[i]) {
        const renamed = this.byDbName.get(value.toString("utf8"));
        if (renamed) {
          value = renamed;
          changed = true;
        }
      }
      lengths.push(value.length);
      parts.push(value);
    }
    return changed ? { lengths, values: Buffer.concat(parts) } : row;
  }
}

function isText(type: Type): boolean {
  return (
    type === Type.VARCHAR ||
    type === Type.VARBINARY ||
    type === Type.CHAR ||
    type === Type.BINARY ||
    type === Type.TEXT ||
    type === Type.BLOB
  );
}
