import type { QueryResult } from "../../../libs/proto/query.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import type { ShardExecutor, ShardResolver } from "./cursor.js";
import { describeDestination, type RouteDestination } from "./destination.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";

export interface SendParams {
  readonly keyspace: string;
  readonly destination: RouteDestination;
  readonly query: string;
  readonly isDML: boolean;
  /** DDL: always to PRIMARY tablets, outside any transaction. */
  readonly isDDL: boolean;
}

type SendCursor = ShardResolver & ShardExecutor;

/**
 * Sends a statement as is to every shard of a destination, one after another (Vitess's engine.Send): DDL
 * (to every shard of the keyspace) and statements under explicit shard targeting. Rows of several
 * shards are concatenated, affected rows added up.
 */
export class Send implements Primitive<SendCursor> {
  readonly kind = "Send";

  constructor(readonly params: SendParams) {}

  async execute(cursor: SendCursor, bindVars: BindVars): Promise<QueryResult> {
    const { keyspace, destination, isDML, isDDL } = this.params;
    const shards = cursor.resolveShards(keyspace, destination, isDDL ? TabletType.PRIMARY : undefined);
    let combined: QueryResult | undefined;
    for (const shard of shards) {
      const result = await cursor.executeShard(
        shard,
        { sql: this.params.query, bindVariables: { ...bindVars } },
        { isDML, isDDL },
      );
      combined = combined === undefined ? result : merge(combined, result);
    }
    if (!combined) throw new Error(`no shard of ${keyspace} for ${describeDestination(destination)}`);
    return combined;
  }

  async streamExecute(cursor: SendCursor, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return {
      operator: "Send",
      keyspace: this.params.keyspace,
      target: describeDestination(this.params.destination),
      query: this.params.query,
      isDML: this.params.isDML,
      isDDL: this.params.isDDL,
    };
  }
}

function merge(a: QueryResult, b: QueryResult): QueryResult {
  return {
    ...b,
    fields: a.fields.length > 0 ? a.fields : b.fields,
    rows: [...a.rows, ...b.rows],
    rowsAffected: a.rowsAffected + b.rowsAffected,
    insertId: b.insertId !== "0" ? b.insertId : a.insertId,
  };
}
