import type { MysqlAddress } from "../../../libs/mysql/connect.js";
import { DbConnection } from "../../../libs/mysql/db-connection.js";
import { rowsAsStrings } from "../../../libs/mysql/query-result.js";
import {
  MARIADB_FLAVOR,
  MYSQL56_FLAVOR,
  type Position,
  parseFlavoredGtidSet,
} from "../../../libs/mysql/replication/index.js";
import { quoteIdentifier, quoteString } from "../../../libs/mysql/sql-literal.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";

export interface SnapshotParams {
  address: MysqlAddress;
  user: string;
  password: string;
  database: string;
}

/** A connection inside a consistent-snapshot transaction, and the binlog position the snapshot is at. */
export interface Snapshot {
  readonly conn: DbConnection;
  readonly position: Position;
}

/**
 * Session settings of a row-streaming connection: values come back exactly as the binlog decoder writes
 * them (raw column bytes without charset conversion, TIMESTAMPs in UTC), while literals in the statement
 * stay utf8mb4 so primary-key comparisons use the columns' collations.
 */
const SESSION_SETUP = [
  "SET SESSION character_set_results = binary",
  "SET SESSION time_zone = '+00:00'",
  "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
];

async function scalar(conn: DbConnection, sql: string): Promise<string | null> {
  const [row] = rowsAsStrings(await conn.execute(sql));
  return row?.[0] ?? null;
}

/**
 * MariaDB: the snapshot itself says where in the binlog it is (Binlog_snapshot_file/position, consistent
 * with START TRANSACTION WITH CONSISTENT SNAPSHOT), and BINLOG_GTID_POS turns that into GTIDs. No lock.
 */
async function mariadbSnapshot(conn: DbConnection): Promise<Position> {
  await conn.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
  const status = new Map(
    rowsAsStrings(await conn.execute("SHOW SESSION STATUS LIKE 'binlog_snapshot_%'")).map((row) => [
      String(row[0]).toLowerCase(),
      row[1] ?? "",
    ]),
  );
  const file = status.get("binlog_snapshot_file") ?? "";
  const offset = status.get("binlog_snapshot_position") ?? "";
  if (file === "" || !/^\d+$/.test(offset)) {
    throw new VtError(
      Code.FAILED_PRECONDITION,
      "mysqld reports no binlog snapshot position: is the binlog enabled?",
    );
  }
  const gtids = await scalar(conn, `SELECT BINLOG_GTID_POS(${quoteString(file)}, ${offset})`);
  if (gtids === null) {
    throw new VtError(Code.FAILED_PRECONDITION, `BINLOG_GTID_POS has no GTID position for ${file}:${offset}`);
  }
  return parseFlavoredGtidSet(MARIADB_FLAVOR, gtids);
}

/**
 * MySQL (Vitess's snapshotConn): with the table locked for reads on a second connection, nothing can change
 * it, so gtid_executed read then is the snapshot's position for that table; the snapshot transaction starts
 * before the lock is released.
 */
async function mysqlSnapshot(conn: DbConnection, params: SnapshotParams, table: string): Promise<Position> {
  const lockConn = await DbConnection.connect(params.address, {
    user: params.user,
    password: params.password,
    database: params.database,
  });
  try {
    await lockConn.execute(`LOCK TABLES ${quoteIdentifier(table)} READ`);
    const gtids = (await scalar(lockConn, "SELECT @@GLOBAL.gtid_executed")) ?? "";
    await conn.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
    return parseFlavoredGtidSet(MYSQL56_FLAVOR, gtids.replace(/\s/g, ""));
  } finally {
    await lockConn.execute("UNLOCK TABLES").catch(() => undefined);
    await lockConn.close();
  }
}

/** Opens a connection with a consistent snapshot of the database and the GTID position of that snapshot. */
export async function openSnapshot(params: SnapshotParams, table: string): Promise<Snapshot> {
  const conn = await DbConnection.connect(params.address, {
    user: params.user,
    password: params.password,
    database: params.database,
  });
  try {
    for (const sql of SESSION_SETUP) await conn.execute(sql);
    const version = (await scalar(conn, "SELECT @@version")) ?? "";
    const position = version.includes("MariaDB")
      ? await mariadbSnapshot(conn)
      : await mysqlSnapshot(conn, params, table);
    return { conn, position };
  } catch (err) {
    conn.destroy();
    throw err;
  }
}
