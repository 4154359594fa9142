import {
  MARIADB_FLAVOR,
  parseFlavoredGtidSet,
  positionGtidSetString,
  ZERO_POSITION,
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

function sourceCommand(params: ReplicationSourceParams): string {
  const args = [
    `MASTER_HOST = ${quoteString(params.host)}`,
    `MASTER_PORT = ${params.port}`,
    `MASTER_USER = ${quoteString(params.user)}`,
    `MASTER_PASSWORD = ${quoteString(params.password)}`,
    `MASTER_CONNECT_RETRY = ${params.connectRetrySeconds}`,
  ];
  if (params.heartbeatIntervalSeconds)
    args.push(`MASTER_HEARTBEAT_PERIOD = ${params.heartbeatIntervalSeconds}`);
  // current_pos (as Vitess): a demoted primary's own binlog counts, so it resumes after what it wrote itself.
  // Tablets write their local setup with sql_log_bin = 0, so nothing local is ever missing on the source.
  args.push("MASTER_USE_GTID = current_pos");
  return `CHANGE MASTER TO\n  ${args.join(",\n  ")}`;
}

function parseStatus(row: StatusRow): ReplicationStatus {
  const status = emptyReplicationStatus();
  const lag = row.Seconds_Behind_Master;
  status.position = parseFlavoredGtidSet(MARIADB_FLAVOR, rowText(row, "Gtid_Slave_Pos"));
  status.relayLogPosition = ZERO_POSITION;
  status.filePosition = {
    file: rowText(row, "Relay_Master_Log_File"),
    pos: rowInt(row, "Exec_Master_Log_Pos"),
  };
  status.relayLogSourceBinlogEquivalentPosition = {
    file: rowText(row, "Master_Log_File"),
    pos: rowInt(row, "Read_Master_Log_Pos"),
  };
  status.sourceHost = rowText(row, "Master_Host");
  status.sourcePort = rowInt(row, "Master_Port");
  status.sourceUser = rowText(row, "Master_User");
  status.sourceServerId = rowInt(row, "Master_Server_Id");
  status.connectRetry = rowInt(row, "Connect_Retry");
  status.ioState = parseReplicationState(rowText(row, "Slave_IO_Running"));
  status.sqlState = parseReplicationState(rowText(row, "Slave_SQL_Running"));
  status.lastIoError = rowText(row, "Last_IO_Error");
  status.lastSqlError = rowText(row, "Last_SQL_Error");
  status.replicationLagUnknown = lag === null || lag === undefined || lag === "";
  status.replicationLagSeconds = status.replicationLagUnknown ? 0 : rowInt(row, "Seconds_Behind_Master");
  status.sqlDelay = rowInt(row, "SQL_Delay");
  status.usingGtid = !["", "no"].includes(rowText(row, "Using_Gtid").toLowerCase());
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

/** MariaDB 10.x: domain-server-sequence GTIDs, MASTER_USE_GTID, no server UUID, read_only (no super_read_only). */
export const mariadbFlavor: Flavor = {
  name: MARIADB_FLAVOR,
  primaryPositionQuery: "SELECT @@GLOBAL.gtid_binlog_pos",
  currentPositionQuery: "SELECT @@GLOBAL.gtid_current_pos",
  parseGtidSet: (text) => parseFlavoredGtidSet(MARIADB_FLAVOR, text),

  replicationStatusQuery: "SHOW ALL SLAVES STATUS",
  pickReplicationStatusRow: (rows) => rows.find((row) => rowText(row, "Connection_name") === ""),
  parseReplicationStatus: parseStatus,

  primaryStatusQuery: "SHOW MASTER STATUS",
  serverUuidQuery: undefined,
  parsePrimaryStatus: (row, position) => ({
    position,
    filePosition: row ? { file: rowText(row, "File"), pos: rowInt(row, "Position") } : undefined,
    serverUuid: "",
  }),

  startReplicationCommand: () => "START SLAVE",
  stopReplicationCommand: () => "STOP SLAVE",
  stopIoThreadCommand: () => "STOP SLAVE IO_THREAD",
  resetReplicationCommands: () => [
    "STOP SLAVE",
    "RESET SLAVE ALL",
    "RESET MASTER",
    "SET GLOBAL gtid_slave_pos = ''",
  ],
  resetReplicationParametersCommands: () => ["RESET SLAVE ALL"],
  setReplicationPositionCommands: (position) => {
    const gtids = quoteString(positionGtidSetString(position));
    return [
      // Empties the binlog, so gtid_current_pos becomes gtid_slave_pos and gtid_binlog_state may be set.
      "RESET MASTER",
      `SET GLOBAL gtid_slave_pos = ${gtids}`,
      // So that, once primary, this server knows it has everything up to the position (gtid_strict_mode).
      `SET GLOBAL gtid_binlog_state = ${gtids}`,
    ];
  },
  setReplicationSourceCommand: sourceCommand,
  promoteReplicaCommands: () => ["RESET SLAVE ALL"],

  readOnlyQuery: "SELECT @@GLOBAL.read_only",
  setReadOnlyCommands: (readOnly) => [`SET GLOBAL read_only = ${readOnly ? "ON" : "OFF"}`],
};
