/**
 * Reading side of the protocol: PacketFramer turns the socket's byte stream into logical packets
 * (4-byte headers, payloads of 0xffffff bytes continued in the next packet), and PayloadReader parses
 * the fields of one payload. A payload that arrived in one socket chunk is a view into it (no copy).
 */
import { MAX_PACKET_PAYLOAD } from "./constants.js";

/** The peer broke the framing rules: the connection cannot continue. */
export class FramingError extends Error {
  override readonly name = "FramingError";

  constructor(
    readonly kind: "too-large" | "out-of-order",
    message: string,
  ) {
    super(message);
  }
}

/** A payload ended before a field it announces: answered with ER_MALFORMED_PACKET. */
export class MalformedPacketError extends Error {
  override readonly name = "MalformedPacketError";
}

export type PacketCallback = (payload: Buffer, firstSeq: number, lastSeq: number) => void;

const EMPTY = Buffer.alloc(0);

export class PacketFramer {
  private readonly header = Buffer.alloc(4);
  private headerFill = 0;
  /** The fragment being filled when it spans socket chunks. */
  private body: Buffer | undefined;
  private bodyFill = 0;
  private fragmentLength = 0;
  private fragmentSeq = 0;
  /** Earlier fragments (each 0xffffff bytes) of a payload that continues. */
  private fragments: Buffer[] = [];
  private fragmentsLength = 0;
  private firstSeq = 0;
  /**
   * Sequence id every new packet must start with (1 for the handshake response, 0 for commands), checked
   * from the header so garbage is refused before its announced length is awaited. Undefined: no check.
   */
  expectedSeq: number | undefined;

  /** `maxPayload` bounds one logical payload; a longer one is a FramingError before it is buffered. */
  constructor(private readonly maxPayload: number) {}

  /** Whether a packet has started but not fully arrived. */
  get hasPartial(): boolean {
    return this.headerFill > 0 || this.body !== undefined || this.fragments.length > 0;
  }

  /** Feeds socket bytes; calls `onPacket` for each complete logical payload. Throws FramingError. */
  push(chunk: Buffer, onPacket: PacketCallback): void {
    let off = 0;
    const end = chunk.length;
    while (off < end) {
      if (this.body !== undefined) {
        const n = Math.min(this.fragmentLength - this.bodyFill, end - off);
        chunk.copy(this.body, this.bodyFill, off, off + n);
        this.bodyFill += n;
        off += n;
        if (this.bodyFill === this.fragmentLength) {
          const body = this.body;
          this.body = undefined;
          this.fragmentDone(body, onPacket);
        }
        continue;
      }
      let length: number;
      let seq: number;
      if (this.headerFill === 0 && end - off >= 4) {
        length = chunk[off] | (chunk[off + 1] << 8) | (chunk[off + 2] << 16);
        seq = chunk[off + 3];
        off += 4;
      } else {
        const n = Math.min(4 - this.headerFill, end - off);
        chunk.copy(this.header, this.headerFill, off, off + n);
        this.headerFill += n;
        off += n;
        if (this.headerFill < 4) return;
        this.headerFill = 0;
        length = this.header[0] | (this.header[1] << 8) | (this.header[2] << 16);
        seq = this.header[3];
      }
      this.startFragment(length, seq);
      if (length === 0) {
        this.fragmentDone(EMPTY, onPacket);
      } else if (end - off >= length) {
        this.fragmentDone(chunk.subarray(off, off + length), onPacket);
        off += length;
      } else {
        this.body = Buffer.allocUnsafe(length);
        this.bodyFill = 0;
      }
    }
  }

  private startFragment(length: number, seq: number): void {
    if (this.fragments.length > 0) {
      const expected = (this.fragmentSeq + 1) & 0xff;
      if (seq !== expected) {
        throw new FramingError(
          "out-of-order",
          `packet continuation has sequence id ${seq}, expected ${expected}`,
        );
      }
    } else {
      if (this.expectedSeq !== undefined && seq !== this.expectedSeq) {
        throw new FramingError(
          "out-of-order",
          `Got packets out of order: sequence id ${seq}, expected ${this.expectedSeq}`,
        );
      }
      this.firstSeq = seq;
    }
    if (this.fragmentsLength + length > this.maxPayload) {
      throw new FramingError(
        "too-large",
        `packet of more than ${this.maxPayload} bytes (max_allowed_packet) refused`,
      );
    }
    this.fragmentLength = length;
    this.fragmentSeq = seq;
  }

  private fragmentDone(fragment: Buffer, onPacket: PacketCallback): void {
    if (this.fragmentLength === MAX_PACKET_PAYLOAD) {
      this.fragments.push(fragment);
      this.fragmentsLength += fragment.length;
      return;
    }
    if (this.fragments.length === 0) {
      onPacket(fragment, this.firstSeq, this.fragmentSeq);
      return;
    }
    this.fragments.push(fragment);
    const payload = Buffer.concat(this.fragments, this.fragmentsLength + fragment.length);
    this.fragments = [];
    this.fragmentsLength = 0;
    onPacket(payload, this.firstSeq, this.fragmentSeq);
  }
}

/** A cursor over one payload; every read past the end throws MalformedPacketError. */
export class PayloadReader {
  constructor(
    readonly data: Buffer,
    public pos = 0,
  ) {}

  get remaining(): number {
    return this.data.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.data.length) {
      throw new MalformedPacketError(
        `packet too short: need ${n} bytes at offset ${this.pos} of ${this.data.length}`,
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.data[this.pos++];
  }

  u16(): number {
    this.need(2);
    const v = this.data.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.data.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A length-encoded integer; lengths above 2^53 are refused (no payload is that long). */
  lenencInt(): number {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) {
      this.need(3);
      const v = this.data.readUIntLE(this.pos, 3);
      this.pos += 3;
      return v;
    }
    if (first === 0xfe) {
      this.need(8);
      const lo = this.data.readUInt32LE(this.pos);
      const hi = this.data.readUInt32LE(this.pos + 4);
      this.pos += 8;
      if (hi >= 0x200000) throw new MalformedPacketError("length-encoded integer out of range");
      return hi * 0x1_0000_0000 + lo;
    }
    throw new MalformedPacketError(`invalid length-encoded integer prefix 0x${first.toString(16)}`);
  }

  lenencBytes(): Buffer {
    return this.bytes(this.lenencInt());
  }

  /** A NUL-terminated string (utf8); the NUL is consumed. */
  nullString(): string {
    const end = this.data.indexOf(0, this.pos);
    if (end < 0) throw new MalformedPacketError("unterminated string");
    const v = this.data.toString("utf8", this.pos, end);
    this.pos = end + 1;
    return v;
  }

  /** The rest of the payload. */
  rest(): Buffer {
    const v = this.data.subarray(this.pos);
    this.pos = this.data.length;
    return v;
  }
}
