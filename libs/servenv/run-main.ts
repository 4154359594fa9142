import { FlagError, HelpRequested } from "../flags/index.js";

export interface Program {
  name: string;
  /** Full usage text: synopsis and flag list. */
  usage: () => string;
  main: (argv: string[]) => Promise<number | undefined>;
}

/**
 * Runs an executable's main with the exit codes users expect: 0 on success or --help,
 * 2 with usage for a bad command line, 1 with the error message for anything else.
 */
export async function runProgram(program: Program, argv: string[] = process.argv.slice(2)): Promise<void> {
  let code: number;
  try {
    code = (await program.main(argv)) ?? 0;
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(`${program.usage()}\n`);
      code = 0;
    } else if (err instanceof FlagError) {
      process.stderr.write(`${program.name}: ${err.message}\n${program.usage()}\n`);
      code = 2;
    } else {
      process.stderr.write(`${program.name}: ${err instanceof Error ? err.message : String(err)}\n`);
      code = 1;
    }
  }
  process.exitCode = code;
}
