import type { BindVariable, QueryResult } from "../../../libs/proto/query.js";
import { Type } from "../../../libs/proto/query.js";
import { Code, internal, VtError } from "../../../libs/vterrors/index.js";
import type { ResolvedShard, SessionReader, ShardExecutor, ShardResolver } from "./cursor.js";
import { ALL_SHARDS, describeDestination, type RouteDestination } from "./destination.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";

/**
 * How a Route finds its shards (Vitess's engine.Opcode). Unsharded keyspaces use Unsharded; explicit shard
 * targeting uses ByDestination. The vindex-driven ones (EqualUnique, Equal, IN, Scatter, Reference, None)
 * are named here so sharded routing slots in; their shard resolution and result merging come with sharding.
 */
export type RouteOpcode =
  | "Unsharded"
  | "ByDestination"
  | "EqualUnique"
  | "Equal"
  | "IN"
  | "Scatter"
  | "Reference"
  | "None";

/**
 * Values vtgate supplies when the statement runs (Vitess's __vt* bind variables): `database()`,
 * `last_insert_id()` and `@user` variables kept in the session.
 */
export interface SessionBindVars {
  readonly dbName?: boolean;
  readonly lastInsertId?: boolean;
  readonly userVariables?: readonly string[];
}

export const DBNAME_BIND_VAR = "__vtdbname";
export const LAST_INSERT_ID_BIND_VAR = "__lastInsertId";
export const USER_VAR_BIND_PREFIX = "__vtudv";

const NULL_BIND_VAR: BindVariable = { type: Type.NULL_TYPE, value: Buffer.alloc(0), values: [] };

export interface RouteParams {
  readonly opcode: RouteOpcode;
  readonly keyspace: string;
  /** The statement as sent to the tablets (keyspace qualifiers rewritten, `?` as `:vN`). */
  readonly query: string;
  readonly tableNames: readonly string[];
  /** For ByDestination. */
  readonly destination?: RouteDestination;
  /** INSERT/UPDATE/DELETE (and SELECT ... FOR UPDATE joins the transaction the same way). */
  readonly isDML: boolean;
  readonly sessionBindVars?: SessionBindVars;
}

type RouteCursor = ShardResolver & ShardExecutor & SessionReader;

function stringBindVar(value: string): BindVariable {
  return { type: Type.VARCHAR, value: Buffer.from(value, "utf8"), values: [] };
}

/** Adds the session's values to the caller's bind variables when the statement uses them. */
export function withSessionBindVars(
  cursor: SessionReader,
  bindVars: BindVars,
  wanted: SessionBindVars | undefined,
): Record<string, BindVariable> {
  if (!wanted) return { ...bindVars };
  const out: Record<string, BindVariable> = { ...bindVars };
  if (wanted.dbName) {
    out[DBNAME_BIND_VAR] = cursor.keyspace === "" ? NULL_BIND_VAR : stringBindVar(cursor.keyspace);
  }
  for (const name of wanted.userVariables ?? []) {
    out[USER_VAR_BIND_PREFIX + name] = cursor.userVariable(name) ?? NULL_BIND_VAR;
  }
  if (wanted.lastInsertId) {
    out[LAST_INSERT_ID_BIND_VAR] = { type: Type.UINT64, value: Buffer.from(cursor.lastInsertId), values: [] };
  }
  return out;
}

/** Sends a statement to the shard(s) its tables live on (Vitess's engine.Route). */
export class Route implements Primitive<RouteCursor> {
  readonly kind = "Route";

  constructor(readonly params: RouteParams) {}

  async execute(cursor: RouteCursor, bindVars: BindVars): Promise<QueryResult> {
    const shard = this.shard(cursor);
    return cursor.executeShard(shard, this.bound(cursor, bindVars), { isDML: this.params.isDML });
  }

  async streamExecute(cursor: RouteCursor, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    const shard = this.shard(cursor);
    await cursor.streamShard(shard, this.bound(cursor, bindVars), { isDML: this.params.isDML }, onResult);
  }

  describe(): PlanDescription {
    return {
      operator: "Route",
      variant: this.params.opcode,
      keyspace: this.params.keyspace,
      ...(this.params.destination ? { target: describeDestination(this.params.destination) } : {}),
      query: this.params.query,
      table: this.params.tableNames.join(", "),
    };
  }

  private bound(cursor: SessionReader, bindVars: BindVars) {
    return {
      sql: this.params.query,
      bindVariables: withSessionBindVars(cursor, bindVars, this.params.sessionBindVars),
    };
  }

  private shard(cursor: ShardResolver): ResolvedShard {
    const { opcode, keyspace } = this.params;
    let destination: RouteDestination;
    switch (opcode) {
      case "Unsharded":
        destination = ALL_SHARDS;
        break;
      case "ByDestination":
        destination = this.params.destination ?? ALL_SHARDS;
        break;
      default:
        throw new VtError(
          Code.UNIMPLEMENTED,
          `route opcode ${opcode} needs sharded routing, which is not supported yet`,
        );
    }
    const shards = cursor.resolveShards(keyspace, destination);
    if (shards.length !== 1) {
      if (opcode === "Unsharded")
        throw internal(`unsharded keyspace ${keyspace} resolves to ${shards.length} shards`);
      throw new VtError(
        Code.UNIMPLEMENTED,
        `a statement for ${shards.length} shards of ${keyspace} needs result merging, which is not supported yet`,
      );
    }
    return shards[0] as ResolvedShard;
  }
}
