import { connect } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MethodDefinition } from "../grpc/index.js";
import { Code, isVtError, VtError } from "../vterrors/index.js";
import { createFrameClient, type FrameClientHandle, neverSent } from "./client.js";
import { FrameReader } from "./frames.js";
import { FrameServer } from "./server.js";

interface Echo {
  text: string;
  count: number;
}

function jsonMethod(path: string, responseStream = false): MethodDefinition<Echo, Echo> {
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
  echo: jsonMethod("/test.Echo/Echo"),
  fail: jsonMethod("/test.Echo/Fail"),
  crash: jsonMethod("/test.Echo/Crash"),
  slow: jsonMethod("/test.Echo/Slow"),
  hooked: jsonMethod("/test.Echo/Hooked"),
  missing: jsonMethod("/test.Echo/Missing"),
} as const;

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (err: unknown) => err,
  );
}

describe("FrameServer and createFrameClient", () => {
  const server = new FrameServer(pino({ level: "silent" }));
  let client: FrameClientHandle<typeof EchoService>;
  let port = 0;
  const slowAborted: string[] = [];
  /** What the hooked handler heard: "cancel:<text>", and whether the signal was aborted by then. */
  const hookHeard: string[] = [];

  beforeAll(async () => {
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
      hooked: (request, context) =>
        new Promise((resolve) => {
          const off = context.onCancel?.(() => {
            hookHeard.push(`cancel:${request.text}`);
            // A listener that unregisters itself while being called must not disturb the others.
            off?.();
            hookHeard.push(`signal aborted:${context.signal.aborted}`);
            expect(context.onCancel?.(() => {})).toBeUndefined();
            resolve(request);
          });
        }),
      slow: (request, context) =>
        new Promise((resolve) => {
          context.signal.addEventListener("abort", () => {
            slowAborted.push(request.text);
            resolve(request);
          });
        }),
    });
    port = await server.listen("127.0.0.1", 0);
    client = createFrameClient(EchoService, "127.0.0.1", port);
  });

  afterAll(async () => {
    client.close();
    await server.shutdown(100);
  });

  it("answers unary calls, many at once on one connection", async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => client.rpc.echo?.({ text: `q${i}`, count: i })),
    );
    expect(answers[0]).toEqual({ text: "Q0", count: 1 });
    expect(answers[199]).toEqual({ text: "Q199", count: 200 });
  });

  it("carries a large message split over many chunks", async () => {
    const text = "x".repeat(3_000_000);
    expect((await client.rpc.echo?.({ text, count: 0 }))?.text.length).toBe(3_000_000);
  });

  it("keeps the code, errno and SQLSTATE of a VtError, prefixed with the address", async () => {
    const err = await rejection(client.rpc.fail?.({ text: "", count: 0 }) as Promise<Echo>);
    expect(isVtError(err, Code.NOT_FOUND)).toBe(true);
    expect((err as VtError).mysql).toEqual({ errno: 1146, sqlstate: "42S02" });
    expect((err as VtError).message).toBe(`127.0.0.1:${port}: Table 'vt_commerce.nope' doesn't exist`);
  });

  it("reports an unexpected error as UNKNOWN and an unserved method as UNIMPLEMENTED", async () => {
    const crash = await rejection(client.rpc.crash?.({ text: "", count: 0 }) as Promise<Echo>);
    expect(isVtError(crash, Code.UNKNOWN)).toBe(true);
    expect((crash as VtError).message).toContain("boom");
    const missing = await rejection(client.rpc.missing?.({ text: "", count: 0 }) as Promise<Echo>);
    expect(isVtError(missing, Code.UNIMPLEMENTED)).toBe(true);
  });

  it("fails a call at its deadline and cancels it on the server", async () => {
    const err = await rejection(
      client.rpc.slow?.({ text: "deadline", count: 0 }, { timeoutMs: 50 }) as Promise<Echo>,
    );
    expect(isVtError(err, Code.DEADLINE_EXCEEDED)).toBe(true);
    await expect.poll(() => slowAborted).toContain("deadline");
  });

  it("cancels a call when the caller's signal aborts", async () => {
    const controller = new AbortController();
    const call = client.rpc.slow?.(
      { text: "signal", count: 0 },
      { signal: controller.signal },
    ) as Promise<Echo>;
    setTimeout(() => controller.abort(), 20);
    expect(isVtError(await rejection(call), Code.CANCELED)).toBe(true);
    await expect.poll(() => slowAborted).toContain("signal");
    expect(await client.rpc.echo?.({ text: "after", count: 1 })).toEqual({ text: "AFTER", count: 2 });
  });

  it("tells a handler of a cancel through onCancel, and a signal read afterwards is aborted", async () => {
    const controller = new AbortController();
    const call = client.rpc.hooked?.(
      { text: "hook", count: 0 },
      { signal: controller.signal },
    ) as Promise<Echo>;
    setTimeout(() => controller.abort(), 20);
    expect(isVtError(await rejection(call), Code.CANCELED)).toBe(true);
    await expect.poll(() => hookHeard).toEqual(["cancel:hook", "signal aborted:true"]);
  });

  it("closes only the connection that sent garbage", async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port }, () =>
        socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 1])),
      );
      socket.on("error", () => {});
      socket.on("close", () => resolve(true));
    });
    expect(closed).toBe(true);
    expect(await client.rpc.echo?.({ text: "still", count: 0 })).toEqual({ text: "STILL", count: 1 });
  });

  it("fails calls with UNAVAILABLE when nothing listens, and reconnects once something does", async () => {
    const other = new FrameServer(pino({ level: "silent" }));
    other.addService(EchoService, { echo: async (request) => request });
    const otherPort = await other.listen("127.0.0.1", 0);
    await other.shutdown(10);
    const lonely = createFrameClient(EchoService, "127.0.0.1", otherPort);
    try {
      const err = await rejection(lonely.rpc.echo?.({ text: "", count: 0 }) as Promise<Echo>);
      expect(isVtError(err, Code.UNAVAILABLE)).toBe(true);
      expect(neverSent(err)).toBe(true);
      const again = new FrameServer(pino({ level: "silent" }));
      again.addService(EchoService, { echo: async (request) => request });
      await again.listen("127.0.0.1", otherPort);
      expect(await lonely.rpc.echo?.({ text: "back", count: 3 })).toEqual({ text: "back", count: 3 });
      await again.shutdown(10);
    } finally {
      lonely.close();
    }
  });
});

