import { parseTabletType, tabletTypeName } from "../../../libs/discovery/index.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import { invalidArgument } from "../../../libs/vterrors/index.js";

/** A session target: `commerce`, `commerce@replica`, `commerce/0`, `commerce:-80@rdonly`, `@replica`. */
export interface SessionTarget {
  /** "" when no keyspace is selected. */
  readonly keyspace: string;
  /** An explicit shard (`ks/0`, `ks:-80`): statements then go there as they are. */
  readonly shard: string | undefined;
  readonly tabletType: TabletType;
}

const cache = new Map<string, SessionTarget>();

/**
 * Parses a target string as Vitess's ParseDestination: the tablet type after the last `@` (PRIMARY when
 * absent), then a shard after the last `/` or `:`. Key ranges (`ks[-80]`) are not supported yet.
 * Throws INVALID_ARGUMENT for an unknown tablet type.
 */
export function parseTarget(text: string): SessionTarget {
  const cached = cache.get(text);
  if (cached) return cached;
  let rest = text;
  let tabletType = TabletType.PRIMARY;
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    const parsed = parseTabletType(rest.slice(at + 1));
    if (parsed === undefined)
      throw invalidArgument(`invalid tablet type in target '${text}': ${rest.slice(at + 1)}`);
    tabletType = parsed;
    rest = rest.slice(0, at);
  }
  let shard: string | undefined;
  const sep = Math.max(rest.lastIndexOf("/"), rest.lastIndexOf(":"));
  if (sep >= 0) {
    shard = rest.slice(sep + 1);
    rest = rest.slice(0, sep);
  }
  const target: SessionTarget = { keyspace: rest, shard, tabletType };
  if (cache.size > 1000) cache.clear();
  cache.set(text, target);
  return target;
}

/** `commerce/0@replica`, the canonical spelling. */
export function formatTarget(target: SessionTarget): string {
  let text = target.keyspace;
  if (target.shard !== undefined) text += `/${target.shard}`;
  if (target.tabletType !== TabletType.PRIMARY) text += `@${tabletTypeName(target.tabletType).toLowerCase()}`;
  return text;
}
