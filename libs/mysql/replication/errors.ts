/**
 * The error every parser and operation of libs/mysql/replication throws. It
 * carries the text the caller passed in, so it can be reported without
 * parsing the message; `cause` holds the more specific inner error, if any.
 * The code mirrors Vitess's vtrpc INVALID_ARGUMENT.
 */
export class PositionError extends Error {
  readonly code = "INVALID_ARGUMENT";
  readonly input: string;

  constructor(message: string, input: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PositionError";
    this.input = input;
  }
}

export function isPositionError(value: unknown): value is PositionError {
  return value instanceof PositionError;
}

/** Runs a parser on a part of `input`, re-reporting its failure against the whole `input`. */
export function withinInput<T>(input: string, what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof PositionError) {
      throw new PositionError(`invalid ${what} "${input}": ${error.message}`, input, { cause: error });
    }
    throw error;
  }
}
