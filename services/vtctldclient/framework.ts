import {
  FlagError,
  type FlagSpec,
  type FlagValues,
  flagUsage,
  HelpRequested,
  type ParsedFlags,
  parseFlags,
} from "../../libs/flags/index.js";
import type { ServiceClient } from "../../libs/grpc/index.js";
import type { VtctldService } from "../../libs/proto/vtctlservice.js";
import { errorCode, errorMessage, VtError } from "../../libs/vterrors/index.js";

/** The Vtctld RPCs, over gRPC or in-process (--server internal); every call carries the action timeout. */
export type VtctldClient = ServiceClient<typeof VtctldService>;

/** What a command runs with. */
export interface CommandIO {
  /** Opens the client on first use (commands that need no server never connect). */
  client(): Promise<VtctldClient>;
  /** Writes one line (a trailing newline is added) to stdout. */
  print(text: string): void;
  /** Writes one line to stderr. */
  printErr(text: string): void;
}

export interface CommandSpec<S extends FlagSpec> {
  name: string;
  /** Other accepted names (Vitess accepts e.g. "getkeyspace" and "ExecuteFetchAsDba"). */
  aliases?: readonly string[];
  /** Synopsis after "vtctldclient ", e.g. "GetTablet <alias>". */
  use: string;
  short: string;
  long?: string;
  flags: S;
  /** Single-letter shorthands, e.g. { k: "keyspace" } for "-k commerce". */
  shorthands?: Readonly<Record<string, keyof S & string>>;
  /** Number of positional arguments: [min, max] (max Infinity for "any number"). */
  args: readonly [number, number];
  run(io: CommandIO, flags: FlagValues<S>, args: string[]): Promise<void>;
}

/** A command with its flag types erased, as the registry holds it. */
export interface Command {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly short: string;
  /** `vtctldclient <Command> --help` text; `globalUsage` lists the global flags. */
  usage(globalUsage: string): string;
  /**
   * Parses the command's own flags (and any global flags given after the command name, merged into the result's
   * `globals`), checks the argument count, and returns the runnable command. FlagError or HelpRequested on a bad
   * or help command line.
   */
  parse<G extends FlagSpec>(argv: readonly string[], globalFlags: G): ParsedCommand<G>;
}

export interface ParsedCommand<G extends FlagSpec> {
  globals: ParsedFlags<G>;
  run(io: CommandIO): Promise<void>;
}

/** Rewrites "-k v" and "-k=v" shorthands to their long names before parsing. */
function expandShorthands(argv: readonly string[], shorthands: Readonly<Record<string, string>>): string[] {
  return argv.map((arg) => {
    const match = /^-([a-zA-Z])(=.*)?$/.exec(arg);
    if (!match || match[1] === "h") return arg;
    const long = shorthands[match[1] as string];
    if (!long) throw new FlagError(`unknown shorthand flag: '${match[1]}' in ${arg}`);
    return `--${long}${match[2] ?? ""}`;
  });
}

function argCountError(name: string, [min, max]: readonly [number, number], got: number): FlagError {
  if (min === max) return new FlagError(`${name}: accepts ${min} arg(s), received ${got}`);
  if (max === Number.POSITIVE_INFINITY)
    return new FlagError(`${name}: requires at least ${min} arg(s), only received ${got}`);
  return new FlagError(`${name}: accepts between ${min} and ${max} arg(s), received ${got}`);
}

export function defineCommand<const S extends FlagSpec>(spec: CommandSpec<S>): Command {
  const shorthands = (spec.shorthands ?? {}) as Readonly<Record<string, string>>;
  return {
    name: spec.name,
    aliases: spec.aliases ?? [],
    short: spec.short,
    usage(globalUsage) {
      const shorthandLines = Object.entries(shorthands).map(([short, long]) => `  -${short} is --${long}`);
      const own = Object.keys(spec.flags).length > 0 ? flagUsage(spec.flags) : "  (none)";
      return [
        spec.long ?? spec.short,
        "",
        "Usage:",
        `  vtctldclient ${spec.use}`,
        ...(spec.aliases && spec.aliases.length > 0
          ? ["", "Aliases:", `  ${[spec.name, ...spec.aliases].join(", ")}`]
          : []),
        "",
        "Flags:",
        own,
        "  -h, --help  help for this command",
        ...(shorthandLines.length > 0 ? ["", "Shorthands:", ...shorthandLines] : []),
        "",
        "Global Flags:",
        globalUsage,
      ].join("\n");
    },
    parse(argv, globalFlags) {
      const merged = { ...globalFlags, ...spec.flags } as FlagSpec;
      const parsed = parseFlags(merged, expandShorthands(argv, shorthands));
      const [min, max] = spec.args;
      if (parsed.positionals.length < min || parsed.positionals.length > max) {
        throw argCountError(spec.name, spec.args, parsed.positionals.length);
      }
      const globalValues: Record<string, unknown> = {};
      const globalGiven = new Set<string>();
      for (const name of Object.keys(globalFlags)) {
        globalValues[name] = (parsed.values as Record<string, unknown>)[name];
        if (parsed.given.has(name)) globalGiven.add(name);
      }
      return {
        globals: { values: globalValues, positionals: [], given: globalGiven } as unknown as ParsedFlags<
          typeof globalFlags
        >,
        run: (io) => spec.run(io, parsed.values as FlagValues<S>, parsed.positionals),
      };
    },
  };
}

/** `err` with its message rewritten by `describe`, keeping its code (Vitess's fmt.Errorf("...%w...")). */
export function rewrapError(err: unknown, describe: (message: string) => string): VtError {
  return new VtError(errorCode(err), describe(errorMessage(err)), { cause: err });
}

export { FlagError, HelpRequested };
