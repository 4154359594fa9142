import type {
  PrimaryStatus as PrimaryStatusProto,
  Status as StatusProto,
} from "../../proto/replicationdata.js";
import { encodePosition, type Position, ZERO_POSITION } from "../replication/index.js";

/** The state of one replication thread, numbered as replicationdata.Status io_state/sql_state. */
export enum ReplicationState {
  Unknown = 0,
  Stopped = 1,
  Connecting = 2,
  Running = 3,
}

/** A binlog coordinate, printed as Vitess prints file positions: `FilePos/<file>:<pos>`. */
export interface FilePosition {
  file: string;
  pos: number;
}

/** What `SHOW SLAVE STATUS` / `SHOW REPLICA STATUS` says, flavor differences already resolved. */
export interface ReplicationStatus {
  /** Everything applied from the source (MariaDB: gtid_slave_pos; MySQL: Executed_Gtid_Set). */
  position: Position;
  /** Everything received into the relay log (MySQL: Retrieved+Executed; MariaDB: zero, not tracked). */
  relayLogPosition: Position;
  /** The source binlog coordinate the SQL thread has executed up to. */
  filePosition: FilePosition | undefined;
  /** The source binlog coordinate the IO thread has read up to. */
  relayLogSourceBinlogEquivalentPosition: FilePosition | undefined;
  sourceHost: string;
  sourcePort: number;
  sourceUser: string;
  sourceServerId: number;
  sourceUuid: string;
  connectRetry: number;
  ioState: ReplicationState;
  sqlState: ReplicationState;
  lastIoError: string;
  lastSqlError: string;
  /** Seconds_Behind_Master; meaningless when `replicationLagUnknown`. */
  replicationLagSeconds: number;
  /** Seconds_Behind_Master was NULL (SQL thread stopped or IO thread not connected). */
  replicationLagUnknown: boolean;
  sqlDelay: number;
  usingGtid: boolean;
  hasReplicationFilters: boolean;
}

/** What the binlog of a primary holds: its GTID position and binlog coordinate. */
export interface PrimaryStatus {
  position: Position;
  filePosition: FilePosition | undefined;
  serverUuid: string;
}

export function isIoRunning(status: ReplicationStatus): boolean {
  return status.ioState === ReplicationState.Running;
}

export function isSqlRunning(status: ReplicationStatus): boolean {
  return status.sqlState === ReplicationState.Running;
}

/** Both threads running (IO possibly still connecting): replication is configured and not stopped. */
export function isReplicationRunning(status: ReplicationStatus): boolean {
  return status.sqlState === ReplicationState.Running && status.ioState !== ReplicationState.Stopped;
}

/** "Yes" / "No" / "Connecting" from Slave_IO_Running or Slave_SQL_Running. */
export function parseReplicationState(text: string): ReplicationState {
  switch (text.trim().toLowerCase()) {
    case "yes":
      return ReplicationState.Running;
    case "connecting":
      return ReplicationState.Connecting;
    case "no":
      return ReplicationState.Stopped;
    default:
      return ReplicationState.Unknown;
  }
}

export function formatFilePosition(position: FilePosition | undefined): string {
  return position === undefined || position.file === "" ? "" : `FilePos/${position.file}:${position.pos}`;
}

export function emptyReplicationStatus(): ReplicationStatus {
  return {
    position: ZERO_POSITION,
    relayLogPosition: ZERO_POSITION,
    filePosition: undefined,
    relayLogSourceBinlogEquivalentPosition: undefined,
    sourceHost: "",
    sourcePort: 0,
    sourceUser: "",
    sourceServerId: 0,
    sourceUuid: "",
    connectRetry: 0,
    ioState: ReplicationState.Unknown,
    sqlState: ReplicationState.Unknown,
    lastIoError: "",
    lastSqlError: "",
    replicationLagSeconds: 0,
    replicationLagUnknown: true,
    sqlDelay: 0,
    usingGtid: false,
    hasReplicationFilters: false,
  };
}

/** How a flavor's status rows name the two ends: MariaDB's Master/Slave, MySQL 8's Source/Replica. */
export interface StatusWords {
  readonly source: "Master" | "Source";
  readonly replica: "Slave" | "Replica";
}

