import type { SrvVSchema } from "../../../libs/proto/vschema.js";
import {
  getSrvVSchema,
  getVSchema,
  isTopoError,
  TopoErrorCode,
  type TopoServer,
} from "../../../libs/topo/index.js";
import {
  createDefaultVindexRegistry,
  isSingleColumn,
  type SingleColumn,
  type Vindex,
  type VindexRegistry,
} from "../../../libs/vindexes/index.js";
import { buildKeyspaceSchema, type KeyspaceSchema } from "../../../libs/vschema/index.js";
import { invalidArgument } from "../../../libs/vterrors/index.js";

/** A table's primary vindex and the columns it is computed from. */
export interface ColumnVindexRef {
  readonly vindex: SingleColumn;
  readonly columns: readonly string[];
}

/**
 * The vindexes a filter may name (Vitess's localVSchema): the tablet's keyspace as the cell's SrvVSchema
 * has it. `in_keyrange('-80')` and `keyspace_id()` use the table's primary vindex;
 * `in_keyrange(col, 'hash', '-80')` names a vindex of the keyspace or, failing that, a vindex type.
 * Every method throws INVALID_ARGUMENT naming what is missing.
 */
export interface VindexResolver {
  primaryVindex(table: string): ColumnVindexRef;
  findOrCreate(name: string): SingleColumn;
}

/** Only vindexes that map a value to one keyspace id by computation can filter a stream. */
function usable(vindex: Vindex, what: string): SingleColumn {
  if (!isSingleColumn(vindex)) {
    throw invalidArgument(`vindex ${what} (${vindex.type}) needs lookups: it cannot filter a stream`);
  }
  if (!vindex.isUnique) {
    throw invalidArgument(`vindex must be Unique to be used for VReplication: ${what}`);
  }
  return vindex;
}

export class KeyspaceVindexes implements VindexResolver {
  private readonly created = new Map<string, SingleColumn>();

  constructor(
    private readonly keyspace: string,
    private readonly schema: KeyspaceSchema | undefined,
    private readonly registry: VindexRegistry,
  ) {}

  /** The keyspace's part of a SrvVSchema (an absent keyspace: no tables, no vindexes). */
  static fromSrvVSchema(
    keyspace: string,
    srvVSchema: SrvVSchema | undefined,
    registry: VindexRegistry,
  ): KeyspaceVindexes {
    const input = srvVSchema?.keyspaces[keyspace];
    const schema = input === undefined ? undefined : buildKeyspaceSchema(keyspace, input, registry);
    return new KeyspaceVindexes(keyspace, schema, registry);
  }

  primaryVindex(table: string): ColumnVindexRef {
    const entry = this.schema?.tables.get(table);
    if (entry === undefined) {
      throw invalidArgument(`table ${table} not found in the VSchema of keyspace ${this.keyspace}`);
    }
    const primary = entry.columnVindexes[0];
    if (primary === undefined) {
      throw invalidArgument(
        `table ${table} has no primary vindex in the VSchema of keyspace ${this.keyspace}`,
      );
    }
    return { vindex: usable(primary.vindex, primary.name), columns: primary.columns };
  }

  findOrCreate(name: string): SingleColumn {
    let keyspace = this.keyspace;
    let vindexName = name;
    const dot = name.indexOf(".");
    if (dot >= 0) {
      keyspace = name.slice(0, dot);
      vindexName = name.slice(dot + 1);
    }
    if (keyspace === this.keyspace) {
      const named = this.schema?.vindexes.get(vindexName);
      if (named !== undefined) return usable(named, vindexName);
    } else {
      throw invalidArgument(
        `vindex ${name} not found: only vindexes of keyspace ${this.keyspace} can be used`,
      );
    }
    const cached = this.created.get(vindexName);
    if (cached !== undefined) return cached;
    if (!this.registry.has(vindexName)) {
      throw invalidArgument(`vindex ${name} not found: not in the VSchema and not a vindex type`);
    }
    const vindex = usable(this.registry.create(vindexName, vindexName, {}), vindexName);
    this.created.set(vindexName, vindex);
    return vindex;
  }
}

/**
 * Loads the keyspace's vindexes from the cell's SrvVSchema at each call (a stream's start), falling back to
 * the keyspace's own VSchema while no SrvVSchema has been built.
 */
export function topoVindexes(
  ts: TopoServer,
  cell: string,
  keyspace: string,
  registry: VindexRegistry = createDefaultVindexRegistry(),
): () => Promise<VindexResolver> {
  return async () => {
    try {
      return KeyspaceVindexes.fromSrvVSchema(keyspace, await getSrvVSchema(ts, cell), registry);
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
    }
    try {
      const vschema = await getVSchema(ts, keyspace);
      return new KeyspaceVindexes(keyspace, buildKeyspaceSchema(keyspace, vschema, registry), registry);
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
      return new KeyspaceVindexes(keyspace, undefined, registry);
    }
  };
}
