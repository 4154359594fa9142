import { crc32 } from "node:zlib";
import { Code, VtError } from "../../vterrors/index.js";
import {
  CHECKSUM_LENGTH,
  ChecksumAlgorithm,
  type ChecksumAlgorithmCode,
  EVENT_HEADER_LENGTH,
  EventFlag,
  EventType,
  eventTypeName,
  RowsFlag,
} from "./constants.js";
import {
  decodeBinlogCheckpoint,
  decodeFormatDescription,
  decodeGtidList,
  decodeHeartbeat,
  decodeHeartbeatV2,
  decodeMariadbGtid,
  decodeMysqlGtid,
  decodePreviousGtids,
  decodeQuery,
  decodeRotate,
  decodeXaPrepare,
  decodeXid,
} from "./control-events.js";
import { corruptEvent } from "./cursor.js";
import type { BinlogEvent, EventHeader, FormatDescriptionEvent } from "./events.js";
import { decodeRowsEvent, decompressEventPayload, rowsAction } from "./rows-event.js";
import { decodeTableMap, type TableMap } from "./table-map.js";
import { RowImageDecoder } from "./values.js";

export interface BinlogDecoderOptions {
  /**
   * The checksum algorithm of events that come before the first FORMAT_DESCRIPTION: what a dump session
   * set @master_binlog_checksum to (the server's fake ROTATE carries it). Defaults to none.
   */
  initialChecksum?: ChecksumAlgorithmCode;
  /** Verify CRC32 checksums (default true); a mismatch is a DATA_LOSS error. */
  verifyChecksums?: boolean;
}

/** Post-header lengths to use before any FORMAT_DESCRIPTION or for types it does not list. */
function defaultPostHeaderLength(typeCode: number): number {
  switch (typeCode) {
    case EventType.QUERY:
    case EventType.MARIADB_QUERY_COMPRESSED:
      return 13;
    case EventType.TABLE_MAP:
      return 8;
    case EventType.WRITE_ROWS_V2:
    case EventType.UPDATE_ROWS_V2:
    case EventType.DELETE_ROWS_V2:
      return 10;
    default:
      return rowsAction(typeCode) !== undefined ? 8 : 0;
  }
}

export function readEventHeader(buf: Buffer, pos = 0): EventHeader {
  if (buf.length - pos < EVENT_HEADER_LENGTH) {
    throw corruptEvent(
      `event of ${buf.length - pos} bytes is shorter than its ${EVENT_HEADER_LENGTH}-byte header`,
    );
  }
  return {
    timestamp: buf.readUInt32LE(pos),
    typeCode: buf[pos + 4]!,
    serverId: buf.readUInt32LE(pos + 5),
    eventSize: buf.readUInt32LE(pos + 9),
    logPos: buf.readUInt32LE(pos + 13),
    flags: buf.readUInt16LE(pos + 17),
  };
}

/**
 * Decodes binlog events one at a time, in order: it remembers the FORMAT_DESCRIPTION (checksum algorithm,
 * post-header lengths) and the TABLE_MAPs that the rows events refer to. One decoder per stream or file.
 */
export class BinlogDecoder {
  private formatEvent: FormatDescriptionEvent | undefined;
  private checksumAlgorithm: ChecksumAlgorithmCode;
  private readonly verify: boolean;
  private readonly tables = new Map<number, TableMap>();
  private readonly rows = new RowImageDecoder();

  constructor(options: BinlogDecoderOptions = {}) {
    this.checksumAlgorithm = options.initialChecksum ?? ChecksumAlgorithm.OFF;
    this.verify = options.verifyChecksums ?? true;
  }

  /** The last FORMAT_DESCRIPTION seen. */
  get format(): FormatDescriptionEvent | undefined {
    return this.formatEvent;
  }

  /** The checksum algorithm of the next event. */
  get checksum(): ChecksumAlgorithmCode {
    return this.checksumAlgorithm;
  }

  /** The table map a rows event with this id would use. */
  table(tableId: number): TableMap | undefined {
    return this.tables.get(tableId);
  }

  /**
   * Decodes one whole event (common header to checksum) of `buf[pos, pos + eventSize)`. Throws a VtError:
   * DATA_LOSS for a checksum mismatch or a malformed event, UNIMPLEMENTED for events it cannot decode
   * (MySQL's compressed transactions and partial JSON updates, encrypted binlogs).
   */
  decode(buf: Buffer, pos = 0): BinlogEvent {
    const header = readEventHeader(buf, pos);
    const end = pos + header.eventSize;
    if (header.eventSize < EVENT_HEADER_LENGTH || end > buf.length) {
      throw corruptEvent(
        `event size ${header.eventSize} does not match the ${buf.length - pos} bytes received`,
      );
    }
    const start = pos + EVENT_HEADER_LENGTH;
    if (header.typeCode === EventType.FORMAT_DESCRIPTION) {
      const event = decodeFormatDescription(header, buf, start, end);
      if (event.checksum === ChecksumAlgorithm.CRC32) this.verifyChecksum(buf, pos, end, header);
      this.formatEvent = event;
      this.checksumAlgorithm =
        event.checksum === ChecksumAlgorithm.UNDEFINED ? ChecksumAlgorithm.OFF : event.checksum;
      this.tables.clear();
      return event;
    }
    let bodyEnd = end;
    if (this.checksumAlgorithm === ChecksumAlgorithm.CRC32) {
      this.verifyChecksum(buf, pos, end, header);
      bodyEnd = end - CHECKSUM_LENGTH;
    }
    return this.decodeBody(header, buf, start, bodyEnd);
  }

