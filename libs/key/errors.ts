/**
 * The error every function of libs/key throws for malformed input. It carries
 * the offending text so callers can report it without parsing the message.
 * The code mirrors Vitess's vtrpc INVALID_ARGUMENT.
 */
export class KeyError extends Error {
  readonly code = "INVALID_ARGUMENT";
  readonly input: string;

  constructor(message: string, input: string) {
    super(message);
    this.name = "KeyError";
    this.input = input;
  }
}

export function isKeyError(value: unknown): value is KeyError {
  return value instanceof KeyError;
}
