import type { QueryResult } from "../../../libs/proto/query.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { SessionReader, TopologyReader } from "./cursor.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { localField, localResult } from "./results.js";

/** SHOW VSCHEMA TABLES: the tables the VSchema lists for the session's keyspace, column `Tables`. */
export class ShowVSchemaTables implements Primitive<TopologyReader & SessionReader> {
  readonly kind = "ShowVSchemaTables";

  async execute(cursor: TopologyReader & SessionReader, _bindVars: BindVars): Promise<QueryResult> {
    if (cursor.keyspace === "") {
      throw new VtError(
        Code.FAILED_PRECONDITION,
        "No database selected: use keyspace<:shard><@type> or keyspace<[range]><@type> (<> are optional)",
        {
          mysql: { errno: 1046, sqlstate: "3D000" },
        },
      );
    }
    const ks = cursor.vschema.keyspaces.get(cursor.keyspace);
    const names = ks ? [...ks.tables.keys()].sort() : [];
    return localResult(
      [localField("Tables")],
      names.map((n) => [n]),
    );
  }

  async streamExecute(
    cursor: TopologyReader & SessionReader,
    bindVars: BindVars,
    onResult: ResultCallback,
  ): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "ShowVSchemaTables" };
  }
}
