/**
 * Wire format of framerpc: every frame is `u32 length` (bytes after the length field) followed by
 * `u32 call id` and `u8 kind`, all big-endian.
 *
 *   call      kind 1: u32 timeout ms (0: none), u16 method path length, path (UTF-8), protobuf request
 *   cancel    kind 2: nothing more
 *   response  kind 3: protobuf response
 *   error     kind 4: JSON {code, message, errno?, sqlstate?}
 */
import type { Socket } from "node:net";
import { Code, VtError } from "../vterrors/index.js";

export const FrameKind = { CALL: 1, CANCEL: 2, RESPONSE: 3, ERROR: 4 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** Longest frame accepted, as the gRPC side's max receive message length. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
const HEADER = 9;

export interface Frame {
  readonly id: number;
  readonly kind: number;
  /** The bytes after the header (call: timeout, path and request). */
  readonly body: Buffer;
}

export function callFrame(id: number, path: Buffer, timeoutMs: number, request: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER + 6 + path.length + request.length);
  out.writeUInt32BE(out.length - 4, 0);
  out.writeUInt32BE(id, 4);
  out[8] = FrameKind.CALL;
  out.writeUInt32BE(timeoutMs, 9);
  out.writeUInt16BE(path.length, 13);
  path.copy(out, 15);
  out.set(request, 15 + path.length);
  return out;
}

export function parseCall(body: Buffer): { timeoutMs: number; path: string; request: Buffer } {
  const pathLength = body.readUInt16BE(4);
  return {
    timeoutMs: body.readUInt32BE(0),
    path: body.toString("utf8", 6, 6 + pathLength),
    request: body.subarray(6 + pathLength),
  };
}

export function simpleFrame(id: number, kind: FrameKind, payload: Uint8Array = EMPTY): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32BE(out.length - 4, 0);
  out.writeUInt32BE(id, 4);
  out[8] = kind;
  out.set(payload, HEADER);
  return out;
}
const EMPTY = new Uint8Array(0);

interface ErrorBody {
  code: number;
  message: string;
  errno?: number;
  sqlstate?: string;
}

export function errorFrame(id: number, err: unknown): Buffer {
  const body: ErrorBody =
    err instanceof VtError
      ? { code: err.code, message: err.message, errno: err.mysql?.errno, sqlstate: err.mysql?.sqlstate }
      : { code: Code.UNKNOWN, message: err instanceof Error ? err.message : String(err) };
  return simpleFrame(id, FrameKind.ERROR, Buffer.from(JSON.stringify(body)));
}

/** The VtError an error frame carries, its message prefixed with `context` (the address called). */
export function parseError(body: Buffer, context: string): VtError {
  const parsed = JSON.parse(body.toString("utf8")) as ErrorBody;
  const mysql =
    parsed.errno !== undefined && parsed.sqlstate !== undefined
      ? { errno: parsed.errno, sqlstate: parsed.sqlstate }
      : undefined;
  return new VtError(parsed.code as Code, `${context}: ${parsed.message}`, { mysql });
}

/**
 * Splits a byte stream into frames. Chunks are kept until a whole frame is there; a frame longer than
 * MAX_FRAME_BYTES is a protocol error (the caller closes the connection).
 */
export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    let data: Buffer;
    if (this.pendingBytes === 0) data = chunk;
    else {
      this.pending.push(chunk);
      data = Buffer.concat(this.pending, this.pendingBytes + chunk.length);
      this.pending = [];
      this.pendingBytes = 0;
    }
    let offset = 0;
    while (data.length - offset >= 4) {
      const length = data.readUInt32BE(offset);
      if (length < HEADER - 4 || length > MAX_FRAME_BYTES) {
        throw new VtError(Code.INTERNAL, `framerpc: bad frame length ${length}`);
      }
      if (data.length - offset - 4 < length) break;
      const id = data.readUInt32BE(offset + 4);
      const kind = data[offset + 8] as number;
      onFrame({ id, kind, body: data.subarray(offset + HEADER, offset + 4 + length) });
      offset += 4 + length;
    }
    if (offset < data.length) {
      const rest = data.subarray(offset);
      this.pending.push(rest);
      this.pendingBytes = rest.length;
    }
  }
}

/**
 * Writes frames to a socket, gathering those written during one turn of the event loop into one
 * writev: each write is a system call, the costliest part of a call on a busy host, and under
 * concurrency several calls or answers are ready in the same turn.
 */
export class FrameWriter {
  private corked = false;

  constructor(private readonly socket: Socket) {}

  write(frame: Buffer): void {
    if (this.socket.destroyed) return;
    this.cork();
    this.socket.write(frame);
  }

  /** Writes a frame of `kind` around `payload` without copying the payload (the writev gathers both). */
  writeFrame(id: number, kind: FrameKind, payload: Uint8Array): void {
    if (this.socket.destroyed) return;
    const header = Buffer.allocUnsafe(HEADER);
    header.writeUInt32BE(HEADER - 4 + payload.length, 0);
    header.writeUInt32BE(id, 4);
    header[8] = kind;
    this.cork();
    this.socket.write(header);
    this.socket.write(payload);
  }

  private cork(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    this.corked = false;
    this.socket.uncork();
  };
}
