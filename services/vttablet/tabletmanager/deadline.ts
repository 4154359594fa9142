import type { CallContext } from "../../../libs/grpc/index.js";
import { type Position, parsePosition } from "../../../libs/mysql/replication/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";

/** The call's signal and deadline, as waits take them. */
export function waitOptionsOf(
  context: CallContext,
  timeoutMs?: number,
): { signal: AbortSignal; deadline?: number } {
  const fromTimeout = timeoutMs !== undefined && timeoutMs > 0 ? Date.now() + timeoutMs : undefined;
  const deadlines = [context.deadline, fromTimeout].filter((d): d is number => d !== undefined);
  return deadlines.length > 0
    ? { signal: context.signal, deadline: Math.min(...deadlines) }
    : { signal: context.signal };
}

/** A position from a request; a malformed one is INVALID_ARGUMENT naming the field. */
export function positionArgument(text: string, field: string): Position {
  try {
    return parsePosition(text);
  } catch (err) {
    throw new VtError(Code.INVALID_ARGUMENT, `${field}: ${(err as Error).message}`, { cause: err });
  }
}
