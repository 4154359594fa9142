/**
 * Writing side of the protocol: packets are built in place in one growing Buffer (header reserved, filled
 * in when the packet ends), split into 0xffffff-byte fragments with consecutive sequence ids when longer,
 * and handed to the socket with one write per flush. Flushed bytes are never touched again, so the same
 * Buffer keeps serving later packets until it is full: no allocation per query on the hot path.
 */
import { MAX_PACKET_PAYLOAD } from "./constants.js";

/** Where flushed bytes go (a net.Socket); `false` asks the writer to wait for drain. */
export interface ByteSink {
  write(data: Buffer): boolean;
}

const INITIAL_SIZE = 64 * 1024;
/** A buffer grown past this for one huge packet is dropped once flushed. */
const KEEP_MAX_SIZE = 1024 * 1024;
const TWO_32 = 0x1_0000_0000;

export class PacketWriter {
  private buf: Buffer = Buffer.allocUnsafe(INITIAL_SIZE);
  private pos = 0;
  private flushedTo = 0;
  private packetStart = -1;
  /** Sequence id of the next packet. */
  seq = 0;

  constructor(private readonly sink: ByteSink) {}

  /** Bytes written but not flushed. */
  get pending(): number {
    return this.pos - this.flushedTo;
  }

  /** Starts a packet; `sizeHint` reserves room for its payload up front. */
  begin(sizeHint = 0): void {
    this.ensure(4 + sizeHint);
    this.packetStart = this.pos;
    this.pos += 4;
  }

  /** Ends the packet begun last: fills its header, splitting payloads of 0xffffff bytes or more. */
  end(): void {
    const start = this.packetStart;
    const length = this.pos - start - 4;
    this.packetStart = -1;
    if (length < MAX_PACKET_PAYLOAD) {
      this.header(start, length, this.seq);
      this.seq = (this.seq + 1) & 0xff;
      return;
    }
    // A payload of exactly k * 0xffffff bytes ends with an empty packet.
    const fragments = Math.floor(length / MAX_PACKET_PAYLOAD) + 1;
    const extra = 4 * (fragments - 1);
    this.packetStart = start;
    this.ensure(extra);
    const base = this.packetStart;
    this.packetStart = -1;
    // Move fragments right (last first, so nothing is overwritten before it moves) and write their headers.
    for (let i = fragments - 1; i >= 0; i--) {
      const from = base + 4 + i * MAX_PACKET_PAYLOAD;
      const fragmentLength = Math.min(MAX_PACKET_PAYLOAD, length - i * MAX_PACKET_PAYLOAD);
      const to = from + 4 * i;
      if (i > 0 && fragmentLength > 0) this.buf.copyWithin(to, from, from + fragmentLength);
      this.header(to - 4, fragmentLength, (this.seq + i) & 0xff);
    }
    this.pos = base + length + 4 * fragments;
    this.seq = (this.seq + fragments) & 0xff;
  }

  /** A whole packet holding `payload` (copied). */
  packet(payload: Buffer): void {
    this.begin(payload.length);
    this.bytes(payload);
    this.end();
  }

  /** Hands everything written to the sink; returns false when the sink wants the writer to wait. */
  flush(): boolean {
    if (this.pos === this.flushedTo) return true;
    const ok = this.sink.write(this.buf.subarray(this.flushedTo, this.pos));
    this.flushedTo = this.pos;
    if (this.buf.length > KEEP_MAX_SIZE) {
      this.buf = Buffer.allocUnsafe(INITIAL_SIZE);
      this.pos = 0;
      this.flushedTo = 0;
    }
    return ok;
  }

  /** Drops unflushed bytes (used when a response is abandoned). */
  discard(): void {
    this.pos = this.flushedTo;
    this.packetStart = -1;
  }

  /** Makes room for `n` more bytes, moving unflushed bytes (and the open packet) to a bigger buffer. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const live = this.pos - this.flushedTo;
    let size = INITIAL_SIZE;
    while (size < live + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, this.flushedTo, this.pos);
    if (this.packetStart >= 0) this.packetStart -= this.flushedTo;
    this.buf = next;
    this.pos = live;
    this.flushedTo = 0;
  }

  private header(at: number, length: number, seq: number): void {
    const b = this.buf;
    b[at] = length & 0xff;
    b[at + 1] = (length >>> 8) & 0xff;
    b[at + 2] = (length >>> 16) & 0xff;
    b[at + 3] = seq;
  }

  // Field writers. Callers that write many fields reserve space with begin(sizeHint) or ensure().

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf[this.pos++] = v & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** Little-endian 64-bit from two's complement halves: `hi` may be signed. */
  u64Parts(lo: number, hi: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(lo >>> 0, this.pos);
    this.buf.writeUInt32LE(hi >>> 0, this.pos + 4);
    this.pos += 8;
  }

  bigint64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
  }

  float32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
  }

  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  /** A length-encoded integer (0 <= v < 2^53). */
  lenencInt(v: number): void {
    this.ensure(9);
    const b = this.buf;
    if (v < 0xfb) {
      b[this.pos++] = v;
    } else if (v < 0x10000) {
      b[this.pos] = 0xfc;
      b[this.pos + 1] = v & 0xff;
      b[this.pos + 2] = v >>> 8;
      this.pos += 3;
    } else if (v < 0x1000000) {
      b[this.pos] = 0xfd;
      b[this.pos + 1] = v & 0xff;
      b[this.pos + 2] = (v >>> 8) & 0xff;
      b[this.pos + 3] = v >>> 16;
      this.pos += 4;
    } else {
      b[this.pos] = 0xfe;
      b.writeUInt32LE(v % TWO_32, this.pos + 1);
      b.writeUInt32LE(Math.floor(v / TWO_32), this.pos + 5);
      this.pos += 9;
    }
  }

  /** A length-encoded integer given as an unsigned decimal string (full uint64 range, exact). */
  lenencDecimal(v: string): void {
    if (v.length < 16) {
      this.lenencInt(v === "" ? 0 : Number(v));
      return;
    }
    const n = BigInt.asUintN(64, BigInt(v));
    if (n < 0x1000000n) {
      this.lenencInt(Number(n));
      return;
    }
    this.ensure(9);
    this.buf[this.pos] = 0xfe;
    this.buf.writeBigUInt64LE(n, this.pos + 1);
    this.pos += 9;
  }

  /** `src[start, end)` preceded by its length-encoded length. */
  lenencBytes(src: Buffer, start = 0, end = src.length): void {
    const n = end - start;
    this.ensure(9 + n);
    this.lenencInt(n);
    src.copy(this.buf, this.pos, start, end);
    this.pos += n;
  }

  lenencString(s: string): void {
    const n = Buffer.byteLength(s);
    this.ensure(9 + n);
    this.lenencInt(n);
    if (n > 0) this.buf.write(s, this.pos, n, "utf8");
    this.pos += n;
  }

  nullString(s: string): void {
    const n = Buffer.byteLength(s);
    this.ensure(n + 1);
    if (n > 0) this.buf.write(s, this.pos, n, "utf8");
    this.pos += n;
    this.buf[this.pos++] = 0;
  }

  /** A string running to the end of the packet (no length, no terminator). */
  restString(s: string): void {
    const n = Buffer.byteLength(s);
    this.ensure(n);
    if (n > 0) this.buf.write(s, this.pos, n, "utf8");
    this.pos += n;
  }

  bytes(src: Buffer, start = 0, end = src.length): void {
    const n = end - start;
    this.ensure(n);
    src.copy(this.buf, this.pos, start, end);
    this.pos += n;
  }
}
