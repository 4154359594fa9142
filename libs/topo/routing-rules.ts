import { RoutingRules } from "../proto/vschema.js";
import { isTopoError, TopoErrorCode } from "./errors.js";
import { ROUTING_RULES_PATH } from "./paths.js";
import { encodeRecord, readRecord } from "./records.js";
import type { TopoServer } from "./server.js";

/** The global table routing rules; empty rules when none were ever saved (as Vitess). */
export async function getRoutingRules(ts: TopoServer): Promise<RoutingRules> {
  try {
    return (await readRecord(ts.globalConn, RoutingRules, ROUTING_RULES_PATH)).value;
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) return RoutingRules.create();
    throw err;
  }
}

/** Saves the routing rules unconditionally; saving no rules deletes the record, as Vitess's SaveRoutingRules. */
export async function saveRoutingRules(ts: TopoServer, rules: RoutingRules): Promise<void> {
  if (rules.rules.length === 0) {
    try {
      await ts.globalConn.delete(ROUTING_RULES_PATH, null);
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
    }
    return;
  }
  await ts.globalConn.update(ROUTING_RULES_PATH, encodeRecord(RoutingRules, rules), null);
}
