import { pino } from "pino";
import { createGrpcClient, type MethodDefinition } from "../../libs/grpc/index.js";
import { VtctldService } from "../../libs/proto/vtctlservice.js";
import { openTopoServerFromFlags, type TopoFlagValues } from "../../libs/topo/index.js";
import { createVtctldService, GrpcTabletManagerClientFactory } from "../../libs/vtctl/index.js";
import { Code, errorCode, errorMessage, VtError } from "../../libs/vterrors/index.js";
import type { VtctldClient } from "./framework.js";

/** `--server internal`: run the vtctld logic in this process, against the topology of the topo flags. */
export const INTERNAL_SERVER = "internal";

export interface ClientHandle {
  client: VtctldClient;
  close(): Promise<void>;
}

/** gRPC's name of a status code, as Go prints it: INVALID_ARGUMENT → InvalidArgument. */
function grpcCodeName(code: Code): string {
  const name = Code[code] ?? "UNKNOWN";
  return name
    .split("_")
    .map((part) => part.charAt(0) + part.slice(1).toLowerCase())
    .join("");
}

/** An RPC failure as Vitess's client shows it: `rpc error: code = InvalidArgument desc = <message>`. */
function rpcError(err: unknown, address: string): VtError {
  let message = errorMessage(err);
  if (message.startsWith(`${address}: `)) message = message.slice(address.length + 2);
  const code = errorCode(err);
  return new VtError(code, `rpc error: code = ${grpcCodeName(code)} desc = ${message}`, {
    cause: err,
    mysql: err instanceof VtError ? err.mysql : undefined,
  });
}

type Unary = (request: unknown, options?: { timeoutMs?: number }) => Promise<unknown>;

function unaryMethods(): [string, MethodDefinition<unknown, unknown>][] {
  return Object.entries(VtctldService).filter(([, def]) => !def.responseStream && !def.requestStream) as [
    string,
    MethodDefinition<unknown, unknown>,
  ][];
}

/** A client whose every call carries `timeoutMs` and fails with the Vitess-style rpc error. */
function wrap(call: (method: string) => Unary, timeoutMs: number, address: string): VtctldClient {
  const client: Record<string, Unary> = {};
  for (const [method] of unaryMethods()) {
    const fn = call(method);
    client[method] = async (request) => {
      try {
        return await fn(request, { timeoutMs });
      } catch (err) {
        throw rpcError(err, address);
      }
    };
  }
  return client as unknown as VtctldClient;
}

export function openGrpcClient(server: string, timeoutMs: number): ClientHandle {
  const handle = createGrpcClient(VtctldService, server);
  const rpc = handle.rpc as unknown as Record<string, Unary>;
  return {
    client: wrap((method) => rpc[method] as Unary, timeoutMs, server),
    close: async () => handle.close(),
  };
}

/**
 * The in-process client: requests and responses go through the protobuf codecs, so the handlers see exactly
 * what a vtctld would receive over gRPC.
 */
export async function openInternalClient(topo: TopoFlagValues, timeoutMs: number): Promise<ClientHandle> {
  const ts = await openTopoServerFromFlags(topo);
  const tmc = new GrpcTabletManagerClientFactory();
  const logger = pino({ level: "warn", base: { program: "vtctldclient" } }, pino.destination(2));
  const handlers = createVtctldService({ ts, tmc, logger }) as Record<string, unknown>;
  const definitions = new Map(unaryMethods());
  const call = (method: string): Unary => {
    const def = definitions.get(method) as MethodDefinition<unknown, unknown>;
    const handler = handlers[method] as Unary | undefined;
    return async (request, options) => {
      if (!handler) throw new VtError(Code.UNIMPLEMENTED, `${def.path} is not implemented`);
      const controller = new AbortController();
      const ms = options?.timeoutMs ?? timeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new VtError(Code.DEADLINE_EXCEEDED, `${def.path}: deadline exceeded after ${ms} ms`));
        }, ms);
      });
      try {
        const full = def.requestDeserialize(def.requestSerialize(request));
        const context = { signal: controller.signal, deadline: Date.now() + ms, peer: INTERNAL_SERVER };
        const response = await Promise.race([
          (handler as (r: unknown, c: unknown) => Promise<unknown>)(full, context),
          deadline,
        ]);
        return def.responseDeserialize(def.responseSerialize(response));
      } finally {
        clearTimeout(timer);
      }
    };
  };
  return {
    client: wrap(call, timeoutMs, INTERNAL_SERVER),
    close: async () => {
      tmc.close();
      await ts.close();
    },
  };
}
