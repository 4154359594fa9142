import { invalidArgument } from "../vterrors/index.js";

export type TargetTabletType =
  | "primary"
  | "replica"
  | "rdonly"
  | "spare"
  | "experimental"
  | "backup"
  | "restore"
  | "drained";

/** Vitess's names for tablet types in targets, with the old synonyms (`master`, `batch`). */
const TABLET_TYPES: Readonly<Record<string, TargetTabletType>> = {
  primary: "primary",
  master: "primary",
  replica: "replica",
  rdonly: "rdonly",
  batch: "rdonly",
  spare: "spare",
  experimental: "experimental",
  backup: "backup",
  restore: "restore",
  drained: "drained",
};

/**
 * A USE target / session target split: `ks`, `ks@replica`, `ks:-80` and `ks/-80` (a shard), `ks[40-80]`
 * (a key range), `@rdonly` (tablet type only), any of them with `@type`.
 */
export interface Target {
  readonly keyspace: string;
  readonly shard?: string | undefined;
  /** The text between `[` and `]`: a key range like `-80`, `40-80`. */
  readonly keyRange?: string | undefined;
  readonly tabletType?: TargetTabletType | undefined;
}

/** Parses a target; throws INVALID_ARGUMENT for an unknown tablet type or a malformed key range. */
export function parseTarget(target: string): Target {
  let rest = target;
  let tabletType: TargetTabletType | undefined;
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    const name = rest.slice(at + 1).toLowerCase();
    tabletType = TABLET_TYPES[name];
    if (tabletType === undefined)
      throw invalidArgument(`invalid tablet type in target '${target}': '${rest.slice(at + 1)}'`);
    rest = rest.slice(0, at);
  }
  const bracket = rest.indexOf("[");
  if (bracket >= 0) {
    if (!rest.endsWith("]")) throw invalidArgument(`invalid key range in target '${target}'`);
    return {
      keyspace: rest.slice(0, bracket),
      shard: undefined,
      keyRange: rest.slice(bracket + 1, -1),
      tabletType,
    };
  }
  const sep = rest.search(/[:/]/);
  if (sep >= 0)
    return { keyspace: rest.slice(0, sep), shard: rest.slice(sep + 1), keyRange: undefined, tabletType };
  return { keyspace: rest, shard: undefined, keyRange: undefined, tabletType };
}
