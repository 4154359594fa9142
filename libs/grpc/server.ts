import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { Logger } from "pino";
import { Code, VtError } from "../vterrors/index.js";
import type { CallContext, ServiceDefinition, ServiceHandlers } from "./service-types.js";
import { toGrpcStatus } from "./status.js";

type AnyCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;
type Handler = (request: unknown, context: CallContext) => Promise<unknown> | AsyncIterable<unknown>;

/** The handler of a method the service leaves out: each call fails with UNIMPLEMENTED, like any error. */
function unimplemented(path: string): Handler {
  return () => {
    throw new VtError(Code.UNIMPLEMENTED, `${path} is not implemented`);
  };
}

function contextOf(call: AnyCall): CallContext {
  const controller = new AbortController();
  call.on("cancelled", () => controller.abort(new VtError(Code.CANCELED, "the caller cancelled the call")));
  const deadline = call.getDeadline();
  const deadlineMs =
    deadline instanceof Date ? deadline.getTime() : Number.isFinite(deadline) ? deadline : undefined;
  return { signal: controller.signal, deadline: deadlineMs, peer: call.getPeer() };
}

/**
 * A gRPC server whose services are written as promise/async-iterable handlers. A handler that throws
 * becomes a status for that call only: the daemon never crashes on a request.
 */
export class GrpcServer {
  private readonly server = new Server({
    "grpc.max_receive_message_length": 64 * 1024 * 1024,
    // channelz call tracing costs on every call and nothing reads it.
    "grpc.enable_channelz": 0,
  });
  private boundPort: number | undefined;

  constructor(private readonly logger: Logger) {}

  addService<D extends ServiceDefinition>(definition: D, handlers: Partial<ServiceHandlers<D>>): void {
    const implementation: UntypedServiceImplementation = {};
    for (const [method, def] of Object.entries(definition)) {
      if (def.requestStream) continue;
      const handler = (handlers[method as keyof D] as Handler | undefined) ?? unimplemented(def.path);
      const log = this.logger.child({ rpc: def.path });
      if (def.responseStream) {
        implementation[method] = (call: ServerWritableStream<unknown, unknown>) =>
          void this.serveStream(call, handler, log);
      } else {
        implementation[method] = (
          call: ServerUnaryCall<unknown, unknown>,
          callback: sendUnaryData<unknown>,
        ) => void this.serveUnary(call, callback, handler, log);
      }
    }
    this.server.addService(definition, implementation);
  }

  private async serveUnary(
    call: ServerUnaryCall<unknown, unknown>,
    callback: sendUnaryData<unknown>,
    handler: Handler,
    log: Logger,
  ): Promise<void> {
    try {
      callback(null, await (handler(call.request, contextOf(call)) as Promise<unknown>));
    } catch (err) {
      logFailure(log, err);
      callback(toGrpcStatus(err));
    }
  }

  private async serveStream(
    call: ServerWritableStream<unknown, unknown>,
    handler: Handler,
    log: Logger,
  ): Promise<void> {
    const context = contextOf(call);
    try {
      for await (const response of handler(call.request, context) as AsyncIterable<unknown>) {
        if (context.signal.aborted) return;
        if (!call.write(response)) await drainOrCancel(call, context.signal);
        // Leaving the loop returns the handler's iterator, so its cleanup (finally blocks) runs.
        if (context.signal.aborted) return;
      }
      call.end();
    } catch (err) {
      if (context.signal.aborted) return;
      logFailure(log, err);
      call.emit("error", toGrpcStatus(err));
    }
  }

  /** Listens on host:port (port 0 picks a free one) and returns the bound port. */
  async listen(host: string, port: number): Promise<number> {
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, bound) =>
        err
          ? reject(new VtError(Code.UNAVAILABLE, `cannot listen on ${host}:${port}: ${err.message}`))
          : resolve(bound),
      );
    });
    return this.boundPort;
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  /** Lets calls in flight finish for up to `graceMs`, then cuts the rest. */
  async shutdown(graceMs = 5_000): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Waits for the stream to accept more data; a cancelled call never drains, so cancellation ends the wait. */
function drainOrCancel(call: ServerWritableStream<unknown, unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    call.once("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

function logFailure(log: Logger, err: unknown): void {
  if (err instanceof VtError) {
    log.debug({ code: Code[err.code], err: err.message }, "rpc failed");
  } else {
    log.error({ err }, "rpc failed with an unexpected error");
  }
}
