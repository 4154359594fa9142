export {
  findInstallDbBinary,
  findMysqlBinaries,
  findMysqldBinary,
  MARIADB_SERVER_PACKAGE,
  MYSQL_ROOT_ENV,
  type MysqlBinaries,
  type MysqlBinaryOptions,
} from "./binaries.js";
export { DataDirNotEmptyError, MysqldAlreadyRunningError, MysqldStartError } from "./errors.js";
export { initDbStatements, userStatements, VT_USERS, type VtUser } from "./init-db.js";
export {
  type Mycnf,
  mycnfDirectories,
  type NewMycnfOptions,
  newMycnf,
  padUid,
  parseMycnf,
  type RenderOptions,
  renderMycnf,
  tabletDir,
} from "./mycnf.js";
export {
  DEFAULT_WAIT_TIME_MS,
  Mysqld,
  type MysqldOptions,
  resolveMycnf,
  type TeardownOptions,
  type WaitOptions,
} from "./mysqld.js";
export { isMysqldProcess, readPidFile, waitForExit } from "./process.js";
