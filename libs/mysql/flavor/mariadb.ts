import {
  MARIADB_FLAVOR,
  parseFlavoredGtidSet,
  positionGtidSetString,
  ZERO_POSITION,
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

function sourceCommand(params: ReplicationSourceParams): string {
  // current_pos (as Vitess): a demoted primary's own binlog counts, so it resumes after what it wrote itself.
  // Tablets write their local setup with sql_log_bin = 0, so nothing local is ever missing on the source.
  return changeSourceCommand("CHANGE MASTER TO", "MASTER", params, ["MASTER_USE_GTID = current_pos"]);
}

function parseStatus(row: StatusRow): ReplicationStatus {
  const status = parseCommonReplicationStatus(row, { source: "Master", replica: "Slave" });
  status.position = parseFlavoredGtidSet(MARIADB_FLAVOR, rowText(row, "Gtid_Slave_Pos"));
  status.relayLogPosition = ZERO_POSITION;
  status.usingGtid = !["", "no"].includes(rowText(row, "Using_Gtid").toLowerCase());
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
