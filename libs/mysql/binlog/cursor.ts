import { Code, VtError } from "../../vterrors/index.js";

/** A malformed or truncated event: the bytes do not match what their header says. */
export function corruptEvent(message: string): VtError {
  return new VtError(Code.DATA_LOSS, `corrupt binlog event: ${message}`);
}

/**
 * Reads little-endian integers, length-encoded integers and strings from an event body, checking bounds.
 * Used for the control events; the rows decoder reads the buffer directly.
 */
export class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (this.pos + n > this.end) {
      throw corruptEvent(`needed ${n} bytes at offset ${this.pos}, only ${this.end - this.pos} left`);
    }
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const value = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return value;
  }

  u24(): number {
    this.need(3);
    const value = this.buf.readUIntLE(this.pos, 3);
    this.pos += 3;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  /** A 48-bit integer (table ids), exact as a number. */
  u48(): number {
    this.need(6);
    const value = this.buf.readUIntLE(this.pos, 6);
    this.pos += 6;
    return value;
  }

  u64(): bigint {
    this.need(8);
    const value = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return value;
  }

  /** A 64-bit file position or length; those fit a number. */
  u64Number(): number {
    const value = this.u64();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corruptEvent(`value ${value} is out of range`);
    return Number(value);
  }

  /** MySQL's length-encoded integer (1, 3, 4 or 9 bytes). */
  lenenc(): number {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) return this.u24();
    if (first === 0xfe) return this.u64Number();
    throw corruptEvent(`invalid length-encoded integer prefix 0x${first.toString(16)}`);
  }

  bytes(n: number): Buffer {
    this.need(n);
    const value = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return value;
  }

  string(n: number): string {
    this.need(n);
    const value = this.buf.toString("utf8", this.pos, this.pos + n);
    this.pos += n;
    return value;
  }

  lenencString(): string {
    return this.string(this.lenenc());
  }

  lenencBytes(): Buffer {
    return this.bytes(this.lenenc());
  }

  /** The rest of the body as text. */
  rest(): string {
    const value = this.buf.toString("utf8", this.pos, this.end);
    this.pos = this.end;
    return value;
  }

  restBytes(): Buffer {
    const value = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return value;
  }
}
