import {
  MYSQL56_FLAVOR,
  parseFlavoredGtidSet,
  positionGtidSetString,
  positionUnion,
} from "../replication/index.js";
import { quoteString } from "../sql-literal.js";
import type { Flavor, ReplicationSourceParams } from "./flavor.js";
import {
  emptyReplicationStatus,
  parseReplicationState,
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
  const args = [
    `SOURCE_HOST = ${quoteString(params.host)}`,
    `SOURCE_PORT = ${params.port}`,
    `SOURCE_USER = ${quoteString(params.user)}`,
    `SOURCE_PASSWORD = ${quoteString(params.password)}`,
    `SOURCE_CONNECT_RETRY = ${params.connectRetrySeconds}`,
  ];
  if (params.heartbeatIntervalSeconds)
    args.push(`SOURCE_HEARTBEAT_PERIOD = ${params.heartbeatIntervalSeconds}`);
  args.push("SOURCE_AUTO_POSITION = 1", "GET_SOURCE_PUBLIC_KEY = 1");
  return `CHANGE REPLICATION SOURCE TO\n  ${args.join(",\n  ")}`;
}

function parseStatus(row: StatusRow): ReplicationStatus {
  const status = emptyReplicationStatus();
  const lag = row.Seconds_Behind_Source;
  const executed = parseFlavoredGtidSet(MYSQL56_FLAVOR, gtidText(rowText(row, "Executed_Gtid_Set")));
  const retrieved = parseFlavoredGtidSet(MYSQL56_FLAVOR, gtidText(rowText(row, "Retrieved_Gtid_Set")));
  status.position = executed;
  status.relayLogPosition = positionUnion(executed, retrieved);
  status.filePosition = {
    file: rowText(row, "Relay_Source_Log_File"),
    pos: rowInt(row, "Exec_Source_Log_Pos"),
  };
  status.relayLogSourceBinlogEquivalentPosition = {
    file: rowText(row, "Source_Log_File"),
    pos: rowInt(row, "Read_Source_Log_Pos"),
  };
  status.sourceHost = rowText(row, "Source_Host");
  status.sourcePort = rowInt(row, "Source_Port");
  status.sourceUser = rowText(row, "Source_User");
  status.sourceServerId = rowInt(row, "Source_Server_Id");
  status.sourceUuid = rowText(row, "Source_UUID");
  status.connectRetry = rowInt(row, "Connect_Retry");
  status.ioState = parseReplicationState(rowText(row, "Replica_IO_Running"));
  status.sqlState = parseReplicationState(rowText(row, "Replica_SQL_Running"));
  status.lastIoError = rowText(row, "Last_IO_Error");
  status.lastSqlError = rowText(row, "Last_SQL_Error");
  status.replicationLagUnknown = lag === null || lag === undefined || lag === "";
  status.replicationLagSeconds = status.replicationLagUnknown ? 0 : rowInt(row, "Seconds_Behind_Source");
  status.sqlDelay = rowInt(row, "SQL_Delay");
  status.usingGtid = rowText(row, "Auto_Position") === "1";
  status.hasReplicationFilters = [
    "Replicate_Do_DB",
    "Replicate_Ignore_DB",
    "Replicate_Do_Table",
    "Replicate_Ignore_Table",
    "Replicate_Wild_Do_Table",
    "Replicate_Wild_Ignore_Table",
  ].some((column) => rowText(row, column) !== "");
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
