import { open } from "node:fs/promises";
import { Code, VtError } from "../../vterrors/index.js";
import { BINLOG_MAGIC, EVENT_HEADER_LENGTH } from "./constants.js";
import { corruptEvent } from "./cursor.js";
import { BinlogDecoder, type BinlogDecoderOptions } from "./decoder.js";
import type { BinlogEvent } from "./events.js";

export interface BinlogFileOptions extends BinlogDecoderOptions {
  /** Bytes read from disk at a time (default 4 MiB); an event larger than that is read whole. */
  chunkSize?: number;
  /** Start at this position instead of the first event (it must be an event boundary). */
  startPosition?: number;
  /** A decoder to continue with (several files of one binlog share one); a new one by default. */
  decoder?: BinlogDecoder;
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;

/**
 * Reads the raw events of a binlog file from disk, each a buffer that holds the whole event. The reader
 * stops at the end of the file; a truncated last event (a file still being written) is left out.
 */
export async function* readBinlogFileEvents(
  path: string,
  options: BinlogFileOptions = {},
): AsyncGenerator<Buffer> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const file = await open(path, "r");
  try {
    const magic = Buffer.alloc(BINLOG_MAGIC.length);
    await file.read(magic, 0, magic.length, 0);
    if (!magic.equals(BINLOG_MAGIC)) {
      throw new VtError(Code.INVALID_ARGUMENT, `${path} is not a binlog file (no binlog magic number)`);
    }
    let filePos = Math.max(options.startPosition ?? BINLOG_MAGIC.length, BINLOG_MAGIC.length);
    let buf = Buffer.alloc(0);
    let pos = 0;
    for (;;) {
      if (buf.length - pos < EVENT_HEADER_LENGTH || buf.length - pos < buf.readUInt32LE(pos + 9)) {
        const needed =
          buf.length - pos >= EVENT_HEADER_LENGTH ? buf.readUInt32LE(pos + 9) : EVENT_HEADER_LENGTH;
        const next = Buffer.allocUnsafe(Math.max(chunkSize, needed));
        const kept = buf.copy(next, 0, pos);
        const { bytesRead } = await file.read(next, kept, next.length - kept, filePos);
        filePos += bytesRead;
        buf = next.subarray(0, kept + bytesRead);
        pos = 0;
        if (bytesRead === 0) return;
        continue;
      }
      const size = buf.readUInt32LE(pos + 9);
      if (size < EVENT_HEADER_LENGTH)
        throw corruptEvent(`event at ${filePos - buf.length + pos} has size ${size}`);
      yield buf.subarray(pos, pos + size);
      pos += size;
    }
  } finally {
    await file.close();
  }
}

/**
 * Decodes the events of a binlog file. With a `startPosition` past the start, the file's
 * FORMAT_DESCRIPTION is read first (not yielded) so checksums and post-header lengths are known.
 */
export async function* readBinlogFile(
  path: string,
  options: BinlogFileOptions = {},
): AsyncGenerator<BinlogEvent> {
  const decoder = options.decoder ?? new BinlogDecoder(options);
  if ((options.startPosition ?? 0) > BINLOG_MAGIC.length && decoder.format === undefined) {
    for await (const raw of readBinlogFileEvents(path, { ...options, startPosition: undefined })) {
      decoder.decode(raw);
      break;
    }
  }
  for await (const raw of readBinlogFileEvents(path, options)) {
    yield decoder.decode(raw);
  }
}

/** Decodes several binlog files in order with one decoder. */
export async function* readBinlogFiles(
  paths: readonly string[],
  options: Omit<BinlogFileOptions, "startPosition"> = {},
): AsyncGenerator<BinlogEvent> {
  const decoder = options.decoder ?? new BinlogDecoder(options);
  for (const path of paths) {
    yield* readBinlogFile(path, { ...options, decoder });
  }
}
