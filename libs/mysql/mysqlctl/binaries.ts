import { findBinary } from "../../env/index.js";

/** Debian package holding mariadbd and mariadb-install-db. */
export const MARIADB_SERVER_PACKAGE = "mariadb-server-core";

/** Environment variable naming the MySQL/MariaDB installation root, as in Vitess. */
export const MYSQL_ROOT_ENV = "VT_MYSQL_ROOT";

export interface MysqlBinaries {
  mysqld: string;
  installDb: string;
}

export interface MysqlBinaryOptions {
  /** Installation root (--mysql-root); defaults to $VT_MYSQL_ROOT, then PATH and the system directories. */
  mysqlRoot?: string;
  env?: NodeJS.ProcessEnv;
}

function search(names: string[], options: MysqlBinaryOptions) {
  return findBinary({
    names,
    debianPackage: MARIADB_SERVER_PACKAGE,
    root: options.mysqlRoot,
    rootEnv: MYSQL_ROOT_ENV,
    extraDirs: ["/usr/local/mysql/bin"],
    env: options.env,
  });
}

export function findMysqldBinary(options: MysqlBinaryOptions = {}): string {
  return search(["mariadbd", "mysqld"], options);
}

export function findInstallDbBinary(options: MysqlBinaryOptions = {}): string {
  return search(["mariadb-install-db", "mysql_install_db"], options);
}

export function findMysqlBinaries(options: MysqlBinaryOptions = {}): MysqlBinaries {
  return { mysqld: findMysqldBinary(options), installDb: findInstallDbBinary(options) };
}
