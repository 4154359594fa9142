/** Builds binlog event bytes for unit tests, the way a server would write them. */
import { crc32 } from "node:zlib";
import { EVENT_HEADER_LENGTH, EventType } from "../constants.js";

export interface EventOptions {
  checksum?: boolean;
  serverId?: number;
  logPos?: number;
  flags?: number;
  timestamp?: number;
}

/** A whole event: common header, body, and a CRC32 trailer when `checksum`. */
export function buildEvent(typeCode: number, body: Buffer, options: EventOptions = {}): Buffer {
  const checksum = options.checksum ?? true;
  const size = EVENT_HEADER_LENGTH + body.length + (checksum ? 4 : 0);
  const out = Buffer.alloc(size);
  out.writeUInt32LE(options.timestamp ?? 1_700_000_000, 0);
  out.writeUInt8(typeCode, 4);
  out.writeUInt32LE(options.serverId ?? 100, 5);
  out.writeUInt32LE(size, 9);
  out.writeUInt32LE(options.logPos ?? 0, 13);
  out.writeUInt16LE(options.flags ?? 0, 17);
  body.copy(out, EVENT_HEADER_LENGTH);
  if (checksum) out.writeUInt32LE(crc32(out.subarray(0, size - 4)), size - 4);
  return out;
}

export function lenenc(n: number): Buffer {
  if (n < 0xfb) return Buffer.from([n]);
  if (n <= 0xffff) return Buffer.from([0xfc, n & 0xff, n >> 8]);
  if (n <= 0xffffff) return Buffer.from([0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16]);
  const out = Buffer.alloc(9);
  out[0] = 0xfe;
  out.writeBigUInt64LE(BigInt(n), 1);
  return out;
}

export function lenencString(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([lenenc(bytes.length), bytes]);
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

export function u48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntLE(n, 0, 6);
  return b;
}

export function u64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
}

/** Post-header lengths of a MariaDB 10.11 FORMAT_DESCRIPTION, indexed by type code - 1. */
export function mariadbPostHeaderLengths(): Buffer {
  const lengths = Buffer.alloc(EventType.MARIADB_DELETE_ROWS_COMPRESSED_V1);
  lengths[EventType.QUERY - 1] = 13;
  lengths[EventType.ROTATE - 1] = 8;
  lengths[EventType.FORMAT_DESCRIPTION - 1] = 84;
  lengths[EventType.TABLE_MAP - 1] = 8;
  for (const type of [23, 24, 25, 166, 167, 168]) lengths[type - 1] = 8;
  for (const type of [30, 31, 32, 169, 170, 171]) lengths[type - 1] = 10;
  lengths[EventType.MARIADB_QUERY_COMPRESSED - 1] = 13;
  lengths[EventType.MARIADB_GTID - 1] = 19;
  lengths[EventType.MARIADB_GTID_LIST - 1] = 4;
  return lengths;
}

/** A FORMAT_DESCRIPTION body (the event's checksum is added by buildEvent). */
export function formatDescriptionBody(
  serverVersion = "10.11.19-MariaDB-log",
  checksumAlgorithm = 1,
  postHeaderLengths = mariadbPostHeaderLengths(),
): Buffer {
  const version = Buffer.alloc(50);
  version.write(serverVersion, "latin1");
  return Buffer.concat([
    u16(4),
    version,
    u32(1_700_000_000),
    Buffer.from([EVENT_HEADER_LENGTH]),
    postHeaderLengths,
    Buffer.from([checksumAlgorithm]),
  ]);
}

export interface TableMapSpec {
  tableId: number;
  database: string;
  table: string;
  /** Binlog type code and raw metadata bytes of each column. */
  columns: readonly { type: number; meta?: readonly number[]; nullable?: boolean }[];
  /** Optional metadata fields: [type, payload]. */
  optional?: readonly [number, Buffer][];
}

export function tableMapBody(spec: TableMapSpec): Buffer {
  const db = Buffer.from(spec.database, "utf8");
  const table = Buffer.from(spec.table, "utf8");
  const meta = Buffer.concat(spec.columns.map((c) => Buffer.from(c.meta ?? [])));
  const nullBits = Buffer.alloc((spec.columns.length + 7) >> 3);
  spec.columns.forEach((c, i) => {
    if (c.nullable ?? true) nullBits[i >> 3]! |= 1 << (i & 7);
  });
  const optional = (spec.optional ?? []).map(([type, payload]) =>
    Buffer.concat([Buffer.from([type]), lenenc(payload.length), payload]),
  );
  return Buffer.concat([
    u48(spec.tableId),
    u16(1),
    Buffer.from([db.length]),
    db,
    Buffer.from([0, table.length]),
    table,
    Buffer.from([0]),
    lenenc(spec.columns.length),
    Buffer.from(spec.columns.map((c) => c.type)),
    lenenc(meta.length),
    meta,
    nullBits,
    ...optional,
  ]);
}

/** A bitmap of `width` bits with the given bits set (all when omitted). */
export function bitmap(width: number, set?: readonly number[]): Buffer {
  const out = Buffer.alloc((width + 7) >> 3);
  for (let i = 0; i < width; i++) {
    if (set === undefined || set.includes(i)) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

export interface RowsSpec {
  tableId: number;
  width: number;
  flags?: number;
  /** v2 events carry an extra-data block. */
  v2?: boolean;
  present?: Buffer;
  presentAfter?: Buffer;
  /** The row images, each its null bitmap followed by the values. */
  images: readonly Buffer[];
}

export function rowsBody(spec: RowsSpec): Buffer {
  const present = spec.present ?? bitmap(spec.width);
  return Buffer.concat([
    u48(spec.tableId),
    u16(spec.flags ?? 1),
    ...(spec.v2 ? [u16(2)] : []),
    lenenc(spec.width),
    present,
    ...(spec.presentAfter ? [spec.presentAfter] : []),
    ...spec.images,
  ]);
}
