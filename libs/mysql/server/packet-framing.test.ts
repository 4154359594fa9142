import { describe, expect, it } from "vitest";
import { MAX_PACKET_PAYLOAD } from "./constants.js";
import { FramingError, MalformedPacketError, PacketFramer, PayloadReader } from "./packet-reader.js";
import { type ByteSink, PacketWriter } from "./packet-writer.js";

class Collect implements ByteSink {
  chunks: Buffer[] = [];
  write(data: Buffer): boolean {
    this.chunks.push(Buffer.from(data));
    return true;
  }
  get all(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

interface Got {
  payload: Buffer;
  firstSeq: number;
  lastSeq: number;
}

function frame(bytes: Buffer, chunkSize = bytes.length, max = 1 << 30): Got[] {
  const framer = new PacketFramer(max);
  const got: Got[] = [];
  for (let off = 0; off < bytes.length; off += chunkSize) {
    framer.push(bytes.subarray(off, off + chunkSize), (payload, firstSeq, lastSeq) =>
      got.push({ payload: Buffer.from(payload), firstSeq, lastSeq }),
    );
  }
  expect(framer.hasPartial).toBe(false);
  return got;
}

function header(length: number, seq: number): Buffer {
  return Buffer.from([length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, seq]);
}

describe("PacketFramer", () => {
  it("splits a stream into packets whatever the chunking", () => {
    const bytes = Buffer.concat([
      header(3, 0),
      Buffer.from("abc"),
      header(0, 1),
      header(5, 2),
      Buffer.from("hello"),
    ]);
    for (const chunk of [1, 2, 3, 5, 7, bytes.length]) {
      const got = frame(bytes, chunk);
      expect(got.map((g) => [g.payload.toString(), g.firstSeq, g.lastSeq])).toEqual([
        ["abc", 0, 0],
        ["", 1, 1],
        ["hello", 2, 2],
      ]);
    }
  });

  it("gives views into the chunk when a packet arrives whole", () => {
    const bytes = Buffer.concat([header(3, 0), Buffer.from("abc")]);
    const framer = new PacketFramer(100);
    let payload: Buffer | undefined;
    framer.push(bytes, (p) => {
      payload = p;
    });
    expect(payload?.buffer).toBe(bytes.buffer);
  });

  it("reassembles payloads split at 0xffffff, also exact multiples ending with an empty packet", () => {
    for (const size of [MAX_PACKET_PAYLOAD, MAX_PACKET_PAYLOAD + 10, 2 * MAX_PACKET_PAYLOAD]) {
      const payload = Buffer.alloc(size, 0x61);
      payload[0] = 1;
      payload[size - 1] = 2;
      const sink = new Collect();
      const w = new PacketWriter(sink);
      w.seq = 3;
      w.packet(payload);
      w.flush();
      const wire = sink.all;
      const fragments = Math.floor(size / MAX_PACKET_PAYLOAD) + 1;
      expect(wire.length).toBe(size + 4 * fragments);
      expect(w.seq).toBe(3 + fragments);
      const got = frame(wire, 1 << 20);
      expect(got).toHaveLength(1);
      expect(got[0].firstSeq).toBe(3);
      expect(got[0].lastSeq).toBe(3 + fragments - 1);
      expect(got[0].payload.equals(payload)).toBe(true);
    }
  });

  it("refuses a continuation with the wrong sequence id", () => {
    const framer = new PacketFramer(1 << 30);
    const first = Buffer.concat([header(MAX_PACKET_PAYLOAD, 0), Buffer.alloc(MAX_PACKET_PAYLOAD)]);
    framer.push(first, () => {});
    expect(() => framer.push(Buffer.concat([header(1, 5), Buffer.from("x")]), () => {})).toThrow(
      FramingError,
    );
  });

  it("refuses a payload above the limit from its header, before buffering it", () => {
    const framer = new PacketFramer(1000);
    let error: unknown;
    try {
      framer.push(header(1001, 0), () => {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FramingError);
    expect((error as FramingError).kind).toBe("too-large");
  });

  it("keeps a partial packet until the rest arrives", () => {
    const framer = new PacketFramer(100);
    const got: string[] = [];
    framer.push(Buffer.concat([header(4, 0), Buffer.from("ab")]), (p) => got.push(p.toString()));
    expect(framer.hasPartial).toBe(true);
    framer.push(Buffer.from("cd"), (p) => got.push(p.toString()));
    expect(got).toEqual(["abcd"]);
    expect(framer.hasPartial).toBe(false);
  });
});

describe("PacketWriter", () => {
  function payloadOf(write: (w: PacketWriter) => void): Buffer {
    const sink = new Collect();
    const w = new PacketWriter(sink);
    w.begin();
    write(w);
    w.end();
    w.flush();
    return sink.all.subarray(4);
  }

  it("writes length-encoded integers at every width boundary", () => {
    const cases: [number, string][] = [
      [0, "00"],
      [250, "fa"],
      [251, "fcfb00"],
      [0xffff, "fcffff"],
      [0x10000, "fd000001"],
      [0xffffff, "fdffffff"],
      [0x1000000, "fe0000000100000000"],
      [2 ** 53 - 1, "feffffffffffff1f00"],
    ];
    for (const [v, hex] of cases) {
      const bytes = payloadOf((w) => w.lenencInt(v));
      expect(bytes.toString("hex")).toBe(hex);
      expect(new PayloadReader(bytes).lenencInt()).toBe(v);
    }
  });

  it("writes unsigned decimal strings exactly over the whole uint64 range", () => {
    expect(payloadOf((w) => w.lenencDecimal("18446744073709551615")).toString("hex")).toBe(
      "feffffffffffffffff",
    );
    expect(payloadOf((w) => w.lenencDecimal("9007199254740993")).toString("hex")).toBe("fe0100000000002000");
    expect(payloadOf((w) => w.lenencDecimal("42")).toString("hex")).toBe("2a");
    expect(payloadOf((w) => w.lenencDecimal("")).toString("hex")).toBe("00");
  });

  it("writes length-encoded and NUL-terminated strings", () => {
    const bytes = payloadOf((w) => {
      w.lenencString("héllo");
      w.nullString("db");
      w.lenencBytes(Buffer.alloc(300, 1));
    });
    const r = new PayloadReader(bytes);
    expect(r.lenencBytes().toString("utf8")).toBe("héllo");
    expect(r.nullString()).toBe("db");
    expect(r.lenencBytes().length).toBe(300);
    expect(r.remaining).toBe(0);
  });

  it("keeps sequence ids and packet boundaries across buffer growth and flushes", () => {
    const sink = new Collect();
    const w = new PacketWriter(sink);
    for (let i = 0; i < 300; i++) {
      w.begin();
      w.bytes(Buffer.alloc(1000, i & 0xff));
      w.end();
      if (i % 7 === 0) w.flush();
    }
    w.flush();
    const got = frame(sink.all, 4096);
    expect(got).toHaveLength(300);
    got.forEach((g, i) => {
      expect(g.firstSeq).toBe(i & 0xff);
      expect(g.payload.equals(Buffer.alloc(1000, i & 0xff))).toBe(true);
    });
  });
});

describe("PayloadReader", () => {
  it("throws MalformedPacketError past the end", () => {
    const r = new PayloadReader(Buffer.from([0xfc, 0x01]));
    expect(() => r.lenencInt()).toThrow(MalformedPacketError);
    expect(() => new PayloadReader(Buffer.from("abc")).nullString()).toThrow(MalformedPacketError);
    expect(() => new PayloadReader(Buffer.from([5, 1])).lenencBytes()).toThrow(MalformedPacketError);
  });
});
