/** The kinds of topology errors callers branch on, as in Vitess's go/vt/topo/errors.go (plus a few of our own). */
export enum TopoErrorCode {
  NodeExists = "NodeExists",
  NoNode = "NoNode",
  NodeNotEmpty = "NodeNotEmpty",
  Timeout = "Timeout",
  Interrupted = "Interrupted",
  BadVersion = "BadVersion",
  PartialResult = "PartialResult",
  NoUpdateNeeded = "NoUpdateNeeded",
  NoImplementation = "NoImplementation",
  InvalidPath = "InvalidPath",
  /** The topology server could not be reached (etcd down, connection refused). Usually worth retrying. */
  Unavailable = "Unavailable",
}

const describe: Record<TopoErrorCode, string> = {
  [TopoErrorCode.NodeExists]: "node already exists",
  [TopoErrorCode.NoNode]: "node doesn't exist",
  [TopoErrorCode.NodeNotEmpty]: "node not empty",
  [TopoErrorCode.Timeout]: "deadline exceeded",
  [TopoErrorCode.Interrupted]: "interrupted",
  [TopoErrorCode.BadVersion]: "bad node version",
  [TopoErrorCode.PartialResult]: "partial result",
  [TopoErrorCode.NoUpdateNeeded]: "no update needed",
  [TopoErrorCode.NoImplementation]: "no topo implementation",
  [TopoErrorCode.InvalidPath]: "invalid path",
  [TopoErrorCode.Unavailable]: "topo server unavailable",
};

export interface TopoErrorOptions {
  /** Appended to the standard message, e.g. who holds a contended lock. */
  detail?: string;
  cause?: unknown;
}

/**
 * An error from the topology layer. `subject` is what the operation was about (a path, a keyspace, a lock
 * directory), so the message always says where things went wrong: `node doesn't exist: keyspaces/ks/Keyspace`.
 */
export class TopoError extends Error {
  override readonly name = "TopoError";

  constructor(
    readonly code: TopoErrorCode,
    readonly subject: string,
    options: TopoErrorOptions = {},
  ) {
    const detail = options.detail ? ` (${options.detail})` : "";
    super(
      `${describe[code]}: ${subject}${detail}`,
      options.cause === undefined ? {} : { cause: options.cause },
    );
  }
}

/** True when `err` is a TopoError with `code`; never matches on message text. */
export function isTopoError(err: unknown, code: TopoErrorCode): err is TopoError {
  return err instanceof TopoError && err.code === code;
}