const FILTER_COLUMNS = [
  "Replicate_Do_DB",
  "Replicate_Ignore_DB",
  "Replicate_Do_Table",
  "Replicate_Ignore_Table",
  "Replicate_Wild_Do_Table",
  "Replicate_Wild_Ignore_Table",
];

/**
 * What both flavors' status rows say alike: binlog coordinates, the source, the threads, errors, lag,
 * delay and filters. The flavor adds the GTID positions, the source UUID and whether GTIDs are used.
 */
export function parseCommonReplicationStatus(
  row: StatusRow,
  { source, replica }: StatusWords,
): ReplicationStatus {
  const status = emptyReplicationStatus();
  const lag = row[`Seconds_Behind_${source}`];
  status.filePosition = {
    file: rowText(row, `Relay_${source}_Log_File`),
    pos: rowInt(row, `Exec_${source}_Log_Pos`),
  };
  status.relayLogSourceBinlogEquivalentPosition = {
    file: rowText(row, `${source}_Log_File`),
    pos: rowInt(row, `Read_${source}_Log_Pos`),
  };
  status.sourceHost = rowText(row, `${source}_Host`);
  status.sourcePort = rowInt(row, `${source}_Port`);
  status.sourceUser = rowText(row, `${source}_User`);
  status.sourceServerId = rowInt(row, `${source}_Server_Id`);
  status.connectRetry = rowInt(row, "Connect_Retry");
  status.ioState = parseReplicationState(rowText(row, `${replica}_IO_Running`));
  status.sqlState = parseReplicationState(rowText(row, `${replica}_SQL_Running`));
  status.lastIoError = rowText(row, "Last_IO_Error");
  status.lastSqlError = rowText(row, "Last_SQL_Error");
  status.replicationLagUnknown = lag === null || lag === undefined || lag === "";
  status.replicationLagSeconds = status.replicationLagUnknown ? 0 : rowInt(row, `Seconds_Behind_${source}`);
  status.sqlDelay = rowInt(row, "SQL_Delay");
  status.hasReplicationFilters = FILTER_COLUMNS.some((column) => rowText(row, column) !== "");
  return status;
}

export function replicationStatusToProto(status: ReplicationStatus): StatusProto {
  return {
    position: encodePosition(status.position),
    replicationLagSeconds: status.replicationLagSeconds,
    sourceHost: status.sourceHost,
    sourcePort: status.sourcePort,
    connectRetry: status.connectRetry,
    relayLogPosition: encodePosition(status.relayLogPosition),
    filePosition: formatFilePosition(status.filePosition),
    relayLogSourceBinlogEquivalentPosition: formatFilePosition(status.relayLogSourceBinlogEquivalentPosition),
    sourceServerId: status.sourceServerId,
    sourceUuid: status.sourceUuid,
    ioState: status.ioState,
    lastIoError: status.lastIoError,
    sqlState: status.sqlState,
    lastSqlError: status.lastSqlError,
    relayLogFilePosition: "",
    sourceUser: status.sourceUser,
    sqlDelay: status.sqlDelay,
    autoPosition: status.usingGtid,
    usingGtid: status.usingGtid,
    hasReplicationFilters: status.hasReplicationFilters,
    sslAllowed: false,
    replicationLagUnknown: status.replicationLagUnknown,
    backupRunning: false,
  };
}

export function primaryStatusToProto(status: PrimaryStatus): PrimaryStatusProto {
  return {
    position: encodePosition(status.position),
    filePosition: formatFilePosition(status.filePosition),
    serverUuid: status.serverUuid,
  };
}

/** A row of SHOW ... STATUS as column name → text ("" for NULL). */
export type StatusRow = Readonly<Record<string, string | null>>;

export function rowText(row: StatusRow, column: string): string {
  return row[column] ?? "";
}

export function rowInt(row: StatusRow, column: string): number {
  const text = row[column];
  if (text === null || text === undefined || text === "") return 0;
  const value = Number.parseInt(text, 10);
  return Number.isFinite(value) ? value : 0;
}
