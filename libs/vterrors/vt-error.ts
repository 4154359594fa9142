import { Code } from "../proto/vtrpc.js";

export { Code };

/** Where MySQL produced the error: its errno and SQLSTATE travel with it to vtgate's clients. */
export interface MysqlErrorInfo {
  errno: number;
  sqlstate: string;
}

export interface VtErrorOptions {
  cause?: unknown;
  mysql?: MysqlErrorInfo;
}

/**
 * The one error type of the project: a vtrpc code (1:1 with gRPC status codes) and a message that names
 * what was wrong. Code paths decide by `code`, never by matching message text.
 */
export class VtError extends Error {
  override readonly name = "VtError";
  readonly mysql: MysqlErrorInfo | undefined;

  constructor(
    readonly code: Code,
    message: string,
    options: VtErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.mysql = options.mysql;
  }

  /** A copy whose message is prefixed with context (keyspace, shard, tablet alias...), code and errno kept. */
  withContext(context: string): VtError {
    return new VtError(this.code, `${context}: ${this.message}`, { cause: this, mysql: this.mysql });
  }
}

export function isVtError(err: unknown, code?: Code): err is VtError {
  return err instanceof VtError && (code === undefined || err.code === code);
}

export function errorCode(err: unknown): Code {
  return err instanceof VtError ? err.code : Code.UNKNOWN;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Keeps a VtError's code and MySQL info while adding context; anything else becomes UNKNOWN with context. */
export function withContext(err: unknown, context: string): VtError {
  if (err instanceof VtError) return err.withContext(context);
  return new VtError(Code.UNKNOWN, `${context}: ${errorMessage(err)}`, { cause: err });
}

export const invalidArgument = (message: string, options?: VtErrorOptions) =>
  new VtError(Code.INVALID_ARGUMENT, message, options);
export const notFound = (message: string, options?: VtErrorOptions) =>
  new VtError(Code.NOT_FOUND, message, options);
export const failedPrecondition = (message: string, options?: VtErrorOptions) =>
  new VtError(Code.FAILED_PRECONDITION, message, options);
export const alreadyExists = (message: string, options?: VtErrorOptions) =>
  new VtError(Code.ALREADY_EXISTS, message, options);
export const unavailable = (message: string, options?: VtErrorOptions) =>
  new VtError(Code.UNAVAILABLE, message, options);
export const internal = (message: string, options?: VtErrorOptions) =>
  new VtError(Code.INTERNAL, message, options);
