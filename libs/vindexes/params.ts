import { invalidArgument } from "../vterrors/index.js";

/** The params map of a VSchema vindex declaration (all values are strings, as in the protobuf). */
export type VindexParams = Readonly<Record<string, string>>;

/**
 * Reads params for one vindex type: every read marks the param as known, so `unknown()` lists the rest
 * (Vitess warns about those and accepts them). Failures are INVALID_ARGUMENT naming the param.
 */
export class ParamReader {
  private readonly known = new Set<string>();

  constructor(
    readonly vindexName: string,
    private readonly params: VindexParams,
  ) {}

  /** Marks params as known without reading them (params consumed elsewhere). */
  accept(...names: string[]): void {
    for (const name of names) this.known.add(name);
  }

  optional(name: string): string | undefined {
    this.known.add(name);
    return Object.hasOwn(this.params, name) ? this.params[name] : undefined;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined || value.trim() === "") {
      throw invalidArgument(`missing required param '${name}'`);
    }
    return value;
  }

  /** 'true' or 'false' (absent: false), as Vitess's boolFromMap. */
  bool(name: string): boolean {
    const value = this.optional(name);
    if (value === undefined) return false;
    if (value === "true") return true;
    if (value === "false") return false;
    throw invalidArgument(`${name} value must be 'true' or 'false': '${value}'`);
  }

  unknown(): string[] {
    return Object.keys(this.params)
      .filter((name) => !this.known.has(name))
      .sort();
  }
}
