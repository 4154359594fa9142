/** A bad command line: unknown flag, missing or malformed value. Executables print it with usage and exit 2. */
export class FlagError extends Error {
  override readonly name = "FlagError";
  constructor(
    message: string,
    readonly flag?: string,
  ) {
    super(message);
  }
}

/** `--help` or `-h` was given: print usage and exit 0. */
export class HelpRequested extends Error {
  override readonly name = "HelpRequested";
}
