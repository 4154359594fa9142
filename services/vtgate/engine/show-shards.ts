import type { QueryResult } from "../../../libs/proto/query.js";
import type { TopologyReader } from "./cursor.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { localField, localResult } from "./results.js";

/** SHOW VITESS_SHARDS: `keyspace/shard` of every shard vtgate knows, column `Shards`. */
export class ShowShards implements Primitive<TopologyReader> {
  readonly kind = "ShowShards";

  async execute(cursor: TopologyReader, _bindVars: BindVars): Promise<QueryResult> {
    const rows: string[][] = [];
    for (const keyspace of [...cursor.keyspaceNames()].sort()) {
      for (const shard of cursor.shardNames(keyspace)) rows.push([`${keyspace}/${shard}`]);
    }
    return localResult([localField("Shards")], rows);
  }

  async streamExecute(cursor: TopologyReader, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "ShowShards" };
  }
}
