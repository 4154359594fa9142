import type { QueryResult } from "../../../libs/proto/query.js";
import type { TopologyReader } from "./cursor.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { localField, localResult } from "./results.js";

/** The schemas MySQL always has, listed after the keyspaces by SHOW DATABASES (as Vitess does). */
export const SYSTEM_SCHEMAS = ["information_schema", "mysql", "sys", "performance_schema"] as const;

/**
 * SHOW DATABASES (keyspaces, then the system schemas) and SHOW VITESS_KEYSPACES / SHOW KEYSPACES (keyspaces
 * only); the column is `Database` in both.
 */
export class ShowKeyspaces implements Primitive<TopologyReader> {
  readonly kind = "ShowKeyspaces";

  constructor(readonly includeSystemSchemas: boolean) {}

  async execute(cursor: TopologyReader, _bindVars: BindVars): Promise<QueryResult> {
    const names: string[] = [...cursor.keyspaceNames()].sort();
    if (this.includeSystemSchemas) names.push(...SYSTEM_SCHEMAS);
    return localResult(
      [localField("Database")],
      names.map((name) => [name]),
    );
  }

  async streamExecute(cursor: TopologyReader, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "ShowKeyspaces", includeSystemSchemas: this.includeSystemSchemas };
  }
}
