import type { FlavoredPosition, Position } from "../replication/index.js";
import { quoteString } from "../sql-literal.js";
import type { PrimaryStatus, ReplicationStatus, StatusRow } from "./replication-status.js";

/** Where a replica connects to its source, and as whom. */
export interface ReplicationSourceParams {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Seconds between reconnection attempts (MASTER_CONNECT_RETRY). */
  connectRetrySeconds: number;
  /** Seconds between heartbeats from the source; 0 keeps the server's default. */
  heartbeatIntervalSeconds?: number;
}

/**
 * `<statement>` with the source's address, credentials, retry and heartbeat periods as `<prefix>_HOST = ...`
 * (MariaDB's CHANGE MASTER TO MASTER_*, MySQL's CHANGE REPLICATION SOURCE TO SOURCE_*), then the
 * flavor's own options (how to position by GTID).
 */
export function changeSourceCommand(
  statement: string,
  prefix: string,
  params: ReplicationSourceParams,
  flavorOptions: readonly string[],
): string {
  const args = [
    `${prefix}_HOST = ${quoteString(params.host)}`,
    `${prefix}_PORT = ${params.port}`,
    `${prefix}_USER = ${quoteString(params.user)}`,
    `${prefix}_PASSWORD = ${quoteString(params.password)}`,
    `${prefix}_CONNECT_RETRY = ${params.connectRetrySeconds}`,
  ];
  if (params.heartbeatIntervalSeconds)
    args.push(`${prefix}_HEARTBEAT_PERIOD = ${params.heartbeatIntervalSeconds}`);
  args.push(...flavorOptions);
  return `${statement}\n  ${args.join(",\n  ")}`;
}

/**
 * The SQL that differs between MariaDB and MySQL for replication and read-only control, as Vitess's
 * go/mysql/flavor*.go: statements to run and parsers for what the server answers. Pure: nothing here talks to
 * a server, so each flavor is unit-tested on text.
 */
export interface Flavor {
  readonly name: FlavoredPosition["flavor"];
  /** One row, one column: every transaction in this server's binlog, i.e. its position as a primary. */
  readonly primaryPositionQuery: string;
  /** One row, one column: every transaction applied here (replicated or local); what waits compare with. */
  readonly currentPositionQuery: string;
  /** A GTID set as the server prints it, as a position of this flavor. */
  parseGtidSet(text: string): Position;

  /** Rows describing replication; no row (for our default connection) means replication is not configured. */
  readonly replicationStatusQuery: string;
  /** Picks the row of the default replication connection, if any. */
  pickReplicationStatusRow(rows: readonly StatusRow[]): StatusRow | undefined;
  parseReplicationStatus(row: StatusRow): ReplicationStatus;

  /** The binlog coordinate row (File, Position); combined with `primaryPositionQuery` into PrimaryStatus. */
  readonly primaryStatusQuery: string;
  /** The server's UUID query, or undefined when the flavor has none (MariaDB). */
  readonly serverUuidQuery: string | undefined;
  parsePrimaryStatus(row: StatusRow | undefined, position: Position, serverUuid: string): PrimaryStatus;

  startReplicationCommand(): string;
  stopReplicationCommand(): string;
  stopIoThreadCommand(): string;
  /** Forget being a replica and empty the binlog: a server with no replication and an empty position. */
  resetReplicationCommands(): string[];
  /** Forget the source's address and credentials (replication must be stopped). */
  resetReplicationParametersCommands(): string[];
  /** Make this server's position exactly `position` (empties the binlog; replication must be stopped). */
  setReplicationPositionCommands(position: Position): string[];
  /** Point replication at a source, positioned by GTID. */
  setReplicationSourceCommand(params: ReplicationSourceParams): string;
  /** After replication stopped: forget the source for good (the server becomes a primary). */
  promoteReplicaCommands(): string[];

  /** One row, one column, 1 or 0: whether ordinary users are refused writes. */
  readonly readOnlyQuery: string;
  setReadOnlyCommands(readOnly: boolean): string[];
}
