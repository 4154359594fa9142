import { connect, type Socket } from "node:net";
import type { ClientCallOptions, ServiceClient, ServiceDefinition } from "../grpc/index.js";
import { Code, VtError } from "../vterrors/index.js";
import { callFrame, FrameKind, FrameReader, FrameWriter, parseError, simpleFrame } from "./frames.js";

/** Errors of calls that never left this process because no connection could be made. */
const unsent = new WeakSet<object>();

/** Whether a call failed before any byte of it was sent (no connection): safe to send another way. */
export function neverSent(err: unknown): boolean {
  return typeof err === "object" && err !== null && unsent.has(err);
}

interface Pending {
  readonly resolve: (body: Buffer) => void;
  readonly reject: (err: VtError) => void;
}

/**
 * One TCP connection to a FrameServer, multiplexing calls by id. It connects on the first call and again
 * after the connection is lost; calls in flight on a lost connection fail with UNAVAILABLE (like a gRPC
 * channel's transient failure), so vtgate's gateway retries or reports them as it would for gRPC.
 */
class FrameConnection {
  private socket: Socket | undefined;
  private writer: FrameWriter | undefined;
  private connected: Promise<Socket> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    readonly address: string,
  ) {}

  async call(path: Buffer, request: Uint8Array, options: ClientCallOptions | undefined): Promise<Buffer> {
    if (options?.signal?.aborted)
      throw new VtError(Code.CANCELED, `${this.address}: cancelled before it started`);
    const socket = this.socket ?? (await this.open());
    // Cancelled while connecting: an abort listener added now would never fire.
    if (options?.signal?.aborted)
      throw new VtError(Code.CANCELED, `${this.address}: cancelled before it started`);
    const writer = this.writer as FrameWriter;
    if (socket.destroyed) throw new VtError(Code.UNAVAILABLE, `${this.address}: connection lost`);
    const id = this.nextId;
    this.nextId = this.nextId === 0xffffffff ? 1 : this.nextId + 1;
    const timeoutMs = options?.timeoutMs ?? 0;
    return new Promise<Buffer>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const signal = options?.signal;
      const onAbort = () =>
        this.abandon(id, socket, new VtError(Code.CANCELED, `${this.address}: call cancelled`));
      const finish = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      this.pending.set(id, {
        resolve: (body) => {
          finish();
          resolve(body);
        },
        reject: (err) => {
          finish();
          reject(err);
        },
      });
      if (timeoutMs > 0) {
        timer = setTimeout(
          () =>
            this.abandon(
              id,
              socket,
              new VtError(Code.DEADLINE_EXCEEDED, `${this.address}: Deadline exceeded`),
            ),
          timeoutMs,
        );
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      writer.write(callFrame(id, path, Math.max(0, Math.ceil(timeoutMs)), request));
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.fail(new VtError(Code.UNAVAILABLE, `${this.address}: connection closed`));
  }

  /** Fails one call now and tells the server to cancel it. */
  private abandon(id: number, socket: Socket, err: VtError): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (this.socket === socket) this.writer?.write(simpleFrame(id, FrameKind.CANCEL));
    pending.reject(err);
  }

  private open(): Promise<Socket> {
    if (this.closed) return Promise.reject(new VtError(Code.UNAVAILABLE, `${this.address}: client closed`));
    this.connected ??= new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true });
      const reader = new FrameReader();
      socket.once("connect", () => {
        this.socket = socket;
        this.writer = new FrameWriter(socket);
        resolve(socket);
      });
      socket.on("data", (chunk: Buffer) => {
        try {
          reader.push(chunk, (frame) => {
            const pending = this.pending.get(frame.id);
            if (!pending) return;
            this.pending.delete(frame.id);
            if (frame.kind === FrameKind.RESPONSE) pending.resolve(frame.body);
            else pending.reject(parseError(frame.body, this.address));
          });
        } catch (err) {
          socket.destroy(err as Error);
        }
      });
      socket.on("error", () => {});
      socket.on("close", () => {
        const err = new VtError(Code.UNAVAILABLE, `${this.address}: connection lost`);
        if (this.socket !== socket) {
          const refused = new VtError(Code.UNAVAILABLE, `${this.address}: cannot connect`);
          unsent.add(refused);
          reject(refused);
        }
        if (this.socket === socket) {
          this.socket = undefined;
          this.writer = undefined;
        }
        this.connected = undefined;
        this.fail(err);
      });
    });
    return this.connected;
  }

  private fail(err: VtError): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.reject(err);
  }
}

export interface FrameClientHandle<D extends ServiceDefinition> {
  /** The unary methods of the definition (streaming methods are not carried by framerpc). */
  readonly rpc: Partial<ServiceClient<D>>;
  readonly address: string;
  close(): void;
}

/** A client for the unary methods of a generated service definition over one framerpc connection. */
export function createFrameClient<D extends ServiceDefinition>(
  definition: D,
  host: string,
  port: number,
): FrameClientHandle<D> {
  const address = `${host}:${port}`;
  const connection = new FrameConnection(host, port, address);
  const rpc: Record<string, unknown> = {};
  for (const [method, def] of Object.entries(definition)) {
    if (def.requestStream || def.responseStream) continue;
    const path = Buffer.from(def.path);
    rpc[method] = async (request: unknown, options?: ClientCallOptions) =>
      def.responseDeserialize(await connection.call(path, def.requestSerialize(request), options));
  }
  return { rpc: rpc as Partial<ServiceClient<D>>, address, close: () => connection.close() };
}
