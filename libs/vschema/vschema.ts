import { TabletType } from "../proto/topodata.js";
import type { SrvVSchema } from "../proto/vschema.js";
import type { Vindex, VindexRegistry } from "../vindexes/index.js";
import { Code, VtError } from "../vterrors/index.js";
import {
  buildKeyspaceSchema,
  type KeyspaceSchema,
  TYPE_REFERENCE,
  type VSchemaIssue,
  type VSchemaTable,
} from "./keyspace-builder.js";
import { parseQualifiedName, TABLET_TYPE_SUFFIX } from "./table-name.js";

/** A routing rule after resolution: the target table, none (the table is disabled), or why it is broken. */
export type ResolvedRoutingRule =
  | { readonly kind: "tables"; readonly tables: readonly VSchemaTable[] }
  | { readonly kind: "error"; readonly error: VtError };

/** A mirror rule after resolution: queries on the source table are copied to `table` `percent` of the time. */
export interface ResolvedMirrorRule {
  readonly table: VSchemaTable;
  readonly percent: number;
}

/** A table name looked up across keyspaces: one table, or the keyspaces that all have it. */
type GlobalEntry = { readonly table: VSchemaTable } | { readonly ambiguous: string[] };

/**
 * The VSchema vtgate routes with (Vitess's vindexes.VSchema), built from a SrvVSchema by buildVSchema.
 * Lookups follow Vitess: an unqualified name resolves when one keyspace has it (or when there is a single
 * keyspace); a name an unsharded keyspace does not list still resolves there ("implicit" tables).
 */
export class VSchema {
  readonly keyspaces = new Map<string, KeyspaceSchema>();
  /** Keyed by `from_table` as written: `customer`, `customer@replica`, `commerce.customer@rdonly`. */
  readonly routingRules = new Map<string, ResolvedRoutingRule>();
  /** Keyed by `from_table`: `commerce.customer`, `commerce.customer@replica`. Rules naming no table are left out. */
  readonly mirrorRules = new Map<string, ResolvedMirrorRule>();
  private readonly globalTables = new Map<string, GlobalEntry>();
  private readonly uniqueVindexes = new Map<string, Vindex | null>();

  /** Every problem of every keyspace: a broken keyspace does not break the others. */
  errors(): VSchemaIssue[] {
    return [...this.keyspaces.values()].flatMap((ks) => ks.errors);
  }

  /** @internal used by buildVSchema */
  addGlobalTable(table: VSchemaTable): void {
    const entry = this.globalTables.get(table.name);
    if (entry === undefined) {
      this.globalTables.set(table.name, { table });
      return;
    }
    if ("ambiguous" in entry) {
      entry.ambiguous.push(table.keyspace.name);
      return;
    }
    // A reference table pointing at the table already there is no ambiguity.
    if (
      table.type === TYPE_REFERENCE &&
      table.source !== undefined &&
      (table.source.keyspace === undefined || table.source.keyspace === entry.table.keyspace.name)
    ) {
      return;
    }
    this.globalTables.set(table.name, { ambiguous: [entry.table.keyspace.name, table.keyspace.name] });
  }

  /** @internal used by buildVSchema: forgets a table removed from its keyspace. */
  removeGlobalTable(table: VSchemaTable): void {
    const entry = this.globalTables.get(table.name);
    if (entry !== undefined && "table" in entry && entry.table === table)
      this.globalTables.delete(table.name);
  }

  /** @internal used by buildVSchema */
  addGlobalVindex(name: string, vindex: Vindex): void {
    this.uniqueVindexes.set(name, this.uniqueVindexes.has(name) ? null : vindex);
  }

  /**
   * Finds a table, ignoring routing rules. Throws NOT_FOUND for an unknown keyspace and FAILED_PRECONDITION
   * for a name several keyspaces have (naming them) or for a table of a sharded keyspace whose VSchema
   * could not be built (naming the problem); returns undefined when no keyspace has the table.
   */
  findTable(keyspace: string | undefined, name: string): VSchemaTable | undefined {
    if (keyspace === undefined || keyspace === "") {
      if (this.keyspaces.size === 1) {
        const [only] = this.keyspaces.values();
        return findInKeyspace(only!, name);
      }
      const entry = this.globalTables.get(name);
      if (entry === undefined) return undefined;
      if ("ambiguous" in entry) {
        throw new VtError(
          Code.FAILED_PRECONDITION,
          `ambiguous table reference: ${name} (in keyspaces ${[...entry.ambiguous].sort().join(", ")})`,
        );
      }
      return entry.table;
    }
    const ks = this.keyspaces.get(keyspace);
    if (ks === undefined) throw new VtError(Code.NOT_FOUND, `Unknown database '${keyspace}' in vschema`);
    return findInKeyspace(ks, name);
  }

