/** Decoder helpers shared by the decoder's unit tests. */
import { expect } from "vitest";
import { VtError } from "../../../vterrors/index.js";
import { EventType } from "../constants.js";
import { BinlogDecoder } from "../decoder.js";
import type { BinlogEvent } from "../events.js";
import { buildEvent, formatDescriptionBody } from "./event-builder.js";

export function decoderWithFormat(version = "10.11.19-MariaDB-log"): BinlogDecoder {
  const decoder = new BinlogDecoder();
  decoder.decode(buildEvent(EventType.FORMAT_DESCRIPTION, formatDescriptionBody(version)));
  return decoder;
}

export function expectKind<K extends BinlogEvent["kind"]>(
  event: BinlogEvent,
  kind: K,
): Extract<BinlogEvent, { kind: K }> {
  expect(event.kind).toBe(kind);
  return event as Extract<BinlogEvent, { kind: K }>;
}

export function catchVtError(fn: () => unknown): VtError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VtError) return err;
    throw err;
  }
  throw new Error("expected a VtError");
}
