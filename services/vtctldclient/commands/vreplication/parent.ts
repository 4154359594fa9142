import {
  FlagError,
  type FlagSpec,
  type FlagValues,
  flagUsage,
  HelpRequested,
  type ParsedFlags,
  parseFlags,
} from "../../../../libs/flags/index.js";
import type { Command, CommandIO, ParsedCommand } from "../../framework.js";

/** A sub-command of a parent command (`MoveTables ... create`), whose flags are added to the parent's. */
export interface SubcommandSpec<P extends FlagSpec, S extends FlagSpec> {
  name: string;
  /** Other accepted names; every name also matches case-insensitively (SwitchTraffic, switchtraffic). */
  aliases?: readonly string[];
  use: string;
  short: string;
  flags: S;
  args: readonly [number, number];
  run(io: CommandIO, flags: FlagValues<P & S>, args: string[]): Promise<void>;
}

/** A sub-command with its flag types erased, as a parent holds it. */
export interface Subcommand {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly short: string;
  readonly use: string;
  readonly flags: FlagSpec;
  readonly args: readonly [number, number];
  run(io: CommandIO, flags: Record<string, unknown>, args: string[]): Promise<void>;
}

export function defineSubcommand<const P extends FlagSpec, const S extends FlagSpec>(
  _parentFlags: P,
  spec: SubcommandSpec<P, S>,
): Subcommand {
  return {
    name: spec.name,
    aliases: spec.aliases ?? [],
    short: spec.short,
    use: spec.use,
    flags: spec.flags,
    args: spec.args,
    run: (io, flags, args) => spec.run(io, flags as FlagValues<P & S>, args),
  };
}

export interface ParentSpec {
  name: string;
  aliases?: readonly string[];
  use: string;
  short: string;
  /** Flags of the parent, accepted before or after the sub-command name (cobra's persistent flags). */
  flags: FlagSpec;
  subcommands: readonly Subcommand[];
}

function matches(sub: Subcommand, name: string): boolean {
  const lower = name.toLowerCase();
  return [sub.name, ...sub.aliases].some((n) => n.toLowerCase() === lower);
}

/**
 * A command with sub-commands, as vtctldclient's `MoveTables --target-keyspace customer --workflow w create
 * --source-keyspace commerce --tables customer,corder`: the parent's flags (and the global ones) come before
 * the sub-command name, or after it among the sub-command's own flags.
 */
export function defineParentCommand(spec: ParentSpec): Command {
  const width = Math.max(...spec.subcommands.map((s) => s.name.length)) + 2;
  const parentUsage = (globalUsage: string): string =>
    [
      spec.short,
      "",
      "Usage:",
      `  vtctldclient ${spec.use}`,
      "",
      "Available Commands:",
      ...spec.subcommands.map((s) => `  ${s.name.padEnd(width)}${s.short}`),
      "",
      "Flags:",
      flagUsage(spec.flags),
      "  -h, --help  help for this command",
      "",
      "Global Flags:",
      globalUsage,
    ].join("\n");
  const subUsage = (sub: Subcommand, globalUsage: string): string =>
    [
      sub.short,
      "",
      "Usage:",
      `  vtctldclient ${spec.name} ${sub.use}`,
      "",
      "Flags:",
      Object.keys(sub.flags).length > 0 ? flagUsage(sub.flags) : "  (none)",
      "  -h, --help  help for this command",
      "",
      "Global Flags:",
      flagUsage(spec.flags),
      globalUsage,
    ].join("\n");
  let helpText: ((globalUsage: string) => string) | undefined;

  return {
    name: spec.name,
    aliases: spec.aliases ?? [],
    short: spec.short,
    usage: (globalUsage) => (helpText ?? parentUsage)(globalUsage),
    parse<G extends FlagSpec>(argv: readonly string[], globalFlags: G): ParsedCommand<G> {
      helpText = undefined;
      const outer = { ...globalFlags, ...spec.flags } as FlagSpec;
      const first = parseFlags(outer, argv, { stopAtFirstPositional: true });
      const [name, ...rest] = first.positionals;
      if (name === undefined) throw new HelpRequested();
      const sub = spec.subcommands.find((s) => matches(s, name));
      if (!sub) throw new FlagError(`unknown command "${name}" for "${spec.name}"`);
      helpText = (globalUsage) => subUsage(sub, globalUsage);
      const inner = { ...outer, ...sub.flags } as FlagSpec;
      const second = parseFlags(inner, rest);
      const values: Record<string, unknown> = { ...(second.values as Record<string, unknown>) };
      for (const flag of first.given)
        if (!second.given.has(flag)) values[flag] = (first.values as Record<string, unknown>)[flag];
      const [min, max] = sub.args;
      const count = second.positionals.length;
      if (count < min || count > max) {
        throw new FlagError(
          `${spec.name} ${sub.name}: accepts between ${min} and ${max} arg(s), received ${count}`,
        );
      }
      const globalValues: Record<string, unknown> = {};
      const globalGiven = new Set<string>();
      for (const flag of Object.keys(globalFlags)) {
        globalValues[flag] = values[flag];
        if (first.given.has(flag) || second.given.has(flag)) globalGiven.add(flag);
      }
      return {
        globals: { values: globalValues, positionals: [], given: globalGiven } as unknown as ParsedFlags<G>,
        run: (io) => sub.run(io, values, second.positionals),
      };
    },
  };
}
