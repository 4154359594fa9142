/**
 * The seam between the MySQL protocol server and whoever answers the queries (vtgate): the server does
 * the wire protocol (framing, auth, text and binary encodings, statement ids, multi-statement splitting),
 * the handler executes SQL and hands back query.QueryResult values through a ResultWriter.
 *
 * Error contract for every handler method: a thrown VtError reaches the client as an ERR packet with
 * mysqlErrorFor(err)'s errno and SQLSTATE and the error's message (an error from the mysql2 driver keeps
 * its errno/SQLSTATE; anything else is 1105 HY000). The connection stays usable afterwards.
 */
import type { BindVariable, Field, QueryResult, Row } from "../../proto/query.js";
import type { AuthenticatedUser } from "./auth-server.js";

/** One client connection as the handler sees it. */
export interface ClientConnection {
  /** Connection id (also sent in the handshake, shown by SHOW PROCESSLIST-like tools). */
  readonly id: number;
  /** Who authenticated; `user.keyspaces` says which keyspaces the user may use (undefined: all). */
  readonly user: AuthenticatedUser;
  readonly remoteAddress: string;
  /** Client capability flags (see Capability). */
  readonly capabilities: number;
  /** CLIENT_FOUND_ROWS: report matched instead of changed rows for UPDATE. */
  readonly clientFoundRows: boolean;
  /** Collation id the client asked for in the handshake. */
  readonly charset: number;
  /** Connection attributes the client sent (_client_name, program_name...). */
  readonly attributes: ReadonlyMap<string, string>;
  /** Current database: from the handshake, COM_INIT_DB, or set by the handler (e.g. on USE). */
  schema: string;
  /** Reported in OK/EOF status flags (SERVER_STATUS_IN_TRANS). */
  inTransaction: boolean;
  /** Reported in OK/EOF status flags (SERVER_STATUS_AUTOCOMMIT); true at connect. */
  autocommit: boolean;
  /** Warning count reported in the OK/EOF that ends each statement's result. */
  warnings: number;
  /** Free slot for the handler's per-connection state (e.g. vtgate's session). */
  clientData: unknown;
  /** Closes the connection (e.g. KILL); connectionClosed follows. */
  close(): void;
}

/**
 * Where a handler sends the results of one statement, complete or streamed. Each result (write, or
 * beginResultSet...endResultSet) is one MySQL result; several results for one statement (a CALL) are
 * sent with SERVER_MORE_RESULTS_EXISTS between them. The server picks the text or binary row encoding.
 * A statement that sends nothing is answered with an empty OK.
 */
export interface ResultWriter {
  /** One complete result: an OK packet when it has no fields, else a result set with its rows. */
  write(result: QueryResult): Promise<void>;
  /** Starts a streamed result set. */
  beginResultSet(fields: readonly Field[]): void;
  /** More rows of the streamed result set; resolves when the client has taken enough (backpressure). */
  writeRows(rows: readonly Row[]): Promise<void>;
  /** Ends the streamed result set. */
  endResultSet(): void;
}

export interface PrepareResult {
  /** Number of `?` parameters; when omitted the server counts them outside quotes and comments. */
  paramCount?: number;
  /** Result columns, when known before execution (sent in the prepare response). */
  fields?: readonly Field[];
  /** Anything the handler wants back at execute time (e.g. a parsed plan). */
  handlerData?: unknown;
}

/** A statement prepared on one connection. */
export interface PreparedStatement {
  readonly id: number;
  readonly sql: string;
  readonly paramCount: number;
  readonly fields: readonly Field[] | undefined;
  readonly handlerData: unknown;
}

export interface ConnectionHandler {
  /**
   * Called after authentication, before the client is told it is in. Throwing refuses the connection:
   * the client gets the error (e.g. ER_DB_ACCESS_DENIED for a schema the user may not use).
   */
  newConnection(conn: ClientConnection): void | Promise<void>;
  /** Called once when a connection that was accepted by newConnection goes away, whatever the reason. */
  connectionClosed(conn: ClientConnection): void;
  /**
   * One statement of a COM_QUERY (the server splits multi-statement text on `;` outside quotes and
   * comments when the client enabled CLIENT_MULTI_STATEMENTS, and stops at the first error).
   */
  comQuery(conn: ClientConnection, sql: string, out: ResultWriter): Promise<void>;
  /** COM_INIT_DB (`mysql -D`, `USE` in the CLI): validate; the server then sets conn.schema. */
  comInitDb(conn: ClientConnection, schema: string): Promise<void>;
  /** COM_STMT_PREPARE: how many parameters and, when known, which columns. */
  comPrepare(conn: ClientConnection, sql: string): Promise<PrepareResult>;
  /**
   * COM_STMT_EXECUTE with the decoded parameters in order (NULL is a NULL_TYPE value; see
   * bindVariablesFromParams for Vitess's v1..vN names).
   */
  comStmtExecute(
    conn: ClientConnection,
    stmt: PreparedStatement,
    params: readonly BindVariable[],
    out: ResultWriter,
  ): Promise<void>;
}

/** Optional: answers COM_FIELD_LIST (old clients' column completion). Without it the answer is empty. */
export interface FieldListHandler {
  comFieldList(conn: ClientConnection, table: string, wildcard: string): Promise<readonly Field[]>;
}

/** Optional: COM_RESET_CONNECTION resets the handler's session too (prepared statements always go). */
export interface ResetConnectionHandler {
  comResetConnection(conn: ClientConnection): Promise<void>;
}

/** Optional: told when a prepared statement is closed (COM_STMT_CLOSE, reset, or disconnect). */
export interface StatementCloseHandler {
  comStmtClose(conn: ClientConnection, stmt: PreparedStatement): void;
}

export function hasFieldList(h: ConnectionHandler): h is ConnectionHandler & FieldListHandler {
  return typeof (h as Partial<FieldListHandler>).comFieldList === "function";
}

export function hasResetConnection(h: ConnectionHandler): h is ConnectionHandler & ResetConnectionHandler {
  return typeof (h as Partial<ResetConnectionHandler>).comResetConnection === "function";
}

export function hasStatementClose(h: ConnectionHandler): h is ConnectionHandler & StatementCloseHandler {
  return typeof (h as Partial<StatementCloseHandler>).comStmtClose === "function";
}

/** Vitess's names for prepared statement parameters: v1, v2, ... */
export function bindVariablesFromParams(params: readonly BindVariable[]): Record<string, BindVariable> {
  const out: Record<string, BindVariable> = {};
  for (let i = 0; i < params.length; i++) out[`v${i + 1}`] = params[i];
  return out;
}
