import { quoteString } from "../../mysql/sql-literal.js";
import type { QueryResult } from "../../proto/query.js";
import type { Tablet } from "../../proto/topodata.js";
import { tabletDbName } from "../common.js";
import type { VtctlEnv } from "../env.js";

/** The tablet RPCs a workflow makes, each with the remote-operation deadline (or a longer one when given). */
export class TabletOps {
  constructor(private readonly env: VtctlEnv) {}

  private client(tablet: Tablet) {
    return this.env.tmc.forTablet(tablet);
  }

  private get timeout() {
    return { timeoutMs: this.env.remoteOperationTimeoutMs };
  }

  /** Runs DDL on a primary (binlogged, so its replicas follow), as CopySchemaShard does. */
  async applyDdl(tablet: Tablet, sql: string): Promise<void> {
    await this.client(tablet).applySchema(
      {
        sql,
        force: false,
        allowReplication: true,
        beforeSchema: undefined,
        afterSchema: undefined,
        sqlMode: "NO_AUTO_VALUE_ON_ZERO",
        batchSize: 0,
        disableForeignKeyChecks: true,
      },
      { timeoutMs: Math.max(this.env.remoteOperationTimeoutMs, 30_000) },
    );
  }

  async dropTables(tablet: Tablet, tables: readonly string[]): Promise<void> {
    if (tables.length === 0) return;
    const db = tabletDbName(tablet);
    const list = tables.map((t) => `\`${db}\`.\`${t}\``).join(", ");
    await this.applyDdl(tablet, `DROP TABLE IF EXISTS ${list}`);
  }

  async renameTables(tablet: Tablet, tables: readonly string[]): Promise<void> {
    if (tables.length === 0) return;
    const db = tabletDbName(tablet);
    const list = tables.map((t) => `\`${db}\`.\`${t}\` TO \`${db}\`.\`_${t}_old\``).join(", ");
    await this.applyDdl(tablet, `RENAME TABLE ${list}`);
  }

  /**
   * Waits for writes already in flight on `tables` (they passed the denied-tables check before it changed):
   * LOCK TABLES ... READ waits for them, and the fresh connection of the fetch releases the lock at its end.
   */
  async drainWrites(tablet: Tablet, tables: readonly string[]): Promise<void> {
    if (tables.length === 0) return;
    const list = tables.map((t) => `\`${t}\` READ`).join(", ");
    await this.client(tablet).executeFetchAsDba(
      {
        query: Buffer.from(`LOCK TABLES ${list}`),
        dbName: tabletDbName(tablet),
        maxRows: 0,
        disableBinlogs: false,
        reloadSchema: false,
        disableForeignKeyChecks: false,
      },
      this.timeout,
    );
  }

  async refreshState(tablet: Tablet): Promise<void> {
    await this.client(tablet).refreshState({}, this.timeout);
  }

  async primaryPosition(tablet: Tablet): Promise<string> {
    return (await this.client(tablet).primaryPosition({}, this.timeout)).position;
  }

  /** A statement on `_vt.vreplication` for this tablet's database (VReplicationExec). */
  async exec(tablet: Tablet, query: string): Promise<QueryResult | undefined> {
    return (await this.client(tablet).vReplicationExec({ query }, this.timeout)).result;
  }

  /** Sets state (and message) of every stream of `workflow` on `tablet`. */
  async setState(tablet: Tablet, workflow: string, state: string, message = ""): Promise<void> {
    await this.exec(
      tablet,
      `update _vt.vreplication set state = ${quoteString(state)}, message = ${quoteString(message)} ` +
        `where db_name = ${quoteString(tabletDbName(tablet))} and workflow = ${quoteString(workflow)}`,
    );
  }

  async waitForPos(tablet: Tablet, id: number, position: string, timeoutMs: number): Promise<void> {
    await this.client(tablet).vReplicationWaitForPos({ id, position }, { timeoutMs });
  }

  async deleteWorkflow(tablet: Tablet, workflow: string): Promise<void> {
    await this.client(tablet).deleteVReplicationWorkflow({ workflow }, this.timeout);
  }
}
