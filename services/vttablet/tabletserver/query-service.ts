import type { CallContext, ServiceHandlers } from "../../../libs/grpc/index.js";
import type { BoundQuery, QueryResult } from "../../../libs/proto/query.js";
import type { QueryService } from "../../../libs/proto/queryservice.js";
import { Code, toRpcError, VtError } from "../../../libs/vterrors/index.js";
import type { TabletServer } from "./tablet-server.js";

type Handlers = Partial<ServiceHandlers<typeof QueryService>>;

function refuseReserved(reservedId: number): void {
  if (reservedId !== 0) {
    throw new VtError(
      Code.UNIMPLEMENTED,
      `reserved connections are not supported yet (reserved_id ${reservedId})`,
    );
  }
}

function preQuery(sql: string): BoundQuery {
  return { sql, bindVariables: {} };
}

/**
 * The gRPC `queryservice.Query` handlers over a TabletServer: Execute, ExecuteBatch, StreamExecute,
 * Begin, Commit, Rollback, BeginExecute, BeginStreamExecute and StreamHealth. Reserved connections and
 * VStream are not served here (UNIMPLEMENTED).
 */
export function queryServiceHandlers(server: TabletServer): Handlers {
  const tabletAlias = server.tabletAlias;
  return {
    execute: async (request, context) => {
      refuseReserved(request.reservedId);
      const result = await server.execute(
        request.target,
        request.query,
        request.transactionId,
        request.options,
        context,
      );
      return { result };
    },

    executeBatch: async (request, context) => {
      const { target, options } = request;
      if (!request.asTransaction || request.transactionId !== 0) {
        const results: QueryResult[] = [];
        for (const query of request.queries) {
          results.push(await server.execute(target, query, request.transactionId, options, context));
        }
        return { results };
      }
      const transactionId = await server.begin(target, options, context);
      try {
        const results: QueryResult[] = [];
        for (const query of request.queries) {
          results.push(await server.execute(target, query, transactionId, options, context));
        }
        await server.commit(target, transactionId);
        return { results };
      } catch (err) {
        await server.rollback(target, transactionId).catch(() => undefined);
        throw err;
      }
    },

    streamExecute: (request, context) => streamResults(server, request, context),

    begin: async (request, context) => {
      const transactionId = await server.begin(request.target, request.options, context);
      return { transactionId, tabletAlias, sessionStateChanges: "" };
    },

    commit: async (request) => {
      await server.commit(request.target, request.transactionId);
      return { reservedId: 0 };
    },

    rollback: async (request) => {
      await server.rollback(request.target, request.transactionId);
      return { reservedId: 0 };
    },

    beginExecute: async (request, context) => {
      refuseReserved(request.reservedId);
      const transactionId = await server.begin(request.target, request.options, context);
      const base = { transactionId, tabletAlias, sessionStateChanges: "" };
      try {
        for (const sql of request.preQueries) {
          await server.execute(request.target, preQuery(sql), transactionId, request.options, context);
        }
        const result = await server.execute(
          request.target,
          request.query,
          transactionId,
          request.options,
          context,
        );
        return { ...base, error: undefined, result };
      } catch (err) {
        // The transaction stays open: the caller ends it (Vitess's contract for BeginExecute).
        return { ...base, error: toRpcError(err), result: undefined };
      }
    },

    beginStreamExecute: (request, context) => beginStream(server, request, context),

    streamHealth: (_request, context) => server.streamHealth(context.signal),
  };
}

type StreamRequest = Parameters<NonNullable<Handlers["streamExecute"]>>[0];
type BeginStreamRequest = Parameters<NonNullable<Handlers["beginStreamExecute"]>>[0];

async function* streamResults(server: TabletServer, request: StreamRequest, context: CallContext) {
  refuseReserved(request.reservedId);
  const results = server.streamExecute(
    request.target,
    request.query,
    request.transactionId,
    request.options,
    context,
  );
  for await (const result of results) yield { result };
}

/** Begins, then streams; the last message carries the statement's error, if any, with the transaction id. */
async function* beginStream(server: TabletServer, request: BeginStreamRequest, context: CallContext) {
  refuseReserved(request.reservedId);
  const transactionId = await server.begin(request.target, request.options, context);
  const base = { transactionId, tabletAlias: server.tabletAlias, sessionStateChanges: "" };
  try {
    for (const sql of request.preQueries) {
      await server.execute(request.target, preQuery(sql), transactionId, request.options, context);
    }
    const results = server.streamExecute(
      request.target,
      request.query,
      transactionId,
      request.options,
      context,
    );
    for await (const result of results) yield { ...base, error: undefined, result };
  } catch (err) {
    yield { ...base, error: toRpcError(err), result: undefined };
  }
}
