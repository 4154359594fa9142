import type { Connection } from "../../libs/mysql/connect.js";
import { Mysqld, newMycnf } from "../../libs/mysql/mysqlctl/index.js";
import { freePort } from "./ports.js";
import { adoptPid, releasePid } from "./processes.js";

export type { Connection } from "../../libs/mysql/connect.js";

export interface TestMysqld {
  uid: number;
  port: number;
  socket: string;
  tabletDir: string;
  /** The running mariadbd's pid (the latest one after a restart). */
  readonly pid: number;
  mysqld: Mysqld;
  /** A connection as `user` (default vt_dba) over the socket, or TCP with `tcp`. The caller ends it. */
  connect(user?: string, options?: { tcp?: boolean; database?: string }): Promise<Connection>;
  /** Starts mysqld again after `shutdown`. */
  start(): Promise<number>;
  /** Stops mysqld (no process left) and forgets its pid. */
  shutdown(): Promise<void>;
}

export interface StartMysqldOptions {
  uid?: number;
  /** Defaults to a free port. */
  port?: number;
  waitTimeMs?: number;
}

/**
 * Initializes and starts a MariaDB for tablet `uid` under `vtDataRoot` with the mysqlctl library, on a free
 * port. Every mariadbd it spawns is recorded, so the global teardown kills it if the test does not stop it.
 */
export async function startMysqld(vtDataRoot: string, options: StartMysqldOptions = {}): Promise<TestMysqld> {
  const uid = options.uid ?? 100;
  const port = options.port ?? (await freePort());
  const waitTimeMs = options.waitTimeMs ?? 60_000;
  const cnf = newMycnf({ vtDataRoot, uid, port });
  const mysqld = new Mysqld(cnf, { onSpawn: (pid) => adoptPid(pid, `mariadbd ${uid}`, "mariadbd") });
  let pid = await mysqld.init({ waitTimeMs });
  return {
    uid,
    port,
    socket: cnf.socketFile,
    tabletDir: cnf.tabletDir,
    get pid() {
      return pid;
    },
    mysqld,
    connect: (user = "vt_dba", connectOptions = {}) => mysqld.connect(user, connectOptions),
    start: async () => {
      pid = await mysqld.start({ waitTimeMs });
      return pid;
    },
    shutdown: async () => {
      await mysqld.shutdown({ waitTimeMs });
      releasePid(pid);
    },
  };
}
