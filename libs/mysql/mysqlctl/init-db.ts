/**
 * What `mysqlctl init` runs as root right after installing the data directory: Vitess's init_db.sql for
 * MariaDB. No passwords (local use, like Vitess's default file); every local user exists for the socket
 * (`localhost`) and for TCP from 127.0.0.1, since skip-name-resolve matches those hosts literally.
 */

export interface VtUser {
  user: string;
  hosts: readonly string[];
  /** Global privileges (ON *.*). */
  privileges: readonly string[];
  grantOption?: boolean;
}

const LOCAL_HOSTS = ["localhost", "127.0.0.1"] as const;

/** MySQL's REPLICATION CLIENT; MariaDB 10.5+ splits it, so SLAVE MONITOR is added for SHOW SLAVE STATUS. */
const REPLICATION_CLIENT = ["REPLICATION CLIENT", "SLAVE MONITOR"];

/** Vitess's set for vt_app: global read-write access, DDL, no SUPER. */
const APP_PRIVILEGES = [
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "CREATE",
  "DROP",
  "RELOAD",
  "PROCESS",
  "FILE",
  "REFERENCES",
  "INDEX",
  "ALTER",
  "SHOW DATABASES",
  "CREATE TEMPORARY TABLES",
  "LOCK TABLES",
  "EXECUTE",
  ...REPLICATION_CLIENT,
  "CREATE VIEW",
  "SHOW VIEW",
  "CREATE ROUTINE",
  "ALTER ROUTINE",
  "CREATE USER",
  "EVENT",
  "TRIGGER",
];

/** vt_app plus reading the binlog, for VReplication streams and admin work without SUPER. */
const APP_WITH_BINLOG_PRIVILEGES = [...APP_PRIVILEGES, "REPLICATION SLAVE"];

export const VT_USERS: readonly VtUser[] = [
  // Admin user: everything, used by the tablet manager for DDL, replication control and read-only changes.
  { user: "vt_dba", hosts: LOCAL_HOSTS, privileges: ["ALL PRIVILEGES"], grantOption: true },
  // Application traffic.
  { user: "vt_app", hosts: LOCAL_HOSTS, privileges: APP_PRIVILEGES },
  // Application debug traffic: read only.
  { user: "vt_appdebug", hosts: LOCAL_HOSTS, privileges: ["SELECT", "SHOW DATABASES", "PROCESS"] },
  // Administrative operations that must not need SUPER.
  { user: "vt_allprivs", hosts: LOCAL_HOSTS, privileges: APP_WITH_BINLOG_PRIVILEGES },
  // Replicas connecting to their primary, from anywhere.
  { user: "vt_repl", hosts: ["%"], privileges: ["REPLICATION SLAVE"] },
  // VReplication: vstreamers read the binlog and tables, vplayers and the copier write on the target.
  { user: "vt_filtered", hosts: LOCAL_HOSTS, privileges: APP_WITH_BINLOG_PRIVILEGES },
  // Monitoring.
  {
    user: "vt_monitoring",
    hosts: LOCAL_HOSTS,
    privileges: ["SELECT", "PROCESS", "SUPER", ...REPLICATION_CLIENT, "RELOAD"],
  },
];

function account(user: string, host: string): string {
  return `'${user}'@'${host}'`;
}

/** CREATE USER and GRANT statements for `users`. */
export function userStatements(users: readonly VtUser[] = VT_USERS): string[] {
  const statements: string[] = [];
  for (const { user, hosts, privileges, grantOption } of users) {
    for (const host of hosts) {
      statements.push(`CREATE USER ${account(user, host)}`);
      const withGrant = grantOption ? " WITH GRANT OPTION" : "";
      statements.push(`GRANT ${privileges.join(", ")} ON *.* TO ${account(user, host)}${withGrant}`);
    }
  }
  return statements;
}

/**
 * The statements of the init script, in order. Nothing is written to the binlog, and the binlog and GTID
 * state are reset at the end, so a fresh instance starts at an empty position with no errant transactions.
 * Removing anonymous and remote root accounts happens before, in code, as their hosts vary by machine.
 */
export function initDbStatements(users: readonly VtUser[] = VT_USERS): string[] {
  return [
    "SET sql_log_bin = 0",
    "DROP DATABASE IF EXISTS test",
    "CREATE DATABASE IF NOT EXISTS _vt",
    ...userStatements(users),
    "FLUSH PRIVILEGES",
    "RESET SLAVE ALL",
    "RESET MASTER",
  ];
}
