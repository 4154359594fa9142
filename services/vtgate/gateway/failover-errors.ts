import { Code, isVtError, MysqlErrno } from "../../../libs/vterrors/index.js";

/**
 * Whether a failed non-transactional call may be sent again to another tablet: the tablet refused it
 * before running it (not serving, wrong target), could not be reached, or MySQL refused it as read-only
 * (a primary being demoted). Other errors MySQL produced never are.
 */
export function isRetryable(err: unknown): boolean {
  if (!isVtError(err)) return false;
  if (err.mysql) return err.mysql.errno === MysqlErrno.ER_OPTION_PREVENTS_STATEMENT;
  return err.code === Code.UNAVAILABLE || err.code === Code.FAILED_PRECONDITION;
}

/**
 * Whether a PRIMARY call failed because the primary is changing (what makes vtgate buffer): the same
 * refusals as isRetryable — not serving, no longer PRIMARY, unreachable, read-only MySQL — which is what
 * a PlannedReparentShard looks like from vtgate.
 */
export function causedByFailover(err: unknown): boolean {
  return isRetryable(err);
}
