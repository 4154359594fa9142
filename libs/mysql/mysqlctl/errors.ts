import { Code, VtError } from "../../vterrors/index.js";

/** init found an existing data directory: it never overwrites one. */
export class DataDirNotEmptyError extends VtError {
  constructor(readonly dataDir: string) {
    super(
      Code.FAILED_PRECONDITION,
      `data directory ${dataDir} already exists and is not empty; run teardown first to start over`,
    );
  }
}

/** start or init found this tablet's mysqld already running. */
export class MysqldAlreadyRunningError extends VtError {
  constructor(
    readonly tabletDir: string,
    readonly pid: number,
  ) {
    super(Code.FAILED_PRECONDITION, `mysqld for ${tabletDir} is already running (pid ${pid})`);
  }
}

/** mysqld did not come up: it exited, or did not accept connections in time. Carries the error log's tail. */
export class MysqldStartError extends VtError {
  constructor(
    message: string,
    readonly errorLogPath: string,
    readonly errorLogTail: string,
    options: { cause?: unknown } = {},
  ) {
    super(Code.UNAVAILABLE, `${message}\n--- last lines of ${errorLogPath} ---\n${errorLogTail}`, options);
  }
}
