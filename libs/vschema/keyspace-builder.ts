import { keyspaceIdFromHex } from "../key/index.js";
import type { Type } from "../proto/query.js";
import type { Keyspace } from "../proto/vschema.js";
import { isLookup, type Vindex, type VindexRegistry, wantsOwnerInfo } from "../vindexes/index.js";
import { Code, VtError } from "../vterrors/index.js";
import { parseQualifiedName } from "./table-name.js";

export const TYPE_SEQUENCE = "sequence";
export const TYPE_REFERENCE = "reference";

export type TableType = "" | typeof TYPE_SEQUENCE | typeof TYPE_REFERENCE;

export interface KeyspaceRef {
  readonly name: string;
  readonly sharded: boolean;
}

/** One vindex of a table, on its columns (Vitess's ColumnVindex). */
export interface ColumnVindex {
  readonly columns: readonly string[];
  /** The vindex's name in the keyspace VSchema. */
  readonly name: string;
  readonly type: string;
  /** The table is the vindex's owner: rows of the lookup table follow its rows. */
  readonly owned: boolean;
  readonly vindex: Vindex;
  readonly isUnique: boolean;
  readonly cost: number;
}

/** A table as vtgate routes it. */
export interface VSchemaTable {
  readonly name: string;
  readonly keyspace: KeyspaceRef;
  readonly type: TableType;
  /** In VSchema order: the first one is the primary vindex. */
  readonly columnVindexes: readonly ColumnVindex[];
  /** Cheapest first (Vitess's Ordered). */
  readonly ordered: readonly ColumnVindex[];
  readonly owned: readonly ColumnVindex[];
  /** Set once sequences are resolved across keyspaces (buildVSchema). */
  autoIncrement?: { readonly column: string; readonly sequence: VSchemaTable };
  readonly pinned?: Uint8Array;
  readonly columns: readonly { readonly name: string; readonly type: Type }[];
  readonly columnListAuthoritative: boolean;
  /** A reference table's source, `keyspace.table`. */
  readonly source?: { readonly keyspace: string | undefined; readonly table: string };
  /** True for tables vtgate made up for a name an unsharded keyspace does not list. */
  readonly implicit?: boolean;
}

/** A problem found in a VSchema, with where it is. */
export interface VSchemaIssue {
  readonly keyspace: string;
  /** JSON path in the keyspace VSchema: `tables.customer.column_vindexes[0].name`, `vindexes.hash`. */
  readonly path: string;
  readonly error: VtError;
}

export interface KeyspaceSchema {
  readonly keyspace: KeyspaceRef;
  readonly tables: Map<string, VSchemaTable>;
  readonly vindexes: Map<string, Vindex>;
  readonly requireExplicitRouting: boolean;
  /** Everything that kept a vindex or a table out of this keyspace's schema. */
  readonly errors: VSchemaIssue[];
  /** Accepted but worth telling (unknown vindex params, vindexes on unsharded tables). */
  readonly warnings: VSchemaIssue[];
}

function vtError(code: Code, message: string, cause?: unknown): VtError {
  return new VtError(code, message, cause === undefined ? undefined : { cause });
}

/**
 * Builds one keyspace's tables and vindexes, as Vitess's buildTables, but without stopping at the first
 * problem: a vindex that cannot be created, or a table that is wrong, is left out and reported; the rest
 * of the keyspace is built. Sequences (auto_increment) are not resolved here: they may live in another
 * keyspace.
 */