describe("a connection lost during a call", () => {
  it("fails the call with UNAVAILABLE, not marked as never sent (it may have run)", async () => {
    const server = new FrameServer(pino({ level: "silent" }));
    let arrived: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    server.addService(EchoService, {
      slow: () => {
        arrived();
        return new Promise<Echo>(() => {});
      },
    });
    const port = await server.listen("127.0.0.1", 0);
    const client = createFrameClient(EchoService, "127.0.0.1", port);
    try {
      const call = rejection(client.rpc.slow?.({ text: "lost", count: 0 }) as Promise<Echo>);
      await inFlight;
      await server.shutdown(0);
      const err = await call;
      expect(isVtError(err, Code.UNAVAILABLE)).toBe(true);
      expect(neverSent(err)).toBe(false);
    } finally {
      client.close();
    }
  });
});

describe("FrameServer.shutdown", () => {
  it("lets a call in flight answer before closing the connections", async () => {
    const server = new FrameServer(pino({ level: "silent" }));
    let arrived: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    server.addService(EchoService, {
      slow: (request) => {
        arrived();
        return new Promise((resolve) => setTimeout(() => resolve(request), 100));
      },
    });
    const port = await server.listen("127.0.0.1", 0);
    const client = createFrameClient(EchoService, "127.0.0.1", port);
    try {
      const call = client.rpc.slow?.({ text: "late", count: 1 }) as Promise<Echo>;
      // Shut down only once the call is being served (a fixed sleep raced with a loaded machine).
      await inFlight;
      await server.shutdown(5_000);
      expect(await call).toEqual({ text: "late", count: 1 });
    } finally {
      client.close();
    }
  });
});

describe("FrameReader", () => {
  it("reassembles frames cut at every byte", () => {
    const frame = Buffer.from([0, 0, 0, 7, 0, 0, 0, 9, 3, 0xaa, 0xbb]);
    const both = Buffer.concat([frame, frame]);
    const reader = new FrameReader();
    const seen: string[] = [];
    for (const byte of both) {
      reader.push(Buffer.from([byte]), (f) => seen.push(`${f.id}/${f.kind}/${f.body.toString("hex")}`));
    }
    expect(seen).toEqual(["9/3/aabb", "9/3/aabb"]);
  });
});
