import type { Target } from "../../../libs/proto/query.js";
import { type TabletAlias, tabletTypeToJSON } from "../../../libs/proto/topodata.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";

/** `zone1-0000000100`, Vitess's spelling of a tablet alias. */
export function aliasString(alias: TabletAlias): string {
  return `${alias.cell}-${String(alias.uid).padStart(10, "0")}`;
}

/** `commerce/0 (PRIMARY)`. */
export function targetString(target: Target): string {
  return `${target.keyspace}/${target.shard} (${tabletTypeToJSON(target.tabletType)})`;
}

/**
 * Whether a request's target is one this tablet serves: keyspace, shard and tablet type must all match
 * (Vitess's `verifyTarget`). A request without a target is internal and always allowed. The error names
 * both targets: `invalid target: wanted commerce/0 (REPLICA), this tablet zone1-0000000100 serves
 * commerce/0 (PRIMARY)`.
 */
export function checkTarget(
  requested: Target | undefined,
  current: Target,
  alias: TabletAlias,
): VtError | undefined {
  if (requested === undefined) return undefined;
  if (
    requested.keyspace === current.keyspace &&
    requested.shard === current.shard &&
    requested.tabletType === current.tabletType
  ) {
    return undefined;
  }
  return new VtError(
    Code.FAILED_PRECONDITION,
    `invalid target: wanted ${targetString(requested)}, this tablet ${aliasString(alias)} serves ${targetString(current)}`,
  );
}

/** The error for a request that reaches a tablet which is not serving (Vitess: UNAVAILABLE, NOT_SERVING). */
export function notServingError(alias: TabletAlias, current: Target, state: string): VtError {
  return new VtError(
    Code.UNAVAILABLE,
    `operation not allowed in state ${state}: tablet ${aliasString(alias)} for ${targetString(current)} is not serving`,
  );
}
