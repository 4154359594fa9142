import { parseShardName } from "../../../libs/key/index.js";
import { packRows } from "../../../libs/mysql/query-result.js";
import { type QueryResult, Type } from "../../../libs/proto/query.js";
import { type AnySingleColumn, valueBytes } from "../../../libs/vindexes/index.js";
import type { ShardResolver } from "./cursor.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { localField, localResult } from "./results.js";
import { evalRouteValues, mapRouteValues, type RouteValues } from "./route-values.js";

export const VINDEX_FUNC_COLUMNS = [
  "id",
  "keyspace_id",
  "hex_keyspace_id",
  "range_start",
  "range_end",
  "shard",
];

const TYPES: Readonly<Record<string, Type>> = {
  id: Type.VARBINARY,
  keyspace_id: Type.VARBINARY,
  hex_keyspace_id: Type.VARBINARY,
  range_start: Type.VARBINARY,
  range_end: Type.VARBINARY,
  shard: Type.VARBINARY,
};

/**
 * A vindex queried like a table (Vitess's VindexFunc): `select id, keyspace_id, hex_keyspace_id,
 * range_start, range_end, shard from hash where id in (1, 2)` maps each value at vtgate and names the
 * shard of its keyspace id; nothing is sent to a tablet.
 */
export class VindexFunc implements Primitive<ShardResolver> {
  readonly kind = "VindexFunc";

  constructor(
    readonly keyspace: string,
    readonly vindex: AnySingleColumn,
    readonly values: RouteValues,
    /** Indexes into VINDEX_FUNC_COLUMNS, in select-list order. */
    readonly columns: readonly number[],
    readonly names: readonly string[],
  ) {}

  async execute(cursor: ShardResolver, bindVars: BindVars): Promise<QueryResult> {
    const values = evalRouteValues(this.values, bindVars);
    const dests = await mapRouteValues(this.vindex, undefined, values);
    const binary: Buffer[][] = [];
    dests.forEach((dest, i) => {
      if (dest.kind !== "keyspaceId") return;
      const [shard] = cursor.resolveShards(this.keyspace, dest);
      const range = shard ? parseShardName(shard.target.shard) : undefined;
      const ksid = Buffer.from(dest.id);
      const all: Buffer[] = [
        valueBytes(values[i]!),
        ksid,
        Buffer.from(ksid.toString("hex")),
        Buffer.from(range?.start ?? []),
        Buffer.from(range?.end ?? []),
        Buffer.from(shard?.target.shard ?? ""),
      ];
      binary.push(this.columns.map((c) => all[c] as Buffer));
    });
    const result = localResult(
      this.columns.map((c, i) =>
        localField(
          this.names[i] ?? (VINDEX_FUNC_COLUMNS[c] as string),
          TYPES[VINDEX_FUNC_COLUMNS[c] as string],
        ),
      ),
      [],
    );
    return { ...result, rows: packRows(binary) };
  }

  async streamExecute(cursor: ShardResolver, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return {
      operator: "VindexFunc",
      variant: "VindexMap",
      keyspace: this.keyspace,
      vindex: this.vindex.name,
      columns: this.columns.map((c) => VINDEX_FUNC_COLUMNS[c]),
    };
  }
}
