import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code, isVtError, VtError } from "../vterrors/index.js";
import { createGrpcClient, type GrpcClientHandle } from "./client.js";
import { GrpcServer } from "./server.js";
import type { MethodDefinition } from "./service-types.js";

interface Echo {
  text: string;
  count: number;
}

function jsonMethod(path: string, responseStream: boolean): MethodDefinition<Echo, Echo> {
  const serialize = (value: Echo) => Buffer.from(JSON.stringify(value));
  const deserialize = (value: Buffer) => JSON.parse(value.toString()) as Echo;
  return {
    path,
    requestStream: false,
    responseStream,
    requestSerialize: serialize,
    requestDeserialize: deserialize,
    responseSerialize: serialize,
    responseDeserialize: deserialize,
  };
}

const EchoService = {
  echo: jsonMethod("/test.Echo/Echo", false),
  fail: jsonMethod("/test.Echo/Fail", false),
  crash: jsonMethod("/test.Echo/Crash", false),
  missing: jsonMethod("/test.Echo/Missing", false),
  repeat: { ...jsonMethod("/test.Echo/Repeat", true), responseStream: true as const },
  forever: { ...jsonMethod("/test.Echo/Forever", true), responseStream: true as const },
} as const;

describe("GrpcServer and createGrpcClient", () => {
  const server = new GrpcServer(pino({ level: "silent" }));
  let client: GrpcClientHandle<typeof EchoService>;
  let foreverCancelled: Promise<void>;

  beforeAll(async () => {
    let markCancelled: () => void = () => {};
    foreverCancelled = new Promise((resolve) => {
      markCancelled = resolve;
    });
    server.addService(EchoService, {
      echo: async (request) => ({ text: request.text.toUpperCase(), count: request.count + 1 }),
      fail: async () => {
        throw new VtError(Code.NOT_FOUND, "Table 'vt_commerce.nope' doesn't exist", {
          mysql: { errno: 1146, sqlstate: "42S02" },
        });
      },
      crash: async () => {
        throw new TypeError("boom");
      },
      repeat: async function* (request) {
        for (let i = 0; i < request.count; i++) yield { text: request.text, count: i };
        if (request.text === "then-fail") throw new VtError(Code.ABORTED, "stream aborted on purpose");
      },
      forever: async function* (_request, context) {
        context.signal.addEventListener("abort", () => markCancelled());
        for (let i = 0; !context.signal.aborted; i++) {
          yield { text: "tick", count: i };
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      },
    });
    const port = await server.listen("127.0.0.1", 0);
    client = createGrpcClient(EchoService, `127.0.0.1:${port}`);
  });

  afterAll(async () => {
    client.close();
    await server.shutdown(1000);
  });

  it("answers unary calls", async () => {
    expect(await client.rpc.echo({ text: "hi", count: 1 })).toEqual({ text: "HI", count: 2 });
  });

  it("carries code, errno and SQLSTATE of a VtError to the caller", async () => {
    const err = await client.rpc.fail({ text: "", count: 0 }).catch((e: unknown) => e);
    expect(isVtError(err, Code.NOT_FOUND)).toBe(true);
    expect((err as VtError).mysql).toEqual({ errno: 1146, sqlstate: "42S02" });
    expect((err as VtError).message).toContain("Table 'vt_commerce.nope' doesn't exist");
  });

  it("turns an unexpected exception into UNKNOWN and keeps serving", async () => {
    const err = await client.rpc.crash({ text: "", count: 0 }).catch((e: unknown) => e);
    expect(isVtError(err, Code.UNKNOWN)).toBe(true);
    expect((err as VtError).message).toContain("boom");
    expect(await client.rpc.echo({ text: "still", count: 0 })).toEqual({ text: "STILL", count: 1 });
  });

  it("answers UNIMPLEMENTED for a method without handler", async () => {
    const err = await client.rpc.missing({ text: "", count: 0 }).catch((e: unknown) => e);
    expect(isVtError(err, Code.UNIMPLEMENTED)).toBe(true);
  });

  it("streams responses, and a failure after some of them", async () => {
    const seen: number[] = [];
    for await (const response of client.rpc.repeat({ text: "x", count: 5 })) seen.push(response.count);
    expect(seen).toEqual([0, 1, 2, 3, 4]);

    const partial: number[] = [];
    const err = await (async () => {
      for await (const response of client.rpc.repeat({ text: "then-fail", count: 3 }))
        partial.push(response.count);
    })().catch((e: unknown) => e);
    expect(partial).toEqual([0, 1, 2]);
    expect(isVtError(err, Code.ABORTED)).toBe(true);
  });

  it("cancels the server side when the client stops reading", async () => {
    let received = 0;
    for await (const _ of client.rpc.forever({ text: "", count: 0 })) {
      if (++received === 3) break;
    }
    await foreverCancelled;
    expect(received).toBe(3);
  });

  it("fails with DEADLINE_EXCEEDED when the deadline passes", async () => {
    const stream = client.rpc.forever({ text: "", count: 0 }, { timeoutMs: 50 });
    const err = await (async () => {
      for await (const _ of stream) {
        /* drain until the deadline */
      }
    })().catch((e: unknown) => e);
    expect(isVtError(err, Code.DEADLINE_EXCEEDED)).toBe(true);
  });
});
