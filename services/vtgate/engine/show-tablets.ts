import { tabletTypeName } from "../../../libs/discovery/index.js";
import type { QueryResult } from "../../../libs/proto/query.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import type { TopologyReader } from "./cursor.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { localField, localResult } from "./results.js";

const COLUMNS = [
  "Cell",
  "Keyspace",
  "Shard",
  "TabletType",
  "State",
  "Alias",
  "Hostname",
  "PrimaryTermStartTime",
];

const TYPE_ORDER: Readonly<Record<number, number>> = {
  [TabletType.PRIMARY]: 0,
  [TabletType.REPLICA]: 1,
  [TabletType.RDONLY]: 2,
};

/** `2023-01-04T17:59:37Z` for a primary's term start, empty otherwise (as seed 004 shows). */
function termStart(seconds: number, type: TabletType): string {
  if (type !== TabletType.PRIMARY || seconds <= 0) return "";
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** SHOW VITESS_TABLETS: every tablet the health check follows, its target and serving state. */
export class ShowTablets implements Primitive<TopologyReader> {
  readonly kind = "ShowTablets";

  async execute(cursor: TopologyReader, _bindVars: BindVars): Promise<QueryResult> {
    const tablets = [...cursor.tablets()].sort(
      (a, b) =>
        (a.tablet.alias?.cell ?? "").localeCompare(b.tablet.alias?.cell ?? "") ||
        a.target.keyspace.localeCompare(b.target.keyspace) ||
        a.target.shard.localeCompare(b.target.shard) ||
        (TYPE_ORDER[a.target.tabletType] ?? 9) - (TYPE_ORDER[b.target.tabletType] ?? 9) ||
        a.alias.localeCompare(b.alias),
    );
    return localResult(
      COLUMNS.map((name) => localField(name)),
      tablets.map((t) => [
        t.tablet.alias?.cell ?? "",
        t.target.keyspace,
        t.target.shard,
        tabletTypeName(t.target.tabletType),
        t.serving ? "SERVING" : "NOT_SERVING",
        t.alias,
        t.tablet.hostname,
        termStart(t.primaryTermStartTime, t.target.tabletType),
      ]),
    );
  }

  async streamExecute(cursor: TopologyReader, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "ShowTablets" };
  }
}
