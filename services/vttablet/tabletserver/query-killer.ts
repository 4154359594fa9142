import type { DbConnection } from "../../../libs/mysql/db-connection.js";
import type { ResourcePool } from "../../../libs/mysql/pool.js";
import type { Logger } from "../../../libs/servenv/index.js";
import { errorMessage, isVtError } from "../../../libs/vterrors/index.js";

/** MySQL's ER_NO_SUCH_THREAD: the query or connection to kill is already gone. */
const ER_NO_SUCH_THREAD = 1094;

/**
 * Kills queries and connections by thread id from a small pool of dba connections, as Vitess's
 * tabletserver does on a query timeout, a cancelled call or a transaction killed while busy.
 * Never throws: a kill that fails is logged.
 */
export class QueryKiller {
  constructor(
    private readonly pool: ResourcePool<DbConnection>,
    private readonly logger: Logger,
  ) {}

  /** `KILL QUERY id`: the statement fails with ER_QUERY_INTERRUPTED, the connection stays usable. */
  killQuery(threadId: number): Promise<void> {
    return this.run(`kill query ${threadId}`, threadId);
  }

  /** `KILL id`: ends the connection (rolling back its transaction). */
  killConnection(threadId: number): Promise<void> {
    return this.run(`kill ${threadId}`, threadId);
  }

  private async run(sql: string, threadId: number): Promise<void> {
    let conn: DbConnection | undefined;
    try {
      conn = await this.pool.acquire();
      await conn.execute(sql);
    } catch (err) {
      if (!(isVtError(err) && err.mysql?.errno === ER_NO_SUCH_THREAD)) {
        this.logger.warn({ threadId, err: errorMessage(err) }, `${sql} failed`);
      }
    } finally {
      if (conn) {
        if (conn.isClosed) this.pool.discard(conn);
        else this.pool.release(conn);
      }
    }
  }
}
