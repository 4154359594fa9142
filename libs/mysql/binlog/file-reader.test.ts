import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BINLOG_MAGIC, EventType } from "./constants.js";
import { readBinlogFile, readBinlogFiles } from "./file-reader.js";
import { buildEvent, formatDescriptionBody, u64 } from "./testing/event-builder.js";

const dir = mkdtempSync(join(tmpdir(), "binlog-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeBinlog(name: string, events: Buffer[]): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([BINLOG_MAGIC, ...events]));
  return path;
}

describe("readBinlogFile", () => {
  const events = [
    buildEvent(EventType.FORMAT_DESCRIPTION, formatDescriptionBody()),
    ...Array.from({ length: 50 }, (_, i) => buildEvent(EventType.XID, u64(BigInt(i)))),
    buildEvent(EventType.ROTATE, Buffer.concat([u64(4n), Buffer.from("bin.000002")])),
  ];

  it("reads every event, also across small read chunks", async () => {
    const path = writeBinlog("bin.000001", events);
    for (const chunkSize of [7, 64, 4096]) {
      const kinds: string[] = [];
      for await (const event of readBinlogFile(path, { chunkSize })) kinds.push(event.kind);
      expect(kinds).toEqual(["formatDescription", ...Array(50).fill("xid"), "rotate"]);
    }
  });

  it("stops before a truncated last event and reads several files with one decoder", async () => {
    const whole = writeBinlog("bin.000002", events);
    const truncated = join(dir, "bin.000003");
    const bytes = Buffer.concat([BINLOG_MAGIC, ...events]);
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 5));
    let count = 0;
    for await (const _ of readBinlogFiles([whole, truncated])) count++;
    expect(count).toBe(2 * events.length - 1);
  });

  it("starts at a position, reading the FORMAT_DESCRIPTION first", async () => {
    const path = writeBinlog("bin.000004", events);
    const position = 4 + events[0]!.length + 48 * events[1]!.length;
    const kinds: string[] = [];
    for await (const event of readBinlogFile(path, { startPosition: position })) kinds.push(event.kind);
    expect(kinds).toEqual(["xid", "xid", "rotate"]);
  });

  it("refuses a file that is not a binlog", async () => {
    const path = join(dir, "not-a-binlog");
    writeFileSync(path, "hello");
    await expect(readBinlogFile(path).next()).rejects.toThrow(/not a binlog file/);
  });
});
