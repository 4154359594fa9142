import { Code, VtError } from "../../../libs/vterrors/index.js";

/** MySQL's ER_BAD_DB_ERROR: `Unknown database 'x'`. */
export function unknownDatabase(name: string): VtError {
  return new VtError(Code.NOT_FOUND, `Unknown database '${name}'`, {
    mysql: { errno: 1049, sqlstate: "42000" },
  });
}

/** MySQL's ER_NO_SUCH_TABLE for a table no keyspace has: `Table 'customer' doesn't exist`. */
export function tableNotFound(name: string, qualifier?: string): VtError {
  const full = qualifier ? `${qualifier}.${name}` : name;
  return new VtError(Code.NOT_FOUND, `Table '${full}' doesn't exist`, {
    mysql: { errno: 1146, sqlstate: "42S02" },
  });
}

/** MySQL's ER_NO_DB_ERROR, with Vitess's hint on how to choose a target. */
export function noDatabaseSelected(): VtError {
  return new VtError(
    Code.FAILED_PRECONDITION,
    "No database selected: use keyspace<:shard><@type> or keyspace<[range]><@type> (<> are optional)",
    { mysql: { errno: 1046, sqlstate: "3D000" } },
  );
}

/** Vitess's VT09002: a write with a replica/rdonly target (errno 1874, ER_INNODB_READ_ONLY). */
export function writeToReplica(statement: string, type: string): VtError {
  return new VtError(Code.FAILED_PRECONDITION, `${statement} statement with a ${type} target`, {
    mysql: { errno: 1874, sqlstate: "HY000" },
  });
}

export function unsupported(what: string): VtError {
  return new VtError(Code.UNIMPLEMENTED, `unsupported: ${what}`);
}