  /**
   * Finds a table through the routing rules for a tablet type: `ks.t@replica`, then `ks.t` (or `t@replica`,
   * `t` when unqualified), then findTable. A rule's error is thrown; a rule without target is the
   * FAILED_PRECONDITION `table t has been disabled`.
   */
  findRoutedTable(
    keyspace: string | undefined,
    name: string,
    tabletType: TabletType = TabletType.PRIMARY,
  ): VSchemaTable | undefined {
    const qualified = keyspace === undefined || keyspace === "" ? name : `${keyspace}.${name}`;
    for (const key of [qualified + (TABLET_TYPE_SUFFIX[tabletType] ?? ""), qualified]) {
      const rule = this.routingRules.get(key);
      if (rule === undefined) continue;
      if (rule.kind === "error") throw rule.error;
      if (rule.tables.length === 0)
        throw new VtError(Code.FAILED_PRECONDITION, `table ${name} has been disabled`);
      return rule.tables[0];
    }
    return this.findTable(keyspace, name);
  }

  /** Where queries on `table` for `tabletType` are mirrored to, if anywhere (MoveTables MirrorTraffic). */
  findMirrorRule(table: VSchemaTable, tabletType: TabletType): ResolvedMirrorRule | undefined {
    const suffix = tabletType === TabletType.PRIMARY ? "" : (TABLET_TYPE_SUFFIX[tabletType] ?? "");
    return this.mirrorRules.get(`${table.keyspace.name}.${table.name}${suffix}`);
  }

  /**
   * Finds a vindex by name, for `select ... from <vindex> where id in (...)`. Unqualified names must be
   * unique across the keyspaces that do not require explicit routing (FAILED_PRECONDITION otherwise).
   */
  findVindex(keyspace: string | undefined, name: string): Vindex | undefined {
    if (keyspace === undefined || keyspace === "") {
      const vindex = this.uniqueVindexes.get(name);
      if (vindex === null) throw new VtError(Code.FAILED_PRECONDITION, `ambiguous vindex reference: ${name}`);
      return vindex;
    }
    const ks = this.keyspaces.get(keyspace);
    if (ks === undefined) throw new VtError(Code.NOT_FOUND, `Unknown database '${keyspace}' in vschema`);
    return ks.vindexes.get(name);
  }

  /** A table (through routing rules) or else a vindex of that name; NOT_FOUND `table x not found` if neither. */
  findTableOrVindex(
    keyspace: string | undefined,
    name: string,
    tabletType: TabletType = TabletType.PRIMARY,
  ): { readonly table: VSchemaTable } | { readonly vindex: Vindex } {
    const table = this.findRoutedTable(keyspace, name, tabletType);
    if (table !== undefined) return { table };
    const vindex = this.findVindex(keyspace, name);
    if (vindex !== undefined) return { vindex };
    throw new VtError(Code.NOT_FOUND, `table ${name} not found`);
  }
}

function findInKeyspace(ks: KeyspaceSchema, name: string): VSchemaTable | undefined {
  const table = ks.tables.get(name);
  if (table !== undefined) return table;
  if (ks.keyspace.sharded) {
    // A table its VSchema could not build is named with why, not reported as missing.
    const issue = ks.errors.find((e) => e.path === `tables.${name}` || e.path.startsWith(`tables.${name}.`));
    if (issue) {
      throw new VtError(
        Code.FAILED_PRECONDITION,
        `table ${name} of keyspace ${ks.keyspace.name} has a broken VSchema: ${issue.path}: ${issue.error.message}`,
      );
    }
    return undefined;
  }
  return {
    name,
    keyspace: ks.keyspace,
    type: "",
    columnVindexes: [],
    ordered: [],
    owned: [],
    columns: [],
    columnListAuthoritative: false,
    implicit: true,
  };
}

function addDual(vschema: VSchema): void {
  const names = [...vschema.keyspaces.keys()].sort();
  for (const name of names) {
    const ks = vschema.keyspaces.get(name)!;
    if (ks.tables.has("dual")) continue;
    ks.tables.set("dual", {
      name: "dual",
      keyspace: ks.keyspace,
      type: TYPE_REFERENCE,
      columnVindexes: [],
      ordered: [],
      owned: [],
      columns: [],
      columnListAuthoritative: false,
    });
  }
}

/**
 * Resolves `sequence` (`seq` or `keyspace.seq`) as Vitess's resolveAutoIncrement: through findTable, so a
 * qualified name in an unsharded keyspace resolves even when undeclared. Returns the table or the error.
 */