export function buildKeyspaceSchema(
  name: string,
  input: Keyspace | undefined,
  registry: VindexRegistry,
): KeyspaceSchema {
  const ks: Keyspace = input ?? {
    sharded: false,
    vindexes: {},
    tables: {},
    requireExplicitRouting: false,
    foreignKeyMode: 0,
    multiTenantSpec: undefined,
  };
  const keyspace: KeyspaceRef = { name, sharded: ks.sharded };
  const schema: KeyspaceSchema = {
    keyspace,
    tables: new Map(),
    vindexes: new Map(),
    requireExplicitRouting: ks.requireExplicitRouting,
    errors: [],
    warnings: [],
  };
  const error = (path: string, code: Code, message: string, cause?: unknown) =>
    schema.errors.push({ keyspace: name, path, error: vtError(code, message, cause) });
  const warn = (path: string, message: string) =>
    schema.warnings.push({ keyspace: name, path, error: vtError(Code.INVALID_ARGUMENT, message) });

  for (const [vname, info] of Object.entries(ks.vindexes ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    try {
      const vindex = registry.create(info.type, vname, info.params ?? {});
      schema.vindexes.set(vname, vindex);
      if (vindex.unknownParams.length > 0) {
        warn(
          `vindexes.${vname}.params`,
          `vindex ${vname} has unknown params: ${vindex.unknownParams.join(", ")}`,
        );
      }
    } catch (err) {
      const code = err instanceof VtError ? err.code : Code.INVALID_ARGUMENT;
      error(`vindexes.${vname}`, code, err instanceof Error ? err.message : String(err), err);
    }
  }

  for (const [tname, table] of Object.entries(ks.tables ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = `tables.${tname}`;
    const errorsBefore = schema.errors.length;
    let type: TableType = "";
    let source: VSchemaTable["source"];
    switch (table.type) {
      case "":
        break;
      case TYPE_REFERENCE:
        type = TYPE_REFERENCE;
        if (table.source !== "") {
          try {
            source = parseQualifiedName(table.source);
          } catch (err) {
            error(
              `${path}.source`,
              Code.INVALID_ARGUMENT,
              `invalid source "${table.source}" for reference table: ${tname}; ${(err as Error).message}`,
            );
          }
        }
        break;
      case TYPE_SEQUENCE:
        type = TYPE_SEQUENCE;
        if (ks.sharded && table.pinned === "") {
          error(
            `${path}.type`,
            Code.FAILED_PRECONDITION,
            `sequence table has to be in an unsharded keyspace or must be pinned: ${tname}`,
          );
        }
        break;
      default:
        error(`${path}.type`, Code.NOT_FOUND, `unidentified table type ${table.type}`);
    }
    let pinned: Uint8Array | undefined;
    if (table.pinned !== "") {
      try {
        pinned = keyspaceIdFromHex(table.pinned);
      } catch (err) {
        error(
          `${path}.pinned`,
          Code.INVALID_ARGUMENT,
          `could not decode the keyspace id for pin: ${(err as Error).message}`,
        );
      }
    }
    if (ks.sharded && type !== TYPE_REFERENCE && table.pinned === "" && table.columnVindexes.length === 0) {
      error(`${path}.column_vindexes`, Code.NOT_FOUND, `missing primary col vindex for table: ${tname}`);
    }
    if (!ks.sharded && table.columnVindexes.length > 0) {
      warn(
        `${path}.column_vindexes`,
        `table ${tname} is in an unsharded keyspace: its column vindexes are not used for routing`,
      );
    }

    const columns: { name: string; type: Type }[] = [];
    const columnNames = new Set<string>();
    table.columns.forEach((column, i) => {
      const lowered = column.name.toLowerCase();
      if (columnNames.has(lowered)) {
        error(
          `${path}.columns[${i}].name`,
          Code.INVALID_ARGUMENT,
          `duplicate column name '${column.name}' for table: ${tname}`,
        );
      }
      columnNames.add(lowered);
      columns.push({ name: column.name, type: column.type });
    });

    const columnVindexes: ColumnVindex[] = [];
    const owners: { vindex: Vindex; columns: string[]; path: string }[] = [];
    table.columnVindexes.forEach((ind, i) => {
      const cvPath = `${path}.column_vindexes[${i}]`;
      const info = ks.vindexes?.[ind.name];
      if (info === undefined) {
        error(`${cvPath}.name`, Code.NOT_FOUND, `vindex ${ind.name} not found for table ${tname}`);
        return;
      }
      const vindex = schema.vindexes.get(ind.name);
      if (vindex === undefined) {
        error(
          `${cvPath}.name`,
          Code.FAILED_PRECONDITION,
          `vindex ${ind.name} of table ${tname} could not be created`,
        );
        return;
      }
      let cols: string[];
      if (ind.column !== "") {
        if (ind.columns.length > 0) {
          error(
            cvPath,
            Code.INVALID_ARGUMENT,
            `can't use column and columns at the same time in vindex (${ind.name}) and table (${tname})`,
          );
          return;
        }
        cols = [ind.column];
      } else {
        if (ind.columns.length === 0) {
          error(
            cvPath,
            Code.INVALID_ARGUMENT,
            `must specify at least one column for vindex (${ind.name}) and table (${tname})`,
          );
          return;
        }
        cols = [...ind.columns];
      }
      const owned = isLookup(vindex) && info.owner === tname;
      if (i === 0) {
        if (!vindex.isUnique) {
          error(
            `${cvPath}.name`,
            Code.INVALID_ARGUMENT,
            `primary vindex ${ind.name} is not Unique for table ${tname}`,
          );
          return;
        }
        if (owned) {
          error(
            `${cvPath}.name`,
            Code.INVALID_ARGUMENT,
            `primary vindex ${ind.name} cannot be owned for table ${tname}`,
          );
          return;
        }
      }
      if (owned && wantsOwnerInfo(vindex)) owners.push({ vindex, columns: cols, path: cvPath });
      columnVindexes.push({
        columns: cols,
        name: ind.name,
        type: info.type,
        owned,
        vindex,
        isUnique: vindex.isUnique,
        cost: vindex.cost,
      });
    });
    for (const owner of owners) {
      try {
        if (wantsOwnerInfo(owner.vindex)) owner.vindex.setOwnerInfo(name, tname, owner.columns);
      } catch (err) {
        error(
          owner.path,
          err instanceof VtError ? err.code : Code.INVALID_ARGUMENT,
          (err as Error).message,
          err,
        );
      }
    }
    if (schema.errors.length > errorsBefore) continue;

    schema.tables.set(tname, {
      name: tname,
      keyspace,
      type,
      columnVindexes,
      ordered: [...columnVindexes].sort((a, b) => a.cost - b.cost),
      owned: columnVindexes.filter((cv) => cv.owned),
      ...(pinned === undefined ? {} : { pinned }),
      columns,
      columnListAuthoritative: table.columnListAuthoritative,
      ...(source === undefined ? {} : { source }),
    });
  }
  return schema;
}
