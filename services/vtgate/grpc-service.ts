import type { CallContext, ServiceHandlers } from "../../libs/grpc/index.js";
import type { QueryResult } from "../../libs/proto/query.js";
import { type Session, Session as SessionCodec } from "../../libs/proto/vtgate.js";
import type { VitessService } from "../../libs/proto/vtgateservice.js";
import type { CallerID } from "../../libs/proto/vtrpc.js";
import { Code, toRpcError, VtError } from "../../libs/vterrors/index.js";
import type { ExecContext } from "./executor/context.js";
import type { Executor } from "./executor/executor.js";
import { SafeSession } from "./session/safe-session.js";

function sessionOf(session: Session | undefined): SafeSession {
  // A client without a session starts one with autocommit on, as Vitess's grpcvtgateservice does.
  return new SafeSession(session ?? SessionCodec.fromPartial({ autocommit: true }));
}

function contextOf(callerId: CallerID | undefined, call: CallContext): ExecContext {
  return { user: callerId?.principal ? { user: callerId.principal } : undefined, signal: call.signal };
}

/**
 * The vtgate gRPC API (Vitess's vtgateservice.Vitess) for programmatic clients: the session travels with
 * every call (target_string, autocommit, in_transaction and the shard sessions with their transaction
 * ids), so vtgate keeps no per-client state. Execute returns a statement's error inside the response
 * with the updated session, as Vitess does; StreamExecute fails the stream and ends with the session.
 */
export function vitessServiceHandlers(
  executor: Executor,
  vstream?: ServiceHandlers<typeof VitessService>["vStream"],
): ServiceHandlers<typeof VitessService> {
  return {
    execute: async (request, call) => {
      const session = sessionOf(request.session);
      const query = request.query ?? { sql: "", bindVariables: {} };
      try {
        const result = await executor.execute(
          session,
          query.sql,
          query.bindVariables,
          contextOf(request.callerId, call),
        );
        return { error: undefined, session: session.proto, result };
      } catch (err) {
        return { error: toRpcError(err), session: session.proto, result: undefined };
      }
    },

    executeBatch: async (request, call) => {
      const session = sessionOf(request.session);
      const context = contextOf(request.callerId, call);
      const results = [];
      for (const query of request.queries) {
        try {
          const result = await executor.execute(session, query.sql, query.bindVariables, context);
          results.push({ error: undefined, result });
        } catch (err) {
          results.push({ error: toRpcError(err), result: undefined });
        }
      }
      return { error: undefined, session: session.proto, results };
    },

    streamExecute: (request, call) => streamExecute(executor, request, call),

    vStream:
      vstream ??
      // biome-ignore lint/correctness/useYield: fails before its first message.
      async function* () {
        throw new VtError(Code.UNIMPLEMENTED, "VStream through vtgate is not supported yet");
      },
  };
}

type StreamRequest = Parameters<ServiceHandlers<typeof VitessService>["streamExecute"]>[0];

/** Results queued between the executor (producer) and the gRPC stream (consumer) before the producer waits. */
const STREAM_QUEUE = 4;

async function* streamExecute(executor: Executor, request: StreamRequest, call: CallContext) {
  const session = sessionOf(request.session);
  const query = request.query ?? { sql: "", bindVariables: {} };
  const queue: QueryResult[] = [];
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  let done = false;
  let failure: unknown;
  const onResult = async (result: QueryResult) => {
    queue.push(result);
    wakeConsumer?.();
    if (queue.length >= STREAM_QUEUE && !call.signal.aborted) {
      await new Promise<void>((resolve) => {
        wakeProducer = resolve;
      });
    }
  };
  const running = executor
    .streamExecute(session, query.sql, query.bindVariables, contextOf(request.callerId, call), onResult)
    .catch((err: unknown) => {
      failure = err;
    })
    .finally(() => {
      done = true;
      wakeConsumer?.();
    });
  try {
    for (;;) {
      const next = queue.shift();
      if (next) {
        if (queue.length < STREAM_QUEUE) {
          wakeProducer?.();
          wakeProducer = undefined;
        }
        yield { result: next, session: undefined };
        continue;
      }
      if (done) break;
      await new Promise<void>((resolve) => {
        wakeConsumer = resolve;
      });
      wakeConsumer = undefined;
    }
  } finally {
    // The client went away or the stream ended: never leave the producer waiting.
    wakeProducer?.();
  }
  await running;
  if (failure !== undefined) throw failure;
  yield { result: undefined, session: session.proto };
}
