import { MirrorRules, RoutingRules } from "../proto/vschema.js";
import { isTopoError, TopoErrorCode } from "./errors.js";
import { MIRROR_RULES_PATH, ROUTING_RULES_PATH } from "./paths.js";
import { type Codec, encodeRecord, readRecord } from "./records.js";
import type { TopoServer } from "./server.js";

/** A global rules record (routing rules, mirror rules): a list of rules, absent when empty. */
interface RulesRecord<T extends { rules: unknown[] }> {
  codec: Codec<T> & { create(): T };
  path: string;
}

const ROUTING_RULES: RulesRecord<RoutingRules> = { codec: RoutingRules, path: ROUTING_RULES_PATH };
const MIRROR_RULES: RulesRecord<MirrorRules> = { codec: MirrorRules, path: MIRROR_RULES_PATH };

async function getRules<T extends { rules: unknown[] }>(ts: TopoServer, record: RulesRecord<T>): Promise<T> {
  try {
    return (await readRecord(ts.globalConn, record.codec, record.path)).value;
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) return record.codec.create();
    throw err;
  }
}

async function saveRules<T extends { rules: unknown[] }>(
  ts: TopoServer,
  record: RulesRecord<T>,
  rules: T,
): Promise<void> {
  if (rules.rules.length === 0) {
    try {
      await ts.globalConn.delete(record.path, null);
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
    }
    return;
  }
  await ts.globalConn.update(record.path, encodeRecord(record.codec, rules), null);
}

/** The global table routing rules; empty rules when none were ever saved (as Vitess). */
export function getRoutingRules(ts: TopoServer): Promise<RoutingRules> {
  return getRules(ts, ROUTING_RULES);
}

/** Saves the routing rules unconditionally; saving no rules deletes the record, as Vitess's SaveRoutingRules. */
export function saveRoutingRules(ts: TopoServer, rules: RoutingRules): Promise<void> {
  return saveRules(ts, ROUTING_RULES, rules);
}

/** The global mirror rules (Vitess's traffic mirroring); empty when none were ever saved. */
export function getMirrorRules(ts: TopoServer): Promise<MirrorRules> {
  return getRules(ts, MIRROR_RULES);
}

/** Saves the mirror rules unconditionally; saving no rules deletes the record. */
export function saveMirrorRules(ts: TopoServer, rules: MirrorRules): Promise<void> {
  return saveRules(ts, MIRROR_RULES, rules);
}
