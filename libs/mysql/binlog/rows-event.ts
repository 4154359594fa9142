import { inflateSync } from "node:zlib";
import { EventType } from "./constants.js";
import { Cursor, corruptEvent } from "./cursor.js";
import type { EventHeader, OtherEvent, RowChange, RowsAction, RowsEvent } from "./events.js";
import type { RowImage } from "./row-image.js";
import type { TableMap } from "./table-map.js";
import type { RowImageDecoder } from "./values.js";

/** The action of a rows event type, or undefined for other types. */
export function rowsAction(typeCode: number): RowsAction | undefined {
  switch (typeCode) {
    case EventType.WRITE_ROWS_V0:
    case EventType.WRITE_ROWS_V1:
    case EventType.WRITE_ROWS_V2:
    case EventType.MARIADB_WRITE_ROWS_COMPRESSED_V1:
    case EventType.MARIADB_WRITE_ROWS_COMPRESSED_V2:
      return "insert";
    case EventType.UPDATE_ROWS_V0:
    case EventType.UPDATE_ROWS_V1:
    case EventType.UPDATE_ROWS_V2:
    case EventType.MARIADB_UPDATE_ROWS_COMPRESSED_V1:
    case EventType.MARIADB_UPDATE_ROWS_COMPRESSED_V2:
      return "update";
    case EventType.DELETE_ROWS_V0:
    case EventType.DELETE_ROWS_V1:
    case EventType.DELETE_ROWS_V2:
    case EventType.MARIADB_DELETE_ROWS_COMPRESSED_V1:
    case EventType.MARIADB_DELETE_ROWS_COMPRESSED_V2:
      return "delete";
    default:
      return undefined;
  }
}

function isCompressed(typeCode: number): boolean {
  return (
    typeCode >= EventType.MARIADB_WRITE_ROWS_COMPRESSED_V2 &&
    typeCode <= EventType.MARIADB_DELETE_ROWS_COMPRESSED_V1
  );
}

/** The table id MySQL gives rows events that only end a statement and change nothing. */
const DUMMY_TABLE_ID_6 = 0xffffffffffff;
const DUMMY_TABLE_ID_4 = 0xffffff;

/** A bitmap of `width` bits: undefined when every bit is set (the common FULL image), and its popcount. */
function readBitmap(buf: Buffer, pos: number, width: number): [Uint8Array | undefined, number] {
  const bytes = (width + 7) >> 3;
  let count = 0;
  for (let i = 0; i < width; i++) if ((buf[pos + (i >> 3)]! & (1 << (i & 7))) !== 0) count++;
  if (count === width) return [undefined, count];
  return [Uint8Array.from(buf.subarray(pos, pos + bytes)), count];
}

/**
 * Decodes a WRITE/UPDATE/DELETE_ROWS event (v0, v1, v2, and MariaDB's compressed ones) whose body is
 * `buf[start, end)`; `postHeaderLength` comes from the FORMAT_DESCRIPTION event.
 */