  /**
   * Updates the decoder's state from an event without decoding rows (to skip events already delivered):
   * FORMAT_DESCRIPTION and TABLE_MAP are remembered, checksums still verified.
   */
  observe(buf: Buffer, pos = 0): EventHeader {
    const header = readEventHeader(buf, pos);
    const typeCode = header.typeCode;
    if (typeCode === EventType.FORMAT_DESCRIPTION || typeCode === EventType.TABLE_MAP) {
      this.decode(buf, pos);
    } else if (this.checksumAlgorithm === ChecksumAlgorithm.CRC32) {
      this.verifyChecksum(buf, pos, pos + header.eventSize, header);
    }
    return header;
  }

  private verifyChecksum(buf: Buffer, pos: number, end: number, header: EventHeader): void {
    if (!this.verify) return;
    if (end - pos < EVENT_HEADER_LENGTH + CHECKSUM_LENGTH)
      throw corruptEvent("event too short for its checksum");
    const expected = buf.readUInt32LE(end - CHECKSUM_LENGTH);
    let actual: number;
    if (header.typeCode === EventType.FORMAT_DESCRIPTION && (header.flags & EventFlag.BINLOG_IN_USE) !== 0) {
      // The server sets LOG_EVENT_BINLOG_IN_USE_F in the file after computing the checksum without it.
      const flagsAt = pos + 17;
      actual = crc32(buf.subarray(pos, flagsAt));
      actual = crc32(Buffer.from([buf[flagsAt]! & ~EventFlag.BINLOG_IN_USE, buf[flagsAt + 1]!]), actual);
      actual = crc32(buf.subarray(flagsAt + 2, end - CHECKSUM_LENGTH), actual);
    } else {
      actual = crc32(buf.subarray(pos, end - CHECKSUM_LENGTH));
    }
    if (actual !== expected) {
      throw new VtError(
        Code.DATA_LOSS,
        `binlog event ${eventTypeName(header.typeCode)} ending at position ${header.logPos} fails its CRC32 ` +
          `checksum: computed ${actual.toString(16).padStart(8, "0")}, event says ${expected.toString(16).padStart(8, "0")}`,
      );
    }
  }

  private postHeaderLength(typeCode: number): number {
    const lengths = this.formatEvent?.postHeaderLengths;
    const length = lengths?.[typeCode - 1];
    return length === undefined ? defaultPostHeaderLength(typeCode) : length;
  }

  private decodeBody(header: EventHeader, buf: Buffer, start: number, end: number): BinlogEvent {
    const typeCode = header.typeCode;
    switch (typeCode) {
      case EventType.ROTATE:
        return decodeRotate(header, buf, start, end);
      case EventType.QUERY:
        return decodeQuery(header, buf, start, end, this.postHeaderLength(typeCode));
      case EventType.MARIADB_QUERY_COMPRESSED:
        return decodeQuery(header, buf, start, end, this.postHeaderLength(typeCode), decompressEventPayload);
      case EventType.XID:
        return decodeXid(header, buf, start, end);
      case EventType.TABLE_MAP: {
        const tableIdLength = this.postHeaderLength(typeCode) === 6 ? 4 : 6;
        const mariadb = this.formatEvent?.serverVersion.includes("MariaDB") ?? true;
        const table = decodeTableMap(buf, start, end, tableIdLength, mariadb);
        this.tables.set(table.tableId, table);
        return { kind: "tableMap", header, table };
      }
      case EventType.MARIADB_GTID:
        return decodeMariadbGtid(header, buf, start, end);
      case EventType.GTID:
        return decodeMysqlGtid(header, buf, start, end);
      case EventType.ANONYMOUS_GTID:
        return { kind: "anonymousGtid", header };
      case EventType.MARIADB_GTID_LIST:
        return decodeGtidList(header, buf, start, end);
      case EventType.PREVIOUS_GTIDS:
        return decodePreviousGtids(header, buf, start, end);
      case EventType.MARIADB_ANNOTATE_ROWS:
        return { kind: "annotateRows", header, sql: buf.toString("utf8", start, end) };
      case EventType.ROWS_QUERY:
        // One length byte (truncated to 255, ignored) then the statement.
        return { kind: "annotateRows", header, sql: buf.toString("utf8", start + 1, end) };
      case EventType.HEARTBEAT:
        return decodeHeartbeat(header, buf, start, end);
      case EventType.HEARTBEAT_V2:
        return decodeHeartbeatV2(header, buf, start, end);
      case EventType.STOP:
        return { kind: "stop", header };
      case EventType.XA_PREPARE:
        return decodeXaPrepare(header, buf, start, end);
      case EventType.MARIADB_BINLOG_CHECKPOINT:
        return decodeBinlogCheckpoint(header, buf, start, end);
      case EventType.TRANSACTION_PAYLOAD:
      case EventType.PARTIAL_UPDATE_ROWS:
      case EventType.MARIADB_START_ENCRYPTION:
        throw new VtError(
          Code.UNIMPLEMENTED,
          `binlog event ${eventTypeName(typeCode)} is not supported (binlog_transaction_compression, ` +
            "binlog_row_value_options=PARTIAL_JSON and encrypted binlog files are not)",
        );
      default:
        if (rowsAction(typeCode) !== undefined) {
          const event = decodeRowsEvent(
            header,
            buf,
            start,
            end,
            this.postHeaderLength(typeCode),
            this.tables,
            this.rows,
          );
          if (event.kind === "rows" && (event.flags & RowsFlag.STMT_END) !== 0) this.tables.clear();
          return event;
        }
        return {
          kind: "other",
          header,
          typeName: eventTypeName(typeCode),
          body: Buffer.from(buf.subarray(start, end)),
        };
    }
  }
}
