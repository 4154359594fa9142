import { isFlavor, MARIADB_FLAVOR, MYSQL56_FLAVOR } from "../replication/index.js";
import type { Flavor } from "./flavor.js";
import { mariadbFlavor } from "./mariadb.js";
import { mysqlFlavor } from "./mysql.js";

export type { Flavor, ReplicationSourceParams } from "./flavor.js";
export { mariadbFlavor } from "./mariadb.js";
export { mysqlFlavor } from "./mysql.js";
export {
  emptyReplicationStatus,
  type FilePosition,
  formatFilePosition,
  isIoRunning,
  isReplicationRunning,
  isSqlRunning,
  type PrimaryStatus,
  parseReplicationState,
  primaryStatusToProto,
  ReplicationState,
  type ReplicationStatus,
  replicationStatusToProto,
  type StatusRow,
} from "./replication-status.js";

/** The flavor of a server from its @@version ("10.11.6-MariaDB-..." is MariaDB; anything else MySQL). */
export function flavorForVersion(version: string): Flavor {
  return /mariadb/i.test(version) ? mariadbFlavor : mysqlFlavor;
}

/** The flavor for a name as positions spell it ("MariaDB", "MySQL56"). */
export function flavorByName(name: string): Flavor {
  if (!isFlavor(name))
    throw new Error(`unknown MySQL flavor "${name}": use ${MARIADB_FLAVOR} or ${MYSQL56_FLAVOR}`);
  return name === MARIADB_FLAVOR ? mariadbFlavor : mysqlFlavor;
}
