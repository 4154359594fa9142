import type { Statement } from "../../../libs/sqlparser/index.js";
import type { VSchema } from "../../../libs/vschema/index.js";
import type { SessionTarget } from "../session/target.js";

/** What planning a statement depends on: a plan is cached per (SQL, session target, VSchema version). */
export interface PlanContext {
  readonly vschema: VSchema;
  readonly target: SessionTarget;
  /** The database a keyspace's tablets use: `vt_<keyspace>`, or their db_name_override. */
  dbName(keyspace: string): string;
  /**
   * The statement with its literals as bind variables (the executor's normalizer): statements on sharded
   * keyspaces are planned from it, so their plan serves every value and is cached by the normalized text.
   */
  readonly normalized?: Statement;
  /** Set while planning the mirrored copy of a query (MoveTables MirrorTraffic): see planMirror. */
  readonly mirror?: MirrorPlanning;
}

/** Tables resolve to their mirror targets; `percent` ends as the smallest of their rules' percents. */
export interface MirrorPlanning {
  percent: number;
}
