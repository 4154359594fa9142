import {
  MYSQL56_FLAVOR,
  parseFlavoredGtidSet,
  positionGtidSetString,
  positionUnion,
} from "../replication/index.js";
import { quoteString } from "../sql-literal.js";
import { changeSourceCommand, type Flavor, type ReplicationSourceParams } from "./flavor.js";
import {
  parseCommonReplicationStatus,
  type ReplicationStatus,
  rowInt,
  rowText,
  type StatusRow,
} from "./replication-status.js";

/** MySQL prints GTID sets over several lines; the parser wants them on one. */
function gtidText(text: string): string {
  return text.replace(/\s+/g, "");
}

function sourceCommand(params: ReplicationSourceParams): string {
  return changeSourceCommand("CHANGE REPLICATION SOURCE TO", "SOURCE", params, [
    "SOURCE_AUTO_POSITION = 1",
    "GET_SOURCE_PUBLIC_KEY = 1",
  ]);
}

function parseStatus(row: StatusRow): ReplicationStatus {
  const status = parseCommonReplicationStatus(row, { source: "Source", replica: "Replica" });
  const executed = parseFlavoredGtidSet(MYSQL56_FLAVOR, gtidText(rowText(row, "Executed_Gtid_Set")));
  const retrieved = parseFlavoredGtidSet(MYSQL56_FLAVOR, gtidText(rowText(row, "Retrieved_Gtid_Set")));
  status.position = executed;
  status.relayLogPosition = positionUnion(executed, retrieved);
  status.sourceUuid = rowText(row, "Source_UUID");
  status.usingGtid = rowText(row, "Auto_Position") === "1";
  return status;
}

/**
 * MySQL 8.0.22+ with GTIDs (uuid:interval sets, SOURCE_AUTO_POSITION, super_read_only). Kept correct so the
 * tablet manager stays flavor-neutral; the tested path is MariaDB.
 */
export const mysqlFlavor: Flavor = {
  name: MYSQL56_FLAVOR,
  primaryPositionQuery: "SELECT @@GLOBAL.gtid_executed",
  currentPositionQuery: "SELECT @@GLOBAL.gtid_executed",
  parseGtidSet: (text) => parseFlavoredGtidSet(MYSQL56_FLAVOR, gtidText(text)),

  replicationStatusQuery: "SHOW REPLICA STATUS",
  pickReplicationStatusRow: (rows) => rows.find((row) => rowText(row, "Channel_Name") === "") ?? rows[0],
  parseReplicationStatus: parseStatus,

  primaryStatusQuery: "SHOW MASTER STATUS",
  serverUuidQuery: "SELECT @@GLOBAL.server_uuid",
  parsePrimaryStatus: (row, position, serverUuid) => ({
    position,
    filePosition: row ? { file: rowText(row, "File"), pos: rowInt(row, "Position") } : undefined,
    serverUuid,
  }),

  startReplicationCommand: () => "START REPLICA",
  stopReplicationCommand: () => "STOP REPLICA",
  stopIoThreadCommand: () => "STOP REPLICA IO_THREAD",
  resetReplicationCommands: () => ["STOP REPLICA", "RESET REPLICA ALL", "RESET MASTER"],
  resetReplicationParametersCommands: () => ["RESET REPLICA ALL"],
  setReplicationPositionCommands: (position) => [
    "RESET MASTER",
    `SET GLOBAL gtid_purged = ${quoteString(positionGtidSetString(position))}`,
  ],
  setReplicationSourceCommand: sourceCommand,
  promoteReplicaCommands: () => ["RESET REPLICA ALL"],

  readOnlyQuery: "SELECT @@GLOBAL.read_only",
  setReadOnlyCommands: (readOnly) =>
    readOnly
      ? ["SET GLOBAL read_only = ON", "SET GLOBAL super_read_only = ON"]
      : ["SET GLOBAL super_read_only = OFF", "SET GLOBAL read_only = OFF"],
};
