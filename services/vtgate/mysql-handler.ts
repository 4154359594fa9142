import type { Logger } from "pino";
import {
  bindVariablesFromParams,
  type ClientConnection,
  type ConnectionHandler,
  countPlaceholders,
  type PreparedStatement,
  type PrepareResult,
  type ResetConnectionHandler,
  type ResultWriter,
} from "../../libs/mysql/server/index.js";
import {
  type BindVariable,
  ExecuteOptions_Workload,
  type QueryResult,
  Type,
} from "../../libs/proto/query.js";
import { format, impossibleQuery, parse } from "../../libs/sqlparser/index.js";
import { errorMessage } from "../../libs/vterrors/index.js";
import type { BindVars } from "./engine/primitive.js";
import type { ExecContext } from "./executor/context.js";
import type { Executor } from "./executor/executor.js";
import { SafeSession } from "./session/safe-session.js";

/** Per-connection state kept in ClientConnection.clientData. */
interface ConnectionState {
  session: SafeSession;
  context: ExecContext;
}

export interface MysqlHandlerOptions {
  /** Per-statement timeout (--mysql-server-query-timeout); 0: none. */
  queryTimeoutMs: number;
  logger?: Logger;
  /** Told when connections open and close (metrics). */
  onConnectionCount?: (delta: 1 | -1) => void;
}

const NULL_PARAM: BindVariable = { type: Type.NULL_TYPE, value: Buffer.alloc(0), values: [] };

function stateOf(conn: ClientConnection): ConnectionState {
  return conn.clientData as ConnectionState;
}

/**
 * vtgate's answer to MySQL clients (Vitess's vtgate/plugin_mysql_server.go): each connection has a
 * session; each statement goes through the executor; the connection's status flags (in transaction,
 * autocommit) and current database follow the session. OLAP sessions (`set workload = 'olap'`) stream.
 */
export class VtgateMysqlHandler implements ConnectionHandler, ResetConnectionHandler {
  constructor(
    private readonly executor: Executor,
    private readonly options: MysqlHandlerOptions,
  ) {}

  newConnection(conn: ClientConnection): void {
    const context: ExecContext = {
      user: { user: conn.user.user, keyspaces: conn.user.keyspaces },
    };
    if (conn.schema !== "") this.executor.checkTarget(conn.schema, context);
    const session = SafeSession.forMysqlConnection(conn.schema);
    session.options.clientFoundRows = conn.clientFoundRows;
    conn.clientData = { session, context } satisfies ConnectionState;
    this.options.onConnectionCount?.(1);
  }

  connectionClosed(conn: ClientConnection): void {
    const state = conn.clientData as ConnectionState | undefined;
    if (!state) return;
    this.options.onConnectionCount?.(-1);
    void this.executor.closeSession(state.session, state.context).catch((err: unknown) => {
      this.options.logger?.warn(
        { connection: conn.id, err: errorMessage(err) },
        "rollback on disconnect failed",
      );
    });
  }

  comQuery(conn: ClientConnection, sql: string, out: ResultWriter): Promise<void> {
    return this.run(conn, sql, {}, out);
  }

  async comInitDb(conn: ClientConnection, schema: string): Promise<void> {
    const { session, context } = stateOf(conn);
    this.executor.checkTarget(schema, context);
    session.targetString = schema;
  }

  async comPrepare(conn: ClientConnection, sql: string): Promise<PrepareResult> {
    // Planning now reports what MySQL reports at prepare time (syntax, unknown keyspace...) and warms the cache.
    const state = stateOf(conn);
    const plan = this.executor.plan(state.session, sql);
    if (plan.statementType !== "SELECT") return {};
    // MySQL sends a SELECT's columns in the prepare response and clients rely on it: libmariadb (sysbench)
    // does not read the result set of a statement prepared without columns, and its connection goes out of
    // sync at the next statement. As Vitess does, the columns come from the impossible form of the query
    // (`where 1 != 1`), which reads no row. A statement without one (a union), or whose impossible form
    // cannot run (a select vtgate answers itself), gets its columns with the first execution instead: the
    // statement was planned above, so its real errors have been reported already.
    const statement = parse(sql);
    if (statement.kind !== "Select") return {};
    const nulls = Array.from({ length: countPlaceholders(sql) }, () => NULL_PARAM);
    try {
      const result = await this.executor.execute(
        state.session,
        format(impossibleQuery(statement)),
        bindVariablesFromParams(nulls),
        state.context,
      );
      return { fields: result.fields };
    } catch (err) {
      this.options.logger?.debug({ err: errorMessage(err), sql }, "no columns at prepare time");
      return {};
    }
  }

  comStmtExecute(
    conn: ClientConnection,
    stmt: PreparedStatement,
    params: readonly BindVariable[],
    out: ResultWriter,
  ): Promise<void> {
    return this.run(conn, stmt.sql, bindVariablesFromParams(params), out);
  }

  async comResetConnection(conn: ClientConnection): Promise<void> {
    const state = stateOf(conn);
    await this.executor.closeSession(state.session, state.context);
    const session = SafeSession.forMysqlConnection(state.session.targetString);
    session.options.clientFoundRows = conn.clientFoundRows;
    state.session = session;
    this.sync(conn, session);
  }

  private async run(
    conn: ClientConnection,
    sql: string,
    bindVars: BindVars,
    out: ResultWriter,
  ): Promise<void> {
    const state = stateOf(conn);
    const { session } = state;
    const context =
      this.options.queryTimeoutMs > 0
        ? { ...state.context, signal: AbortSignal.timeout(this.options.queryTimeoutMs) }
        : state.context;
    try {
      if (session.options.workload === ExecuteOptions_Workload.OLAP) {
        await this.stream(session, sql, bindVars, context, out);
      } else {
        const result = await this.executor.execute(session, sql, bindVars, context);
        await out.write(result);
      }
    } finally {
      this.sync(conn, session);
    }
  }

  private async stream(
    session: SafeSession,
    sql: string,
    bindVars: BindVars,
    context: ExecContext,
    out: ResultWriter,
  ): Promise<void> {
    let open = false;
    await this.executor.streamExecute(session, sql, bindVars, context, async (result: QueryResult) => {
      if (!open) {
        if (result.fields.length === 0) {
          await out.write(result);
          return;
        }
        out.beginResultSet(result.fields);
        open = true;
      }
      if (result.rows.length > 0) await out.writeRows(result.rows);
    });
    if (open) out.endResultSet();
  }

  private sync(conn: ClientConnection, session: SafeSession): void {
    conn.inTransaction = session.inTransaction;
    conn.autocommit = session.autocommit;
    conn.schema = session.targetString;
  }
}