export function decodeRowsEvent(
  header: EventHeader,
  buf: Buffer,
  start: number,
  end: number,
  postHeaderLength: number,
  tables: ReadonlyMap<number, TableMap>,
  decoder: RowImageDecoder,
): RowsEvent | OtherEvent {
  const action = rowsAction(header.typeCode)!;
  const cursor = new Cursor(buf, start, end);
  const tableId = postHeaderLength === 6 ? cursor.u32() : cursor.u48();
  const flags = cursor.u16();
  if (postHeaderLength >= 10) {
    const extraLength = cursor.u16();
    if (extraLength < 2) throw corruptEvent(`rows event extra data length ${extraLength}`);
    cursor.skip(extraLength - 2);
    cursor.skip(postHeaderLength - 10);
  } else if (postHeaderLength > 8) {
    cursor.skip(postHeaderLength - 8);
  }
  const table = tables.get(tableId);
  if (table === undefined) {
    if (tableId === DUMMY_TABLE_ID_6 || tableId === DUMMY_TABLE_ID_4) {
      return { kind: "other", header, typeName: "ROWS(dummy)", body: Buffer.from(buf.subarray(start, end)) };
    }
    throw corruptEvent(`rows event for table id ${tableId} without a preceding TABLE_MAP`);
  }
  let body = buf;
  let pos = cursor.pos;
  let bodyEnd = end;
  if (isCompressed(header.typeCode)) {
    body = decompressEventPayload(buf.subarray(pos, end));
    pos = 0;
    bodyEnd = body.length;
  }
  const rowCursor = new Cursor(body, pos, bodyEnd);
  const width = rowCursor.lenenc();
  if (width !== table.columns.length) {
    throw corruptEvent(
      `rows event for ${table.database}.${table.table} has ${width} columns, its TABLE_MAP ${table.columns.length}`,
    );
  }
  const bitmapBytes = (width + 7) >> 3;
  rowCursor.need(bitmapBytes);
  const [present, presentCount] = readBitmap(body, rowCursor.pos, width);
  rowCursor.skip(bitmapBytes);
  let presentAfter: Uint8Array | undefined;
  let presentAfterCount = 0;
  if (action === "update") {
    rowCursor.need(bitmapBytes);
    [presentAfter, presentAfterCount] = readBitmap(body, rowCursor.pos, width);
    rowCursor.skip(bitmapBytes);
  }
  const rows = decodeRows(body, rowCursor.pos, bodyEnd, table, action, decoder, [
    present,
    presentCount,
    presentAfter,
    presentAfterCount,
  ]);
  return {
    kind: "rows",
    header,
    action,
    table,
    flags,
    columnsPresent: present,
    columnsPresentAfter: presentAfter,
    rows,
  };
}

type Bitmaps = [Uint8Array | undefined, number, Uint8Array | undefined, number];

function decodeRows(
  buf: Buffer,
  pos: number,
  end: number,
  table: TableMap,
  action: RowsAction,
  decoder: RowImageDecoder,
  [present, presentCount, presentAfter, presentAfterCount]: Bitmaps,
): RowChange[] {
  const plan = table.plan;
  const width = table.columns.length;
  // Images are decoded into the decoder's buffer, then sliced out of one copy shared by the event's rows.
  const spans: number[] = [];
  const lengthLists: number[][] = [];
  while (pos < end) {
    const lengths: number[] = new Array(width);
    const from = decoder.offset;
    pos = decoder.decodeImage(buf, pos, end, plan, present, presentCount, lengths);
    spans.push(from, decoder.offset);
    lengthLists.push(lengths);
    if (action === "update") {
      const after: number[] = new Array(width);
      const afterFrom = decoder.offset;
      pos = decoder.decodeImage(buf, pos, end, plan, presentAfter, presentAfterCount, after);
      spans.push(afterFrom, decoder.offset);
      lengthLists.push(after);
    }
  }
  const values = decoder.take();
  const images: RowImage[] = new Array(lengthLists.length);
  for (let i = 0; i < lengthLists.length; i++) {
    images[i] = { lengths: lengthLists[i]!, values: values.subarray(spans[2 * i]!, spans[2 * i + 1]!) };
  }
  const rows: RowChange[] = [];
  if (action === "update") {
    for (let i = 0; i < images.length; i += 2) rows.push({ before: images[i], after: images[i + 1] });
  } else if (action === "insert") {
    for (const image of images) rows.push({ before: undefined, after: image });
  } else {
    for (const image of images) rows.push({ before: image, after: undefined });
  }
  return rows;
}

/**
 * MariaDB's compressed event payload (log_bin_compress): a header byte (bit 7 set, bits 4-6 the
 * algorithm, 0 = zlib, bits 0-2 the size of the big-endian original length that follows), then zlib data.
 */
export function decompressEventPayload(data: Buffer): Buffer {
  const header = data[0];
  if (header === undefined || (header & 0x80) === 0 || (header & 0x70) !== 0) {
    throw corruptEvent(`unknown compressed event header ${header?.toString(16)}`);
  }
  const lengthBytes = header & 0x07;
  if (lengthBytes < 1 || lengthBytes > 4 || data.length < 1 + lengthBytes) {
    throw corruptEvent("compressed event payload too short");
  }
  const expected = data.readUIntBE(1, lengthBytes);
  const out = inflateSync(data.subarray(1 + lengthBytes));
  if (out.length !== expected) {
    throw corruptEvent(`compressed event payload inflates to ${out.length} bytes, header says ${expected}`);
  }
  return out;
}
