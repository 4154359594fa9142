import { TabletType } from "../proto/topodata.js";
import { invalidArgument } from "../vterrors/index.js";

/** A table name with an optional keyspace qualifier. */
export interface QualifiedName {
  readonly keyspace: string | undefined;
  readonly table: string;
}

function unquote(part: string): string {
  return part.length >= 2 && part.startsWith("`") && part.endsWith("`")
    ? part.slice(1, -1).replaceAll("``", "`")
    : part;
}

/**
 * Parses `table` or `keyspace.table` (each part optionally backquoted). Throws INVALID_ARGUMENT in Vitess's
 * words when the name has more parts, an empty part, or no qualifier although one is required.
 */
export function parseQualifiedName(name: string, requireQualifier = false): QualifiedName {
  const parts = name.split(".");
  const form = requireQualifier
    ? "the qualified form <keyspace_name>.<table_name>"
    : "the unqualified form <table_name> or the qualified form <keyspace_name>.<table_name>";
  const error = () =>
    invalidArgument(
      `invalid table name: ${name}, it must be of ${form} (dots are not allowed in either name)`,
    );
  if (parts.some((part) => unquote(part.trim()) === "")) throw error();
  if (parts.length === 1 && !requireQualifier)
    return { keyspace: undefined, table: unquote(parts[0]!.trim()) };
  if (parts.length === 2) return { keyspace: unquote(parts[0]!.trim()), table: unquote(parts[1]!.trim()) };
  throw error();
}

/** The routing rule suffix of each tablet type (Vitess's TabletTypeSuffix). */
export const TABLET_TYPE_SUFFIX: Readonly<Record<number, string>> = {
  [TabletType.UNKNOWN]: "@unknown",
  [TabletType.PRIMARY]: "@primary",
  [TabletType.REPLICA]: "@replica",
  [TabletType.RDONLY]: "@rdonly",
  [TabletType.SPARE]: "@spare",
  [TabletType.EXPERIMENTAL]: "@experimental",
  [TabletType.BACKUP]: "@backup",
  [TabletType.RESTORE]: "@restore",
  [TabletType.DRAINED]: "@drained",
};

const SUFFIXES = new Set(Object.values(TABLET_TYPE_SUFFIX));

/** A routing rule's `from_table`: `[keyspace.]table[@tablet_type]`. */
export interface RoutingRuleSource extends QualifiedName {
  /** `@replica`, `@rdonly`, ... or undefined for every tablet type. */
  readonly tabletTypeSuffix: string | undefined;
}

/** Parses a routing rule's `from_table`; throws INVALID_ARGUMENT naming it when malformed. */
export function parseRoutingRuleSource(fromTable: string): RoutingRuleSource {
  const at = fromTable.lastIndexOf("@");
  const suffix = at >= 0 ? fromTable.slice(at).toLowerCase() : undefined;
  if (suffix !== undefined && !SUFFIXES.has(suffix)) {
    throw invalidArgument(
      `invalid routing rule source ${fromTable}: unknown tablet type ${fromTable.slice(at + 1)} (expected one of ${[...SUFFIXES].join(", ")})`,
    );
  }
  const name = parseQualifiedName(at >= 0 ? fromTable.slice(0, at) : fromTable);
  return { ...name, tabletTypeSuffix: suffix };
}
