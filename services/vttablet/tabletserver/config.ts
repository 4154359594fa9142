import type { MysqlAddress } from "../../../libs/mysql/connect.js";
import type { TabletAlias } from "../../../libs/proto/topodata.js";

export interface TabletServerConfig {
  alias: TabletAlias;
  /** The tablet's database, e.g. vt_commerce. */
  dbName: string;
  mysql: MysqlAddress;
  /** Queries run as the app user; the dba user only kills queries. */
  appUser: string;
  appPassword: string;
  dbaUser: string;
  dbaPassword: string;
  poolSize: number;
  streamPoolSize: number;
  txPoolSize: number;
  /** Per statement of Execute; 0 = none. A statement past it is killed with KILL QUERY. */
  queryTimeoutMs: number;
  /** Transaction killer: a transaction open longer than this is rolled back; 0 = never. */
  txTimeoutMs: number;
  /** A transaction with no call running for longer than this is rolled back; 0/undefined = never. */
  idleTxTimeoutMs?: number;
  /** An Execute result with more rows fails with "Row count exceeded N"; 0 = no limit. */
  maxResultRows: number;
  /** StreamExecute sends rows in chunks of about this many bytes (default 256 KiB). */
  streamChunkBytes?: number;
  /** How long a call waits for a pooled connection before RESOURCE_EXHAUSTED (default 10 s). */
  poolTimeoutMs?: number;
  /** Pooled connections idle longer than this are closed (default 30 min; 0 = never). */
  idleConnTimeoutMs?: number;
  /** StreamHealth resends the current health this often when nothing changes (default 20 s). */
  healthResendIntervalMs?: number;
}

export const DEFAULT_STREAM_CHUNK_BYTES = 256 * 1024;
export const DEFAULT_POOL_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_CONN_TIMEOUT_MS = 30 * 60_000;
export const DEFAULT_HEALTH_RESEND_INTERVAL_MS = 20_000;
/** Connections kept for KILL QUERY / KILL. */
export const DBA_POOL_SIZE = 2;
