import { formatDuration, parseDuration } from "./duration.js";
import { FlagError, HelpRequested } from "./errors.js";

export type FlagType = "string" | "int" | "bool" | "duration" | "strings" | "stringArray";

interface FlagValueOf {
  string: string;
  int: number;
  bool: boolean;
  /** milliseconds */
  duration: number;
  strings: string[];
  /** Repeatable, each value taken whole (pflag's StringArray: `--sql "a, b" --sql c`). */
  stringArray: string[];
}

export interface FlagDef<T extends FlagType = FlagType> {
  type: T;
  default: FlagValueOf[T];
  help: string;
}

export type FlagSpec = Readonly<Record<string, FlagDef>>;

export type FlagValues<S extends FlagSpec> = { -readonly [K in keyof S]: FlagValueOf[S[K]["type"]] };

export interface ParsedFlags<S extends FlagSpec> {
  values: FlagValues<S>;
  positionals: string[];
  /** Names of the flags given explicitly on the command line. */
  given: ReadonlySet<keyof S & string>;
}

export interface ParseOptions {
  /** Stop at the first positional and return it and everything after in `positionals` (for subcommands). */
  stopAtFirstPositional?: boolean;
}

/** Keeps the literal flag types so `parseFlags` can type each value. */
export function defineFlags<const S extends FlagSpec>(spec: S): S {
  return spec;
}

/** Vitess accepts `--flag_name` and `-flag-name` for `--flag-name`. */
function normalizeName(raw: string): string {
  return raw.replaceAll("_", "-");
}

function convert(def: FlagDef, name: string, text: string, previous: unknown): unknown {
  switch (def.type) {
    case "string":
      return text;
    case "int": {
      if (!/^[-+]?\d+$/.test(text)) {
        throw new FlagError(`invalid argument "${text}" for "--${name}" flag: not an integer`, name);
      }
      return Number.parseInt(text, 10);
    }
    case "bool": {
      const lower = text.toLowerCase();
      if (["true", "1", "t"].includes(lower)) return true;
      if (["false", "0", "f"].includes(lower)) return false;
      throw new FlagError(`invalid argument "${text}" for "--${name}" flag: not a boolean`, name);
    }
    case "duration":
      return parseDuration(text, name);
    case "strings": {
      const items = text === "" ? [] : text.split(",").map((item) => item.trim());
      return [...(previous as string[]), ...items];
    }
    case "stringArray":
      return [...(previous as string[]), text];
  }
}

export function parseFlags<S extends FlagSpec>(
  spec: S,
  argv: readonly string[],
  options: ParseOptions = {},
): ParsedFlags<S> {
  const values: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(spec)) {
    values[name] = Array.isArray(def.default) ? [...def.default] : def.default;
  }
  const given = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-h" || arg === "--help" || arg === "-help") throw new HelpRequested();
    if (!arg.startsWith("-") || arg === "-") {
      if (options.stopAtFirstPositional) {
        positionals.push(...argv.slice(i));
        break;
      }
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const name = normalizeName(eq >= 0 ? body.slice(0, eq) : body);
    const def = spec[name];
    if (!def) throw new FlagError(`unknown flag: --${name}`, name);
    let text: string;
    if (eq >= 0) {
      text = body.slice(eq + 1);
    } else if (def.type === "bool") {
      text = "true";
    } else {
      if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`, name);
      text = argv[++i] as string;
    }
    const previous = given.has(name) ? values[name] : [];
    values[name] = convert(def, name, text, previous);
    given.add(name);
  }
  return { values: values as FlagValues<S>, positionals, given: given as Set<keyof S & string> };
}

function formatDefault(def: FlagDef): string {
  switch (def.type) {
    case "duration":
      return formatDuration(def.default as number);
    case "strings":
    case "stringArray":
      return (def.default as string[]).join(",");
    case "string":
      return def.default === "" ? "" : `"${def.default}"`;
    default:
      return String(def.default);
  }
}

/** One line per flag, sorted, with its type and default, like Go's pflag usage. */
export function flagUsage(spec: FlagSpec): string {
  const rows = Object.entries(spec)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, def]) => {
      const type = def.type === "bool" ? "" : ` ${def.type}`;
      const shown = formatDefault(def);
      const suffix =
        shown === "" || (def.type === "bool" && def.default === false) ? "" : ` (default ${shown})`;
      return [`  --${name}${type}`, `${def.help}${suffix}`] as const;
    });
  const width = Math.min(40, Math.max(0, ...rows.map(([left]) => left.length)) + 2);
  return rows.map(([left, right]) => `${left.padEnd(width - 2)}  ${right}`).join("\n");
}