export function resolveSequence(vschema: VSchema, sequence: string): VSchemaTable | VtError {
  try {
    const { keyspace, table } = parseQualifiedName(sequence);
    const found = vschema.findTable(keyspace, table);
    if (found === undefined) return new VtError(Code.NOT_FOUND, `table ${table} not found`);
    return found;
  } catch (err) {
    return err instanceof VtError ? err : new VtError(Code.INVALID_ARGUMENT, String(err));
  }
}

/**
 * Builds the routing model from a cell's SrvVSchema: each keyspace (errors collected per keyspace, see
 * buildKeyspaceSchema), the global table and vindex names, `dual`, the sequences of auto_increment columns
 * (a table whose sequence cannot be resolved is removed, its keyspace gets the error), and routing rules.
 */
export function buildVSchema(source: SrvVSchema, registry: VindexRegistry): VSchema {
  const vschema = new VSchema();
  const names = Object.keys(source.keyspaces ?? {}).sort();
  for (const name of names) {
    vschema.keyspaces.set(name, buildKeyspaceSchema(name, source.keyspaces[name], registry));
  }
  for (const name of names) {
    const ks = vschema.keyspaces.get(name)!;
    if (ks.requireExplicitRouting) continue;
    for (const table of ks.tables.values()) {
      // A reference table named after its source is reachable through the source.
      if (table.type === TYPE_REFERENCE && table.source !== undefined && table.source.table === table.name)
        continue;
      vschema.addGlobalTable(table);
    }
    for (const [vname, vindex] of ks.vindexes) vschema.addGlobalVindex(vname, vindex);
  }
  addDual(vschema);
  for (const name of names) {
    const ks = vschema.keyspaces.get(name)!;
    for (const [tname, table] of Object.entries(source.keyspaces[name]?.tables ?? {})) {
      const built = ks.tables.get(tname);
      if (built === undefined || table.autoIncrement === undefined) continue;
      const sequence = resolveSequence(vschema, table.autoIncrement.sequence);
      if (sequence instanceof VtError) {
        ks.tables.delete(tname);
        vschema.removeGlobalTable(built);
        ks.errors.push({
          keyspace: name,
          path: `tables.${tname}.auto_increment.sequence`,
          error: new VtError(
            Code.NOT_FOUND,
            `cannot resolve sequence ${table.autoIncrement.sequence}: ${sequence.message}`,
            { cause: sequence },
          ),
        });
        continue;
      }
      built.autoIncrement = { column: table.autoIncrement.column, sequence };
    }
  }
  buildRoutingRules(vschema, source);
  buildMirrorRules(vschema, source);
  return vschema;
}

/** ApplyMirrorRules validated the rules; one whose target is not (or no longer) in the VSchema mirrors nothing. */
function buildMirrorRules(vschema: VSchema, source: SrvVSchema): void {
  for (const rule of source.mirrorRules?.rules ?? []) {
    try {
      const target = parseQualifiedName(rule.toTable, true);
      const table = vschema.findTable(target.keyspace, target.table);
      if (table !== undefined && rule.percent > 0) {
        vschema.mirrorRules.set(rule.fromTable, { table, percent: rule.percent });
      }
    } catch {
      // An unknown keyspace: the rule mirrors nothing, as in Vitess's vschema build.
    }
  }
}

function buildRoutingRules(vschema: VSchema, source: SrvVSchema): void {
  for (const rule of source.routingRules?.rules ?? []) {
    const from = rule.fromTable;
    const fail = (code: Code, message: string) =>
      vschema.routingRules.set(from, { kind: "error", error: new VtError(code, message) });
    if (vschema.routingRules.has(from)) {
      fail(Code.ALREADY_EXISTS, `duplicate rule for entry ${from}`);
      continue;
    }
    if (rule.toTables.length > 1) {
      fail(Code.INVALID_ARGUMENT, `table ${from} has more than one target: [${rule.toTables.join(" ")}]`);
      continue;
    }
    if (rule.toTables.length === 0) {
      vschema.routingRules.set(from, { kind: "tables", tables: [] });
      continue;
    }
    try {
      const target = parseQualifiedName(rule.toTables[0]!, true);
      const table = vschema.findTable(target.keyspace, target.table);
      if (table === undefined) {
        fail(Code.NOT_FOUND, `table ${target.table} not found`);
        continue;
      }
      vschema.routingRules.set(from, { kind: "tables", tables: [table] });
    } catch (err) {
      vschema.routingRules.set(from, {
        kind: "error",
        error: err instanceof VtError ? err : new VtError(Code.INVALID_ARGUMENT, String(err)),
      });
    }
  }
}
