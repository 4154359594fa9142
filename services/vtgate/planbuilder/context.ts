import type { VSchema } from "../../../libs/vschema/index.js";
import type { SessionTarget } from "../session/target.js";

/** What planning a statement depends on: a plan is cached per (SQL, session target, VSchema version). */
export interface PlanContext {
  readonly vschema: VSchema;
  readonly target: SessionTarget;
  /** The database a keyspace's tablets use: `vt_<keyspace>`, or their db_name_override. */
  dbName(keyspace: string): string;
}
