import { alreadyExists, invalidArgument, isVtError } from "../vterrors/index.js";
import type { VindexParams } from "./params.js";
import type { Vindex } from "./vindex.js";

/**
 * Creates one vindex instance named `name` from its VSchema params. Throws INVALID_ARGUMENT for a missing
 * or malformed param (naming it); unknown params are accepted and listed in `unknownParams`.
 */
export type VindexFactory = (name: string, params: VindexParams) => Vindex;

/** Vindex types by name. Registration is explicit (see createDefaultVindexRegistry) and refuses duplicates. */
export class VindexRegistry {
  private readonly factories = new Map<string, VindexFactory>();

  /** Throws ALREADY_EXISTS when the type is already registered. */
  register(type: string, factory: VindexFactory): this {
    if (this.factories.has(type)) throw alreadyExists(`vindex type "${type}" is already registered`);
    this.factories.set(type, factory);
    return this;
  }

  has(type: string): boolean {
    return this.factories.has(type);
  }

  types(): string[] {
    return [...this.factories.keys()].sort();
  }

  /**
   * Creates a vindex of a registered type. Throws INVALID_ARGUMENT for an unknown type
   * (`vindex type "hsh" not found`) or bad params (`vindex lookup_idx (lookup): ...`).
   */
  create(type: string, name: string, params: VindexParams = {}): Vindex {
    const factory = this.factories.get(type);
    if (factory === undefined) throw invalidArgument(`vindex type "${type}" not found`);
    try {
      return factory(name, params);
    } catch (err) {
      if (isVtError(err)) throw err.withContext(`vindex ${name} (${type})`);
      throw invalidArgument(`vindex ${name} (${type}): ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  }
}
